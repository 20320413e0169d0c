"""The sidebar over an archive: Inbox, the days, then All, the categories and Starred
counted within the day on show (or every day)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Container, Iterable

from reader.core.archive.days import day_label
from reader.core.archive.inbox import DAY, Archive, Day
from reader.core.library import ALL, Count, Filters, Library, is_kept
from reader.core.model import Digest, Paper
from reader.core.parse.builder import plural

INBOX = "\x00inbox"
"""Sidebar key of every unread paper of every day."""
PROGRESS_CELLS = 8
"""The width of the header's progress bar while days are read."""
CURRENT_DAY = "› "
"""Marks the day the category counts are of."""


def library_for(digest: Digest, previous: Library | None = None) -> Library:
    """The library of ``digest``: an archive's keeps the day of ``previous`` when it still has it."""
    if not isinstance(digest, Archive):
        return Library(digest)
    if not isinstance(previous, ArchiveLibrary):
        return ArchiveLibrary(digest)
    return ArchiveLibrary(digest, previous.day, previous.since)


class ArchiveLibrary(Library):
    """An archive indexed by sidebar entry; categories are counted within :attr:`day`."""

    home = INBOX

    def __init__(self, archive: Archive, day: str | None = None, since: tuple[str, str] | None = None) -> None:
        super().__init__(archive)
        self.archive = archive
        self._days: dict[str, Day] = {day.key: day for day in archive.days}
        self.day: str | None = day if day in self._days else None
        """The key of the day on show, or None for every day."""
        self.since = since
        """(label, date): when the archive was last opened, and its newest day then."""
        self._labels = {day.date: day.label for day in archive.days}
        self._owned.update(id(papers) for day in archive.days for papers in (day.papers, *day.sections.values()))

    @property
    def keys(self) -> list[str]:
        return [INBOX, *self._days, *self.digest_keys]

    @property
    def day_keys(self) -> list[str]:
        return list(self._days)

    def walk_keys(self, scope: str) -> list[str]:
        return self.day_keys if scope.startswith(DAY) else [] if scope == INBOX else self.section_keys

    def mixes(self, scope: str) -> bool:
        return scope in (ALL, INBOX) or scope.startswith(DAY)

    def enter(self, scope: str) -> bool:
        day = scope if scope in self._days else None if scope == INBOX else self.day
        changed, self.day = day != self.day, day
        return changed

    def papers(self, key: str, starred: Iterable[Paper] = ()) -> list[Paper]:
        day = self._days.get(key)
        if day is not None:
            return day.papers
        if key == INBOX or self.day is None or is_kept(key):
            return super().papers(ALL if key == INBOX else key, starred)
        return self._days[self.day].papers if key == ALL else self._days[self.day].sections.get(key, [])

    def visible(
        self,
        key: str,
        filters: Filters,
        *,
        is_read: Callable[[str], bool],
        is_interesting: Callable[[Paper], bool],
        starred: Iterable[Paper] = (),
        hidden: Container[str] = frozenset(),
    ) -> list[Paper]:
        papers = super().visible(key, filters, is_read=is_read, is_interesting=is_interesting, starred=starred, hidden=hidden)
        return [paper for paper in papers if not is_read(paper.id)] if key == INBOX and not filters.unread_only else papers

    def entries(self, starred: list[Paper]) -> list[tuple[str, str, list[Paper]]]:
        days = [(day.key, self._label(day), day.papers) for day in self._days.values()]
        return [(INBOX, "Inbox", self.archive.papers), *days, *super().entries(starred)]

    def _label(self, day: Day) -> str:
        mark = CURRENT_DAY if day.key == self.day else ""
        state = "  ✗ not read" if day.error else "  …" if day.pending else ""
        return mark + day.label + state

    def counts(self, **counted) -> list[Count]:
        lines = super().counts(**counted)
        inbox = lines[0]  # the Inbox lists the unread papers: its count is theirs
        lines[0] = Count(inbox.key, inbox.label, inbox.unread, inbox.unread, inbox.interesting)
        return lines

    def step_day(self, scope: str, delta: int) -> str | None:
        """``]`` (1) the next newer day, ``[`` (-1) the next older; from every day (the Inbox),
        ``[`` goes to the newest. On a day, its neighbour; on a category, the same category
        within the neighbour day."""
        keys = self.day_keys
        current = scope if scope in self._days else self.day
        position = keys.index(current) if current in keys else (-1 if delta < 0 else 0)
        position -= delta
        if not 0 <= position < len(keys):
            return None
        if scope == INBOX or scope in self._days or is_kept(scope):
            return keys[position]
        self.day = keys[position]
        return scope

    def full(self, paper: Paper) -> Paper:
        return self.archive.full(paper)

    def days_of(self, paper_id: str) -> tuple[str, ...]:
        return tuple(self._labels[date] for date in self.archive.days_of.get(paper_id, ()))

    def facts(self) -> list[str]:
        facts = [plural(len(self.archive.days), "day", "days")]
        pending = sum(1 for day in self.archive.days if day.pending)
        if pending:  # the progress of a first read (or a rebuilt index), first: a narrow header keeps it
            done, total = len(self.archive.days) - pending, len(self.archive.days)
            filled = done * PROGRESS_CELLS // total
            facts.insert(0, f"{'▰' * filled}{'▱' * (PROGRESS_CELLS - filled)} {done}/{total} days read")
        if self.since is not None:
            label, newest = self.since
            facts.append(f"{self.archive.new_since(newest)} new since {label}")
        return facts

    def empty_message(self, scope: str) -> str | None:
        day = self._days.get(scope)
        if day is not None and day.error is not None:
            return f"This day could not be read: {day.error}"
        if day is not None and day.pending:
            return "Loading this day…"
        if scope == INBOX and self.archive.papers:
            return "Nothing unread: every paper of every day is read (the days list them all)."
        return None


def opened(remembered: object, archive: Archive, now: datetime) -> tuple[tuple[str, str] | None, str]:
    """What "new since last time" compares with, from the setting ``remembered`` (``TIME NEWEST-DAY``
    of the last opening, else None), and the setting to remember now."""
    since = None
    if isinstance(remembered, str) and len(parts := remembered.split()) == 2:
        try:
            since = (day_label(datetime.fromisoformat(parts[0]).date().isoformat(), archive.date), parts[1])
        except ValueError:
            since = None
    return since, f"{now:%Y-%m-%dT%H:%M} {archive.date}"
