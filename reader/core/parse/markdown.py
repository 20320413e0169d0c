"""The Markdown reader: one line-based state machine over every known template.

Lines come one at a time (see :mod:`reader.core.parse.lines`); no regex backtracks, and a
field keeps at most FIELD_LIMIT characters however long its lines, so the cost is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from reader.core.model import Paper
from reader.core.parse.builder import Builder
from reader.core.parse.fields import EXTRA_LIMIT, FIELD_LIMIT, TITLE_LIMIT, cut, date_in, identify, join_lines, text_or_none
from reader.core.sanitize import clean

_FIELD_LABELS = {
    "tl;dr": "tldr",
    "tldr": "tldr",
    "task": "tldr",  # the first format's one-line summary
    "motivation": "motivation",
    "method": "method",
    "methods": "method",
    "result": "result",
    "results": "result",
    "conclusion": "conclusion",
    "conclusions": "conclusion",
    "abstract": "abstract",
    "main category": "category",
    "catalog": "category",  # DAgentSec: "Catalog: Agent Sec | Source: arXiv"
}
"""Labels of the Paper fields, lower-cased."""

_EXTRA_LABELS = frozenset(
    {
        "background", "data", "keywords", "comment", "comments", "source", "relevance score",
        "read time", "key contributions", "limitations", "ai_comments", "ai_abstract", "摘要翻译",
    }
)
"""Fork fields that may appear without bold markup; bold labels need not be listed."""

_FOLDED_LABELS = frozenset({"comment", "comments"})
"""Fields whose indented lines continue the line (arXiv folds comments), not a paragraph."""

_TRANSLATED_TITLE = "Translated title"
"""Extra label of xmkxabc's ``> *中文标题*`` line under the heading."""

_TOC_TITLES = frozenset({"table of contents", "contents", "目录", "目錄", "toc"})
_NONBLANK = re.compile(r"\S")


def parse_markdown(lines: Iterable[str], builder: Builder) -> Iterator[int]:
    """The line-based state machine over every Markdown template; yields the entry count."""
    entry: _Entry | None = None
    section: str | None = None
    for line in lines:
        line = line.rstrip()
        if not line:
            if entry is not None:
                entry.feed_blank()
            continue
        if line[0] == "#":
            if line.startswith("### ["):
                if entry is not None:
                    yield entry.commit(builder, section)
                entry = _Entry(line)
                continue
            level = len(line) - len(line.lstrip("#"))
            if line[level:level + 1] == " " and (level <= 2 or entry is None):
                if entry is not None:
                    yield entry.commit(builder, section)
                    entry = None
                text = line[level + 1:].strip()
                if level <= 2:
                    section = None if _document_heading(text, builder) else _section_name(text)
                else:
                    _document_heading(text, builder)
                continue
        if entry is not None:
            entry.feed(line)
        else:
            _preamble_facts(line, builder)
    if entry is not None:
        yield entry.commit(builder, section)


def _document_heading(text: str, builder: Builder) -> bool:
    """Whether a heading is about the file (its TOC, its dated title), not a section."""
    if text.lower() in _TOC_TITLES:
        builder.toc_seen = True
        return True
    if not builder.digest.entries and builder.heading_date is None:
        builder.heading_date = date_in(text[:200])
        return builder.heading_date is not None
    return False


def _preamble_facts(line: str, builder: Builder) -> None:
    """Lines outside entries: tell an empty day (TOC markup only) from a README."""
    text = line.strip()
    if text[:1] == "<":
        builder.toc_seen = builder.toc_seen or "toc" in text[:40].lower()
    elif text[:1] not in ("-", "*", "[", ">", "|", "=", "_"):
        builder.prose_seen = True


def _section_name(text: str) -> str | None:
    """``cs.CV [[Back]](#toc)`` -> ``cs.CV``; None for an empty heading."""
    back = text.find("[[")
    if back >= 0:
        text = text[:back]
    text = text.rstrip("# ").strip()
    return clean(cut(text, TITLE_LIMIT)[0]) if text else None


def _split_heading(line: str) -> tuple[str, str | None]:
    """(title, url) of ``### [N] [Title](url)`` or ``### [Title](url)``; title as written."""
    rest = line[4:].strip()
    close = rest.find("] [", 0, 16)
    if close > 1 and rest[1:close].isdigit():
        rest = rest[close + 2:]
    if rest.endswith(")"):
        middle = rest.rfind("](")
        if middle > 0:
            return rest[1:middle], rest[middle + 2:-1].strip(" <>")
    return rest[1:].removesuffix("]"), None


