"""Entries into a Digest: one Paper per id, repeats merged, sections in file order, limits, warnings."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from reader.core.model import SUMMARY_FIELDS, SUMMARY_LABELS, Digest, DigestError, Paper, Section
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
_COMPARED = (
    ("title", "Title"), ("authors", "Authors"), ("url", "URL"), ("category", "Main category"),
    *((name, SUMMARY_LABELS[name]) for name in SUMMARY_FIELDS), ("abstract", "Abstract"), ("pdf", "PDF"),
)
"""Fields of a repeat compared with the first occurrence's, with the labels a differing value is kept under."""
REPEATED = "Repeated entry"
"""Extra label (``Repeated entry (cs.LG)``) of what a repeat says differently: the first occurrence's
fields stay the paper's, and the repeat's other text is kept beside them, never dropped."""
REPEAT_LIMIT = 20
"""Repeats with other text kept per paper; later ones are counted in the "extra cut" warning. Each
merge rewrites every listing of the paper, so without a bound a file repeating one paper with new
text on every entry would cost time quadratic in its size."""


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
        self.repeats: dict[str, int] = {}  # repeats with other text kept, per paper id
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
            paper = self._merge(spot, paper, section)
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

    def _merge(self, spot: int, later: Paper, section: str) -> Paper:
        """Merge a repeat into the first occurrence, everywhere it is listed.

        The first occurrence's fields stay; the repeat fills the fields it lacked, adds its
        categories, and what it says differently (another TL;DR, other authors, an extra
        field the first lacks) is kept as one extra field ``Repeated entry (section)``, so a
        reader sees both texts where the paper is read.  No warning: a cross-listed paper
        summarised twice is the generator's routine, not damage, and warnings are kept for damage.
        """
        first = self.digest.papers[spot]
        changes = {name: getattr(later, name) for name in _FILLABLE if not getattr(first, name) and getattr(later, name)}
        if later.categories and first.categories != later.categories:
            categories = tuple(dict.fromkeys([*first.categories, *later.categories]))
            if categories != first.categories:
                changes["categories"] = categories
        if later.pdf and not first.pdf:
            changes["pdf"] = later.pdf
        differing = self._differences(first, later) if first != later else []
        if differing:
            extra = tuple(changes.get("extra", first.extra))
            size = sum(len(text) for _, text in extra)
            if len(extra) >= EXTRA_LIMIT or size >= FIELD_LIMIT or self.repeats.get(first.id, 0) >= REPEAT_LIMIT:
                self.problem("extra cut", first.id)
            else:
                label = f"{REPEATED} ({section})"
                text, was_cut = cut("\n\n".join(f"{name}: {value}" for name, value in differing), FIELD_LIMIT)
                if was_cut:
                    self.problem("field cut", f"{first.id} {label}")
                known = dict(extra)
                if label in known:  # a second repeat in the same section: its text joins the first's
                    if text not in known[label].split("\n\n"):
                        extra = tuple((name, value + "\n\n" + text if name == label else value) for name, value in extra)
                else:
                    extra = (*extra, (label, text))
                if extra != changes.get("extra", first.extra):
                    changes["extra"] = extra
                    self.repeats[first.id] = self.repeats.get(first.id, 0) + 1
        if not changes:
            return first
        merged = first._replace(**changes)
        if merged.abstract:
            self.lacking.pop(first.id, None)
        self.digest.papers[spot] = merged
        for index in self.entry_spots[first.id]:
            self.digest.entries[index] = (self.digest.entries[index][0], merged)
        for shelf, index in self.section_spots[first.id]:
            shelf.papers[index] = merged
        return merged

    @staticmethod
    def _differences(first: Paper, later: Paper) -> list[tuple[str, str]]:
        """(label, text) of what ``later`` says that ``first`` says otherwise, in field order, then its extra fields."""
        found: list[tuple[str, str]] = []
        for name, label in _COMPARED:
            mine, theirs = getattr(first, name), getattr(later, name)
            if mine and theirs and mine != theirs:
                found.append((label, ", ".join(theirs) if name == "authors" else theirs))
        if first.extra:  # an entry without extras takes the repeat's (a fill, not a difference)
            known = set(first.extra)
            found += [(label, text) for label, text in later.extra if (label, text) not in known]
        return found

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
