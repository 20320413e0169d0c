"""Days merged into one inbox: each paper once across days, keyed by its arXiv id.

The richest copy of a paper (the one with the most fields filled) is the one kept, in the
place of its newest day; every day keeps its own list and sections, pointing at the kept
copies. A day that could not be read stays in the list with its error and no papers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.archive.days import DayFile, day_label
from reader.core.model import SUMMARY_FIELDS, Digest, Paper, Section

if TYPE_CHECKING:
    from reader.core.archive.index import ArchiveIndex

DAY = "\x00day:"
"""Sidebar keys of days start with this, then the day's date."""


@dataclass(slots=True)
class Day:
    """One day of the archive: its papers (kept copies) and sections, or why it has none."""

    date: str
    label: str
    path: Path
    papers: list[Paper] = field(default_factory=list)
    sections: dict[str, list[Paper]] = field(default_factory=dict)
    error: str | None = None
    """The one-line DigestError message of a day that is not a digest."""
    pending: bool = False
    """Not read yet (a load under way)."""

    @property
    def key(self) -> str:
        return DAY + self.date


@dataclass(slots=True)
class Archive(Digest):
    """Every day as one digest: ``papers`` holds each paper once, newest day first."""

    days: list[Day] = field(default_factory=list)
    """Newest first."""
    days_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Paper id -> the dates of the days it appeared on, newest first."""
    origin: str = ""
    """The paths it was opened from, as the state remembers them ("new since last time")."""
    index: ArchiveIndex | None = None
    """Where the papers' text is, when the papers here hold only what the list needs."""

    def full(self, paper: Paper) -> Paper:
        """``paper`` with all its text (from the index, when the archive has one)."""
        return paper if self.index is None else self.index.full(paper)

    def new_since(self, newest_seen: str) -> int:
        """How many papers first appeared on a day after ``newest_seen`` (a date)."""
        return sum(1 for dates in self.days_of.values() if dates[-1] > newest_seen)


def richness(paper: Paper) -> int:
    """How much a copy of a paper says: the copy that says most is kept."""
    filled = sum(1 for name in ("abstract", "url", "category", "version", "pdf", *SUMMARY_FIELDS) if getattr(paper, name))
    return filled + bool(paper.authors) + len(paper.extra) + len(paper.categories)


def merge(
    name: str,
    loaded: list[tuple[DayFile, Digest | str | None]],
    origin: str = "",
    ranks: dict[Path, dict[str, int]] | None = None,
    index: ArchiveIndex | None = None,
) -> Archive:
    """One archive of days given newest first, each with its Digest, its error, or None (not read
    yet). ``ranks`` holds the richness of each day's copies where they are light (from ``index``)."""
    ranks = ranks or {}
    newest = loaded[0][0].date if loaded else None
    kept: dict[str, Paper] = {}
    scores: dict[str, int] = {}
    dates: dict[str, list[str]] = {}
    for day_file, digest in loaded:
        if isinstance(digest, Digest):
            ranked = ranks.get(day_file.path)
            for paper in digest.papers:
                score = ranked[paper.id] if ranked is not None else richness(paper)
                best = scores.get(paper.id)
                if best is None or score > best:
                    kept[paper.id], scores[paper.id] = paper, score
                dates.setdefault(paper.id, []).append(day_file.date)
    archive = Archive(name=name, date=newest, origin=origin, index=index, papers=list(kept.values()), days_of={key: tuple(value) for key, value in dates.items()})
    merged: dict[str, dict[str, Paper]] = {}
    for day_file, digest in loaded:
        day = Day(day_file.date, day_label(day_file.date, newest), day_file.path)
        archive.days.append(day)
        if digest is None:
            day.pending = True
        elif isinstance(digest, str):
            day.error = digest
            archive.warnings.append(f"{day.label}: {digest}")
        else:
            _add_day(archive, day, digest, kept, merged)
    archive.sections = [Section(section, list(papers.values())) for section, papers in merged.items()]
    return archive


def _add_day(archive: Archive, day: Day, digest: Digest, kept: dict[str, Paper], merged: dict[str, dict[str, Paper]]) -> None:
    """Fill ``day`` from its digest with the kept copies; a cross-listed paper joins each of its categories' sections."""
    day.papers = [kept[paper.id] for paper in digest.papers]
    for section in digest.sections:
        day.sections.setdefault(section.name, []).extend(kept[paper.id] for paper in section.papers)
    listed_ids: dict[str, set[str]] = {}
    for paper in day.papers:
        for category in paper.categories[1:]:
            listed = day.sections.get(category)
            if listed is None:
                continue
            ids = listed_ids.get(category)
            if ids is None:
                ids = listed_ids[category] = {other.id for other in listed}
            if paper.id not in ids:
                ids.add(paper.id)
                listed.append(paper)
    for section, papers in day.sections.items():
        merged.setdefault(section, {}).update((paper.id, paper) for paper in papers)
    archive.entries += [(section, kept[paper.id]) for section, paper in digest.entries]
    archive.warnings += [f"{day.label}: {warning}" for warning in digest.warnings]