class _Label(NamedTuple):
    """A labelled line: ``key`` is a Paper field name or ``"extra"``, ``name`` the label as written."""

    key: str
    name: str
    value: str
    bold: bool
    quoted: bool


def _label(line: str) -> _Label | None:
    """Read a field label: ``X: v``, ``**X:** v``, ``**X**: v``, ``**X: v**``, ``> **X:** v``.

    Plain labels count only when known (so prose like ``Note: ...`` stays text); any
    short bold label counts.  Only a bounded prefix is searched, so long lines are cheap.
    """
    text = line
    quoted = text[0] == ">"
    if quoted:
        text = text[1:].lstrip()
    if text.startswith("**"):
        end = text.find("**", 2, 240)
        if end < 3:
            return None
        inner, rest = text[2:end].strip(), text[end + 2:]
        if inner.endswith(":"):
            label, value = inner[:-1], rest
        elif rest.startswith(":"):
            label, value = inner, rest[1:]
        elif ":" in inner and not rest.strip():
            label, value = inner.split(":", 1)
        else:
            return None
        bold = True
    else:
        colon = text.find(":", 1, 40)
        if colon < 0:
            return None
        label, value, bold = text[:colon], text[colon + 1:], False
    label = label.strip()
    lowered = label.lower()
    key = _FIELD_LABELS.get(lowered)
    if key is None:
        if not (lowered in _EXTRA_LABELS or (bold and 0 < len(label) <= 40 and "[" not in label and "*" not in label)):
            return None
        key = "extra"
    return _Label(key, label, value, bold, quoted)


