"""Entries into a Digest: one Paper per id, repeats merged, sections in file order, limits, warnings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import islice

from reader.core.model import SUMMARY_FIELDS, Digest, DigestError, Paper, Section
from reader.core.parse.fields import EXTRA_LIMIT, FIELD_LIMIT, TITLE_LIMIT, cut, date_in, display_name

ENTRY_LIMIT = None
"""No cap on the entries of a file (a year of papers in one export is over 100,000): memory is
protected by reading the file in chunks, never by dropping papers."""
SECTION_LIMIT = 1_000
"""Sections kept (arXiv has about 150 categories); entries of later sections are listed under
OVERFLOW_SECTION, since the sidebar is redrawn whole on every mark."""
OVERFLOW_SECTION = "Other sections"
_LISTED_PROBLEMS = 1_000
"""Items remembered per kind of problem; beyond that they are only counted."""
_FILLABLE = ("url", "authors", "category", *SUMMARY_FIELDS, "abstract", "extra")
"""Fields a repeated entry may fill in when the first occurrence lacked them."""


class Builder:
    """Collects entries into a Digest: one Paper per id, sections in file order, warnings.

    The readers also note here what they learn outside entries (``toc_seen``, ``prose_seen``,
    ``heading_date``), which decides between an empty day and a file that is no digest.
    """

    def __init__(self, name: str, notes: list[str]) -> None:
        self.file_name = display_name(name)
        self.digest = Digest(name=self.file_name, date=date_in(self.file_name))
        self.notes = notes
        self.finished = False
        self.index: dict[str, int] = {}
        self.sections: dict[str, Section] = {}
        self.listed: dict[str, set[str]] = {}
        self.entry_spots: dict[str, list[int]] = {}
        self.section_spots: dict[str, list[tuple[Section, int]]] = {}
        self.problems: dict[str, dict[str, None]] = {}
        self.unlisted: dict[str, int] = {}
        self.abstracts = 0
        self.lacking: dict[str, None] = {}  # ids of papers without an abstract, in order
        self.toc_seen = False
        self.prose_seen = False
        self.empty_day = False  # a fork's own words for a day without papers
        self.promised = 0  # papers the table of contents counts
        self.heading_date: str | None = None

    @property
    def entry_count(self) -> int:
        """Entries added so far."""
        return len(self.digest.entries)

    def full(self) -> bool:
        """Whether reading must stop: never, since papers are not dropped (kept for callers)."""
        return False

    def problem(self, kind: str, item: str) -> None:
        """Remember a damaged entry under ``kind``; warnings summarise these per kind."""
        items = self.problems.setdefault(kind, {})
        if len(items) < _LISTED_PROBLEMS:
            items[item] = None
        elif item not in items:
            self.unlisted[kind] = self.unlisted.get(kind, 0) + 1

    def add(self, section: str, paper: Paper) -> int:
        """Add one entry and return the entry count; a repeated id keeps the first Paper, filled from the repeat.

        ``entries`` gets every entry; a section lists a paper once, however often it repeats there.
        """
        digest = self.digest
        if paper.abstract:
            self.abstracts += 1
        spot = self.index.get(paper.id)
        if spot is None:
            self.index[paper.id] = len(digest.papers)
            digest.papers.append(paper)
            if not paper.abstract:
                self.lacking[paper.id] = None
        else:
            paper = self._fill(spot, paper)
        shelf = self.sections.get(section)
        if shelf is None and len(self.sections) >= SECTION_LIMIT:
            self.problem("section cut", cut(section, 40)[0])
            section = OVERFLOW_SECTION
            shelf = self.sections.get(section)
        if shelf is None:
            shelf = self.sections[section] = Section(section)
            self.listed[section] = set()
            digest.sections.append(shelf)
        if paper.id not in self.listed[section]:
            self.listed[section].add(paper.id)
            self.section_spots.setdefault(paper.id, []).append((shelf, len(shelf.papers)))
            shelf.papers.append(paper)
        self.entry_spots.setdefault(paper.id, []).append(len(digest.entries))
        digest.entries.append((section, paper))
        return len(digest.entries)

    def _fill(self, spot: int, later: Paper) -> Paper:
        """Give the first occurrence the fields only a later occurrence has, everywhere it is listed."""
        first = self.digest.papers[spot]
        missing = {name: getattr(later, name) for name in _FILLABLE if not getattr(first, name) and getattr(later, name)}
        if not missing:
            return first
        merged = replace(first, **missing)
        if merged.abstract:
            self.lacking.pop(first.id, None)
        self.digest.papers[spot] = merged
        for index in self.entry_spots[first.id]:
            self.digest.entries[index] = (self.digest.entries[index][0], merged)
        for shelf, index in self.section_spots[first.id]:
            shelf.papers[index] = merged
        return merged

    def snapshot(self) -> Digest:
        """The digest so far, its warnings up to date, for the caller to keep.

        A copy while the parse goes on (new lists; the frozen papers are shared), so its
        cost is one pass over the lists; the digest itself once the parse is finished.
        """
        digest = self.digest
        if self.heading_date:
            digest.date = self.heading_date
        digest.name = digest.date or self.file_name
        digest.warnings = self._warnings()
        if self.finished:
            return digest
        return Digest(
            name=digest.name,
            date=digest.date,
            sections=[Section(section.name, list(section.papers)) for section in digest.sections],
            papers=list(digest.papers),
            entries=list(digest.entries),
            warnings=list(digest.warnings),
        )

    def finish(self, blank: bool) -> None:
        """End the parse; DigestError when there are no entries and it is not an empty day."""
        if not self.digest.entries:
            if blank:
                if self.file_name.lower().endswith(".jsonl"):  # JSON Lines of no records: an empty day
                    self.finished = True
                    return
                raise DigestError(f"{self.file_name} is empty")
            if self.prose_seen or not (self.toc_seen or self.empty_day):
                raise DigestError(f"{self.file_name} is not a digest (no papers found)")
        self.finished = True

    def _warnings(self) -> list[str]:
        """A few summarised lines, never one per entry."""
        found = dict(self.problems)
        if self.abstracts:  # a template without abstracts (xmkxabc) is not damage
            found["no abstract"] = self.lacking
        lines = list(self.notes)
        if self.promised > len(self.digest.entries) and self.finished:
            lines.append(
                f"The table of contents lists {plural(self.promised, 'paper', 'papers')}, "
                f"but {len(self.digest.entries):,} {'was' if len(self.digest.entries) == 1 else 'were'} found"
            )
        for kind, template in _WARNINGS.items():
            items = found.get(kind)
            if items:
                count = len(items) + self.unlisted.get(kind, 0)
                lines.append(template(count) + ": " + some_of(items, count))
        return lines


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def some_of(items: Iterable[str], count: int, shown: int = 5) -> str:
    """A short list for a warning: the first few of ``count`` items, then how many more."""
    head = ", ".join(islice(items, shown))
    return head if count <= shown else f"{head} and {count - shown:,} more"


_WARNINGS = {
    "truncated": lambda n: plural(n, "entry is", "entries are") + " cut off (the details block never closes)",
    "no abstract": lambda n: plural(n, "entry has", "entries have") + " no abstract",
    "no id": lambda n: plural(n, "entry has", "entries have") + " no arXiv id (a made-up id is used)",
    "no title": lambda n: plural(n, "entry has", "entries have") + " no title",
    "title cut": lambda n: plural(n, "title", "titles") + f" longer than {TITLE_LIMIT:,} characters cut",
    "field cut": lambda n: plural(n, "field", "fields") + f" longer than {FIELD_LIMIT:,} characters cut",
    "extra cut": lambda n: plural(n, "entry has", "entries have")
    + f" more extra fields than shown (at most {EXTRA_LIMIT} and {FIELD_LIMIT:,} characters are kept)",
    "bad line": lambda n: plural(n, "line is", "lines are") + " not a JSON paper record (skipped)",
    "unread": lambda n: plural(n, "line", "lines") + " outside the papers not read",
    "section cut": lambda n: plural(n, "section", "sections")
    + f" beyond the first {SECTION_LIMIT:,} listed under {OVERFLOW_SECTION!r}",
}
"""Warning text per kind of problem, in the order warnings are listed."""
