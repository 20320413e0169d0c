"""Reading an archive's days off the UI thread: newest day first, so it can be read at once,
then the others; later, only the files that changed (a watcher asks).

Like :class:`reader.core.loading.Loader`, it hands ``LoadUpdate``s (the digest an
:class:`Archive`) to a ``deliver`` callback from its thread, each tagged with its load.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reader.core.archive.days import DayFile, DaySource, open_paths
from reader.core.archive.inbox import Archive, merge, richness
from reader.core.archive.index import ArchiveIndex
from reader.core.loading import LoadUpdate
from reader.core.model import Digest, DigestError
from reader.core.parse import load
from reader.core.sanitize import clean


FIRST_FRAME_WAIT = 1.0
"""The longest a load waits for the app to draw the newest day (a test's deliver draws nothing)."""


def archive_name(targets: list[Path]) -> tuple[str, str]:
    """What the header calls an archive (its folder's name, or the first path's and how many
    more), and the origin the state remembers it by (the absolute paths)."""
    first = targets[0]
    name = clean(os.path.basename(os.path.normpath(first)) or os.fspath(first))
    if len(targets) > 1:
        name += f" (+{len(targets) - 1} more)"
    return name, " ".join(clean(os.path.abspath(target)) for target in targets)


def read_day(day: DayFile) -> Digest | str:
    """A day's digest, or its one-line error: a damaged day never stops the others."""
    try:
        return load(day.path)
    except DigestError as error:
        return str(error)


def load_archive(source: DaySource, index: ArchiveIndex | None = None) -> Archive:
    """Every day read now (``--dump``, ``--export``), through ``index`` if given (then the papers
    are light: :meth:`Archive.full` has their text); DigestError if the paths mean no day at all."""
    if index is None:
        name, origin = archive_name(source.targets)
        return merge(name, [(day, read_day(day)) for day in source.scan()], origin)
    updates: list[LoadUpdate] = []
    loader = ArchiveLoader(source, updates.append, index=index)
    loader._run(loader._next(), False, searchable=False)
    if updates[-1].error is not None:
        raise DigestError(updates[-1].error)
    return updates[-1].digest


class ArchiveLoader:
    """Reads the days of ``source``; a file is read again only when its size or mtime changed.

    :meth:`start` reads them all, delivering the archive once the newest day is read and at
    most every ``refresh_seconds`` after; :meth:`refresh` scans again and delivers once.
    One read runs at a time; a newer one stops the one before at its next day.
    """

    def __init__(
        self,
        source: DaySource,
        deliver: Callable[[LoadUpdate], None],
        *,
        index: ArchiveIndex | None = None,
        refresh_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.index = index
        """The cache of parsed days (None: every day parsed and kept whole in memory)."""
        self._ranks: dict[Path, dict[str, int]] = {}
        self.name, self.origin = archive_name(source.targets)
        self._deliver = deliver
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._read: dict[Path, tuple[tuple[int, int], Digest | str]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._current: int | None = None
        self.shown = threading.Event()
        """Set by the app once it has drawn an update: after the first, the load waits for it (at
        most ``FIRST_FRAME_WAIT``), so the newest day is on screen before the other days compete for the CPU."""

    @property
    def current(self) -> int | None:
        return self._current

    def listing(self) -> Archive:
        """The days as the files say, none read yet: what the first frame shows (DigestError if none)."""
        return merge(self.name, [(day, None) for day in self.source.scan()], self.origin, index=self.index)

    def start(self) -> int:
        """Read every day in a thread of its own; returns the load's id."""
        load_id = self._next()
        threading.Thread(target=self._run, args=(load_id, True), name=f"archive-load-{load_id}", daemon=True).start()
        return load_id

    def refresh(self) -> int:
        """Scan again and read what changed, in the caller's thread (a watcher's)."""
        load_id = self._next()
        self._run(load_id, False)
        return load_id

    def cancel(self) -> None:
        self._current = None

    def _next(self) -> int:
        self._current = load_id = next(self._ids)
        return load_id

    def _run(self, load_id: int, progressive: bool, *, searchable: bool = True) -> None:
        with self._lock:
            if self._current != load_id:
                return
            try:
                days = self.source.scan()
            except DigestError as error:
                self._deliver(LoadUpdate(load_id, None, done=True, error=str(error)))
                return
            loaded: list[tuple[DayFile, Digest | str | None]] = [(day, self._known(day)) for day in days]
            sent_at: float | None = None
            wait = self._refresh_seconds
            for position, (day, digest) in enumerate(loaded):
                if digest is not None:
                    continue
                if self._current != load_id:
                    return
                digest = self._read_day(day)
                self._read[day.path] = (day.version, digest)
                loaded[position] = (day, digest)
                if progressive and (sent_at is None or self._clock() - sent_at >= wait):
                    began, first = self._clock(), sent_at is None
                    self._deliver(LoadUpdate(load_id, self._merged(loaded), done=False))
                    sent_at = self._clock()
                    wait = max(self._refresh_seconds, 4 * (sent_at - began))  # merging is at most a fifth of the work
                    if first:
                        self.shown.wait(FIRST_FRAME_WAIT)
            if self._current == load_id:
                self._deliver(LoadUpdate(load_id, self._merged(loaded), done=True))
            if self.index is not None and searchable:
                with contextlib.suppress(sqlite3.Error):  # the search scans the stored text meanwhile
                    self.index.forget_missing()  # days deleted or renamed since: the cache does not grow for ever
                    self.index.make_searchable(lambda: self._current == load_id)

    def _merged(self, loaded: list[tuple[DayFile, Digest | str | None]]) -> Archive:
        return merge(self.name, loaded, self.origin, self._ranks, self.index)

    def _read_day(self, day: DayFile) -> Digest | str:
        """The day from the index if it is there and current, else parsed (and indexed, light)."""
        if self.index is None:
            return read_day(day)
        try:
            indexed = self.index.day(day)
            if indexed is None:
                indexed = self.index.store(day, read_day(day), richness)
        except (sqlite3.Error, OSError):  # a cache that fails (a full disk): this day is kept whole in memory
            self._ranks.pop(day.path, None)
            return read_day(day)
        self._ranks[day.path] = indexed.ranks
        return indexed.digest

    def _known(self, day: DayFile) -> Digest | str | None:
        """The day as read before, if its file has not changed since."""
        known = self._read.get(day.path)
        return known[1] if known is not None and known[0] == day.version else None


def load_paths(paths: list[Path], index: ArchiveIndex | None = None) -> Digest:
    """The digest (one day) or archive the paths mean, read now (an archive through ``index``)."""
    opened = open_paths(paths)
    if isinstance(opened, DaySource):
        return load_archive(opened, index)
    return opened if isinstance(opened, Digest) else load(opened)
