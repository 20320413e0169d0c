"""The JSON Lines reader: one paper per record, raw crawl or AI-enhanced."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from reader.core.model import SUMMARY_FIELDS, Paper
from reader.core.parse.builder import Builder
from reader.core.parse.fields import ARXIV_CATEGORY, EXTRA_LIMIT, FIELD_LIMIT, TITLE_LIMIT, cut, identify, join_lines, text_or_none
from reader.core.sanitize import clean

_JSONL_EXTRAS = {"comment": "Comment", "code_url": "Code", "code_stars": "Code stars"}
"""Top-level JSON Lines keys worth showing, with their labels."""

_AI_LABELS = {
    "keywords": "Keywords",
    "importance_score": "Relevance Score",
    "read_time_minutes": "Read time",
    "key_contributions": "Key Contributions",
    "limitations": "Limitations",
}
"""ZL-Asica's extra AI keys, labelled as that fork's Markdown labels them."""

_KNOWN_KEYS = frozenset(
    {"id", "title", "abs", "url", "authors", "categories", "category", "summary", "AI", "pdf", "pdf_url", *SUMMARY_FIELDS}
)
"""Top-level keys read into Paper fields; any other key with a value is kept as an extra field."""

_BAD_RUN = 1_000
"""Bad lines in a row after which a JSON Lines file is given up on."""


def parse_jsonl(lines: Iterable[str], builder: Builder) -> Iterator[int]:
    """One paper per JSON object line (raw crawl or AI-enhanced); yields the entry count.

    Gives up after ``_BAD_RUN`` bad lines in a row: that is no JSON Lines digest, and
    failing JSON parses are slow enough that a huge such file should not be ground through.
    """
    bad_run = 0
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        record = None
        if line[-1] == "}":
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                pass
        placed = _record_paper(record, builder) if isinstance(record, dict) else None
        if placed is None:
            builder.problem("bad line", str(number))
            bad_run += 1
            if bad_run >= _BAD_RUN:
                builder.notes.append(f"Reading stopped at line {number:,}: {_BAD_RUN:,} lines in a row are not paper records")
                return
            continue
        bad_run = 0
        yield builder.add(*placed)


def _record_paper(record: dict, builder: Builder) -> tuple[str, Paper] | None:
    """(its section, the Paper) of one record; None when it has neither an id nor a title.

    The section is the record's topic, else its arXiv category; a list of names that are no
    arXiv categories (OpenAlex's venues and concepts) is kept as a field, never as a category.
    """
    raw_id, title = _string(record.get("id")), _string(record.get("title"))
    url = _string(record.get("abs")) or _string(record.get("url"))
    if not (raw_id or title):
        return None
    title, title_cut = cut(" ".join(part.strip() for part in (title or "").split("\n")).strip(), TITLE_LIMIT)
    title = clean(title)
    url = clean(url) if url and len(url) <= TITLE_LIMIT else None
    paper_id, version, made_up = identify(url, raw_id, title)
    if made_up:
        builder.problem("no id", paper_id)
    if title_cut:
        builder.problem("title cut", paper_id)
    if not title:
        builder.problem("no title", paper_id)
        title = "(untitled)"
    categories = record.get("categories")
    if isinstance(categories, str):
        categories = categories.split()
    listed = [clean(name)[:TITLE_LIMIT] for name in categories if isinstance(name, str) and name.strip()] if isinstance(categories, list) else []
    arxiv = [name for name in listed if ARXIV_CATEGORY.fullmatch(name)]
    named = [] if arxiv else listed  # OpenAlex's venues and concepts: the first is the section
    whole = ", ".join(listed) if len(arxiv) < len(listed) else ""  # "cs.HC, I.2; J.5" as written
    listed = arxiv
    category = listed[0] if listed else _string(record.get("category"))
    pdf = _string(record.get("pdf")) or _string(record.get("pdf_url"))
    authors = record.get("authors")
    if isinstance(authors, str):
        authors = authors.split(",")
    ai = record.get("AI") if isinstance(record.get("AI"), dict) else {}
    cut_fields: list[str] = []

    def field(value: object, name: str, wrapped: bool = False) -> str | None:
        text = _string(value)
        if text is None:
            return None
        text, was_cut = cut(join_lines(text.split("\n")) if wrapped else text, FIELD_LIMIT)
        if was_cut:
            cut_fields.append(name)
        return text_or_none(clean(text, multiline=True))

    # the AI object's fields; a flat record (MYZhangwww's recommendations) has them at the top
    summary = {name: field(ai.get(name) if name in ai else record.get(name), name) for name in SUMMARY_FIELDS}
    abstract = field(record.get("summary"), "abstract", wrapped=True)
    # a record's own id that is no arXiv id (OpenAlex's "openalex:W7159891305") is shown, not dropped
    extra = [("Id", field(raw_id, "Id"))] if raw_id and paper_id not in raw_id else []
    if whole:
        extra.append(("Categories", whole))
    for key, value in record.items():
        if key == "AI":
            for name, item in ai.items():
                if name not in SUMMARY_FIELDS:
                    label = _AI_LABELS.get(name) or _labelled(name)
                    extra.append((label, field(_ai_text(name, item), label)))
        elif key in _JSONL_EXTRAS:
            label = _JSONL_EXTRAS[key]
            extra.append((label, field(_ai_text(key, value), label)))
        elif key not in _KNOWN_KEYS and value is not None and value != "":
            label = _labelled(key)  # a fork's own key (is_priority, topic, ...): kept, not dropped
            extra.append((label, field(_ai_text(key, value) if not isinstance(value, bool) else str(value).lower(), label)))
    for name in cut_fields:
        builder.problem("field cut", f"{paper_id} {name}")
    kept, size = [], 0
    for label, text in extra:
        if text:
            if len(kept) >= EXTRA_LIMIT or size >= FIELD_LIMIT:
                builder.problem("extra cut", paper_id)
                break
            kept.append((label, text))
            size += len(text)
    names = authors if isinstance(authors, list) else ()
    topic = _string(record.get("topic")) or (named[0] if named else None)
    paper = Paper(
        id=paper_id,
        title=title,
        version=version,
        url=url or (None if made_up else f"https://arxiv.org/abs/{paper_id}"),
        authors=tuple(clean(name.strip())[:TITLE_LIMIT] for name in names if isinstance(name, str) and name.strip()),
        category=cut(clean(category), TITLE_LIMIT)[0] if category else None,
        categories=tuple(listed),
        pdf=clean(pdf) if pdf and len(pdf) <= TITLE_LIMIT else None,
        abstract=abstract,
        extra=tuple(kept),
        **summary,
    )
    return (cut(clean(topic), TITLE_LIMIT)[0] if topic and topic.strip() else paper.category or "Papers"), paper


def _string(value: object) -> str | None:
    """A record value as text when it is text (or a number, as ids sometimes are)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _ai_text(name: str, value: object) -> str | None:
    """An extra AI value as text: keyword lists joined, other lists numbered, minutes in min."""
    if isinstance(value, list):
        items = [str(item) for item in value if item is not None]
        if name == "keywords":
            return ", ".join(items)
        return "\n".join(f"{number}. {item}" for number, item in enumerate(items, 1))
    if name == "read_time_minutes" and isinstance(value, (int, float)):
        return f"{value} min"
    if isinstance(value, dict):  # a fork's nested object ("screen": {"relevance": 9, ...}): one line per key
        return "\n".join(f"{_labelled(key)}: {_ai_text(key, item) if isinstance(item, (list, dict)) else _flat(item)}"
                         for key, item in value.items() if item is not None and item != "")
    return _string(value)


def _flat(value: object) -> str:
    """A JSON scalar as a reader writes it: true, 9, text."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _labelled(key: str) -> str:
    """``code_stars`` -> ``Code stars``: a JSON key as a display label."""
    return clean(key.replace("_", " ").strip().capitalize())[:TITLE_LIMIT]
