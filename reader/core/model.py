"""The paper and digest model: plain data shared by every other module.

Text in these objects has already been cleaned by :mod:`reader.core.sanitize` at parse time,
so nothing downstream has to think about terminal escapes; it must still never treat
the text as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from reader.core.sanitize import is_safe_url

SUMMARY_FIELDS = ("tldr", "motivation", "method", "result", "conclusion")
"""The AI summary fields of the standard template, in display order."""
SUMMARY_LABELS = {"tldr": "TL;DR", "motivation": "Motivation", "method": "Method", "result": "Result", "conclusion": "Conclusion"}
"""How each summary field is labelled when shown."""
RELEVANCE_LABELS = frozenset(("relevance", "相关性", "recommendation", "interest score", "relevance score", "score"))
"""Fields in which forks rate a paper for the reader (``★★★☆☆ (56/100) - ...``, ``55%``)."""
TRANSLATED_TITLE_LABELS = frozenset(("translated title", "title translation", "标题翻译", "中文标题", "title (zh)"))
"""Fields in which forks translate the title (shown after it in the list)."""


class Paper(NamedTuple):
    """One paper of a digest, keyed by its arXiv id without version."""

    id: str
    title: str
    version: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    category: str | None = None
    tldr: str | None = None
    motivation: str | None = None
    method: str | None = None
    result: str | None = None
    conclusion: str | None = None
    abstract: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    """Fields of fork templates (label, text) in file order, e.g. ("Keywords", "...")."""
    categories: tuple[str, ...] = ()
    """Every arXiv category the file gives (the main one first, then the cross-listed ones);
    empty when the file names none or only the main one is known from ``category``."""
    pdf: str | None = None
    """The PDF link the file gives, when it gives one (a journal's PDF for a paper with no arXiv id)."""
    order: tuple[str, ...] = ()
    """The summary fields (by field name) and extra labels in the order the file gave them, when
    that is not the display order (a fork's Background before its Method); empty otherwise."""

    @property
    def has_arxiv_id(self) -> bool:
        """Whether ``id`` is a real arXiv id (the parser makes up ``noid-…`` keys otherwise)."""
        return not self.id.startswith("noid-")

    @property
    def pdf_url(self) -> str | None:
        """The arXiv PDF of this version when the paper has an arXiv id, else the file's own PDF link (if safe)."""
        if self.has_arxiv_id:
            return f"https://arxiv.org/pdf/{self.id}{self.version or ''}"
        return self.pdf if is_safe_url(self.pdf) else None

    @property
    def citation(self) -> str:
        """A one-line citation to paste: ``Title. Authors. arXiv:ID``."""
        parts = [self.title.rstrip(".") + ".", ", ".join(self.authors) + "." if self.authors else ""]
        if self.has_arxiv_id:
            parts.append(f"arXiv:{self.id}{self.version or ''}")
        elif is_safe_url(self.url):
            parts.append(self.url)
        return " ".join(part for part in parts if part)

    @property
    def has_summary(self) -> bool:
        """Whether any AI summary field carries real text (placeholders were made None)."""
        return any(getattr(self, name) for name in SUMMARY_FIELDS)

    @property
    def summary(self) -> list[tuple[str, str]]:
        """(label, text) of each summary field present, in display order."""
        return [(SUMMARY_LABELS[name], text) for name in SUMMARY_FIELDS if (text := getattr(self, name))]

    def in_file_order(self) -> list[tuple[str, str]]:
        """(label, text) of the summary fields and the fork's own fields, in the file's order;
        whatever ``order`` does not name follows in display order."""
        fields = {name: text for name in SUMMARY_FIELDS if (text := getattr(self, name))}
        extra = dict(self.extra)
        shown: list[tuple[str, str]] = []
        for key in self.order:
            if key in fields:
                shown.append((SUMMARY_LABELS[key], fields.pop(key)))
            elif key in extra:
                shown.append((key, extra.pop(key)))
        shown += [(SUMMARY_LABELS[name], text) for name, text in fields.items()]
        return shown + list(extra.items())

    def to_dict(self) -> dict:
        """The JSON shape of ``--dump`` (without the section) and of exports."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "url": self.url,
            "authors": list(self.authors),
            "category": self.category,
            "tldr": self.tldr,
            "motivation": self.motivation,
            "method": self.method,
            "result": self.result,
            "conclusion": self.conclusion,
            "abstract": self.abstract,
            "extra": dict(self.extra),
            "categories": list(self.categories),
            "pdf": self.pdf,
        }


@dataclass(slots=True)
class Section:
    """A section of the digest (usually one arXiv category) and its papers in file order."""

    name: str
    papers: list[Paper] = field(default_factory=list)


@dataclass(slots=True)
class Digest:
    """A parsed digest: unique papers, the sections that list them, and parse warnings."""

    name: str
    """What the header calls the digest: its date when known, else the file name."""
    date: str | None = None
    """The digest's day as ``YYYY-MM-DD`` when the file or its name tells it."""
    sections: list[Section] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)
    """Every paper once, in order of first appearance."""
    entries: list[tuple[str, Paper]] = field(default_factory=list)
    """(section name, paper) for every entry in file order; a repeated paper appears again."""
    warnings: list[str] = field(default_factory=list)


class DigestError(Exception):
    """The input cannot be read as a digest at all; the message is one line for the user."""


class Star(NamedTuple):
    """A starred paper: a full snapshot, so the starred list needs no digest file."""

    paper: Paper
    starred_at: str
    """When it was starred, ISO 8601 in UTC (``2026-11-28T09:15:00Z``)."""
    digest: str | None = None
    """The date (or name) of the digest it was starred from."""


LATER = "Later"
"""The built-in tag, with its own key."""


def tag_key(name: str) -> str:
    """What tag names are compared by: ``later`` is the tag Later."""
    return name.strip().casefold()


class Tagged(NamedTuple):
    """A tagged paper: its tags and a snapshot, so a tag view needs no digest file."""

    paper: Paper
    tags: tuple[str, ...]
    """Its tags as first written, sorted without regard to case, one per :func:`tag_key`."""
    saved_at: str
    """When it was first tagged, ISO 8601 in UTC."""
    digest: str | None = None
    """The date (or name) of the digest it was first tagged from."""

    def has(self, name: str) -> bool:
        key = tag_key(name)
        return any(tag_key(tag) == key for tag in self.tags)

    def as_star(self) -> Star:
        """The snapshot as the exporters take it."""
        return Star(self.paper, self.saved_at, self.digest)


class Noted(NamedTuple):
    """A paper with a note: the note and a snapshot, so the note outlives the digest file."""

    paper: Paper
    text: str
    """The note as the user wrote it (several lines; never empty)."""
    saved_at: str
    """When the paper was first noted, ISO 8601 in UTC."""
    digest: str | None = None
    """The date (or name) of the digest it was first noted from."""

    def as_star(self) -> Star:
        """The snapshot as the exporters take it."""
        return Star(self.paper, self.saved_at, self.digest)