class _Entry:
    """One ``### [`` entry being read: its heading, then header lines, fields and details."""

    __slots__ = (
        "title", "url", "authors", "fields", "extra", "in_details", "summary", "started",
        "key", "name", "lines", "size", "quoted", "cut", "overflow", "extra_size", "extra_dropped",
    )

    def __init__(self, heading: str) -> None:
        self.title, self.url = _split_heading(heading)
        self.authors: tuple[str, ...] = ()
        self.fields: dict[str, str | None] = {}
        self.extra: list[tuple[str, str]] = []
        self.extra_size = 0
        self.extra_dropped = False
        self.in_details: bool | None = None  # None: no details block seen
        self.summary = ""
        self.started = False  # a field label has been seen: header lines are over
        self.key: str | None = None  # the open field, if any
        self.name = ""
        self.lines: list[str] = []
        self.size = 0
        self.overflow = False  # text of the open field was dropped for the field limit
        self.quoted = False
        self.cut: list[str] = []

    def feed_blank(self) -> None:
        """A blank line matters only inside a field: it separates paragraphs."""
        if self.key is not None:
            self.lines.append("")

    def feed(self, line: str) -> None:
        """One non-blank line inside the entry."""
        stripped = line.lstrip() if line[0] in " \t" else line
        if stripped[0] == "<":
            tag = stripped[:12].lower()
            if tag.startswith("<details"):
                self._close()
                self.in_details = True
                return
            if tag.startswith("</details"):
                self._close()
                self.in_details = False
                return
            if tag.startswith("<summary"):
                self.summary = stripped[stripped.find(">") + 1:].split("<", 1)[0].strip().lower()
                return
        # an abstract's own text may start like a label ("Background: ..."): only bold
        # standard labels end it
        in_abstract = self.key == "abstract" or (self.in_details and self.summary == "abstract")
        found = _label(line) if not in_abstract or line[0] in "*>" else None
        if found and (not in_abstract or (found.bold and found.key != "extra")):
            self._close()
            self._open(found)
        elif self.key is not None:
            self._append(line[1:].removeprefix(" ") if self.quoted and line[0] == ">" else line)
        elif not self.started and not self.in_details:
            self._header(stripped)
        elif self.in_details and self.summary == "abstract" and "abstract" not in self.fields:
            self._open(_Label("abstract", "Abstract", line, False, False))

    def _header(self, text: str) -> None:
        """Lines between the heading and the first field: authors, xmkxabc's translated title."""
        if text.startswith("> *") and not text.startswith("> **"):
            translated, was_cut = cut(text[3:].rstrip("*").strip(), FIELD_LIMIT)
            if was_cut:
                self.cut.append(_TRANSLATED_TITLE)
            self._add_extra(_TRANSLATED_TITLE, clean(translated))
        elif text[0] == "*" and text[:2] != "**" and not self.authors:
            bar = text.find("* | ")
            names, rest = (text[1:bar], text[bar + 4:]) if bar > 0 else (text[1:].removesuffix("*"), "")
            names, was_cut = cut(names, FIELD_LIMIT)
            if was_cut:
                self.cut.append("authors")
            self.authors = tuple(clean(part.strip()) for part in names.split(",") if part.strip())
            self._segments(rest)

    def _segments(self, text: str) -> None:
        """``**Main category: X**`` or ``Source: arXiv`` parts after a `` | ``, each a one-line field."""
        for part in text.split(" | ") if text else ():
            found = _label(part.strip()) if part.strip() else None
            if found:
                self._open(found)
                self._close()

    def _open(self, found: _Label) -> None:
        """Start a field; a category is one line, so it is set at once."""
        self.started = True
        if found.key == "category":
            value, _, rest = found.value.partition(" | ")
            category = cut(clean(value.strip().strip("*").strip()), TITLE_LIMIT)[0]
            self.fields.setdefault("category", category or None)
            self._segments(rest)
            return
        self.key, self.name, self.quoted = found.key, found.name, found.quoted
        self.lines, self.size, self.overflow = [], 0, False
        self._append(found.value.lstrip())

    def _append(self, line: str) -> None:
        """Keep a field line, but never more than the field limit, however long the input.

        Whether text was dropped is remembered: the kept part may end in spaces that the
        join strips, and the field must still be marked as cut.
        """
        if self.size <= FIELD_LIMIT:
            self.lines.append(line[:FIELD_LIMIT + 1])
            self.size += len(line)
            if len(line) > FIELD_LIMIT + 1 and _NONBLANK.search(line, FIELD_LIMIT + 1):
                self.overflow = True
        elif _NONBLANK.search(line):
            self.overflow = True

    def _close(self) -> None:
        """Finish the open field: rejoin, cap, drop placeholders, store."""
        if self.key is None:
            return
        key, name = self.key, clean(self.name)
        self.key = None
        text, was_cut = cut(join_lines(self.lines, name.lower() in _FOLDED_LABELS), FIELD_LIMIT)
        if self.overflow and not was_cut:
            text, was_cut = text.rstrip() + "…", True
        if was_cut:
            self.cut.append(name)
        value = text_or_none(clean(text, multiline=True))
        if key != "extra" and key not in self.fields:
            self.fields[key] = value
        elif value is not None:
            self._add_extra(name, value)

    def _add_extra(self, name: str, value: str) -> None:
        """Keep an extra field while the entry's extras stay within EXTRA_LIMIT and FIELD_LIMIT."""
        if len(self.extra) >= EXTRA_LIMIT or self.extra_size >= FIELD_LIMIT:
            self.extra_dropped = True
            return
        self.extra.append((name, value))
        self.extra_size += len(value)

    def commit(self, builder: Builder, section: str | None) -> int:
        """Make the Paper, note what is damaged, and add it under its section."""
        self._close()
        title, was_cut = cut(self.title.strip(), TITLE_LIMIT)
        title = clean(title)
        url = clean(self.url) if self.url and len(self.url) <= TITLE_LIMIT else None
        paper_id, version, made_up = identify(url, None, title)
        if was_cut:
            builder.problem("title cut", paper_id)
        if not title:
            builder.problem("no title", paper_id)
            title = "(untitled)"
        if made_up:
            builder.problem("no id", paper_id)
        if self.in_details:
            builder.problem("truncated", paper_id)
        for name in self.cut:
            builder.problem("field cut", f"{paper_id} {name}")
        if self.extra_dropped:
            builder.problem("extra cut", paper_id)
        fields = self.fields
        paper = Paper(
            id=paper_id,
            title=title,
            version=version,
            url=url,
            authors=self.authors,
            category=fields.get("category"),
            tldr=fields.get("tldr"),
            motivation=fields.get("motivation"),
            method=fields.get("method"),
            result=fields.get("result"),
            conclusion=fields.get("conclusion"),
            abstract=fields.get("abstract"),
            extra=tuple(self.extra),
        )
        return builder.add(section or paper.category or "Papers", paper)
