"""Which files are the days of an archive: the digests of a folder, several paths or a glob,
one file per day, newest first.

A day's date is the YYYY-MM-DD in its file name, else the local date of its modification
time. Where a folder has several files of one day (the Markdown, the AI-enhanced and the
raw JSON Lines) the one :func:`reader.core.sources.preference` likes best is the day.
"""

from __future__ import annotations

import glob
import os
import stat
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader.core.loading import open_digest
from reader.core.model import Digest, DigestError
from reader.core.parse.fields import date_in
from reader.core.parse.files import os_errors
from reader.core.sanitize import clean
from reader.core.sources import Candidate, digest_candidates, is_digest_name, preference

if TYPE_CHECKING:
    from reader.core.digestcache import DigestCache

GLOB_CHARACTERS = frozenset("*?[")


class DayFile(NamedTuple):
    """One day's digest file, and what tells whether it changed."""

    path: Path
    date: str
    """YYYY-MM-DD."""
    size: int
    mtime_ns: int

    @property
    def version(self) -> tuple[int, int]:
        return self.size, self.mtime_ns


def day_label(day: str, newest: str | None = None) -> str:
    """``Mon 30 Nov``; with the year when it is not the year of ``newest``."""
    when = date.fromisoformat(day)
    label = f"{when:%a} {when.day} {when:%b}"
    return label if newest is None or newest[:4] == day[:4] else f"{label} {when.year}"


def iter_fixed(parts: tuple[str, ...]):
    """The parts of a glob's path before the first with a wildcard: the folder it looks in."""
    for part in parts[:-1]:
        if GLOB_CHARACTERS & set(part):
            return
        yield part


class DaySource:
    """The paths the user gave (folders, files, globs), scanned again on demand."""

    def __init__(self, targets: list[Path]) -> None:
        self.targets = targets

    @property
    def folders(self) -> list[Path]:
        """What a watcher watches: each folder given, and the folder of each file or glob."""
        found: dict[Path, None] = {}
        for target in self.targets:
            text = os.fspath(target)
            if GLOB_CHARACTERS & set(text) and not os.path.lexists(text):
                fixed = list(iter_fixed(Path(text).parts))
                found[Path(*fixed) if fixed else Path(".")] = None
            else:
                found[target if target.is_dir() else target.parent] = None
        return [folder for folder in found if folder.is_dir()]

    def scan(self) -> list[DayFile]:
        """The days, newest first; DigestError (one line) for a path that is missing or a
        folder or glob with no digest."""
        candidates: list[Candidate] = []
        for target in self.targets:
            candidates += self._candidates(target)
        best: dict[str, Candidate] = {}
        for candidate in candidates:
            day = candidate.date or datetime.fromtimestamp(candidate.mtime).date().isoformat()
            if day not in best or preference(candidate) > preference(best[day]):
                best[day] = candidate
        days = []
        for day, candidate in best.items():
            try:
                status = os.stat(candidate.path)
            except OSError:
                continue  # gone since it was listed
            days.append(DayFile(candidate.path, day, status.st_size, status.st_mtime_ns))
        return sorted(days, key=lambda day: day.date, reverse=True)

    @staticmethod
    def _candidates(target: Path) -> list[Candidate]:
        text = os.fspath(target)
        if GLOB_CHARACTERS & set(text) and not os.path.lexists(text):
            matches = [Path(match) for match in sorted(glob.glob(text)) if is_digest_name(os.path.basename(match))]
            found = [Candidate(match, match.stat().st_mtime, date_in(match.name)) for match in matches if match.is_file()]
            if not found:
                raise DigestError(f"{clean(text)}: no digest (*.md or *.jsonl) matches")
            return found
        with os_errors(clean(text), "read"):
            mode = os.stat(target).st_mode
        if stat.S_ISDIR(mode):
            found = digest_candidates(target)
            if not found:
                raise DigestError(f"{clean(text)}: no digest (*.md or *.jsonl) in this directory")
            return found
        return [Candidate(target, os.stat(target).st_mtime, date_in(target.name))]


def open_paths(paths: list[Path], cache: DigestCache | None = None) -> Digest | Path | DaySource:
    """What the user's paths mean: one day (a file, a folder or glob with one digest) as
    :func:`reader.core.loading.open_digest` opens it (with ``cache``), else the days to read as
    one archive. DigestError (one line) for a path that is missing or means no digest."""
    source = DaySource(paths)
    days = source.scan()
    return open_digest(days[0].path, cache) if len(days) == 1 else source
