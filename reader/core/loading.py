"""Opening a digest for the app: a small file parsed at once, a big one by a cancellable background load.

No Textual here.  A load runs in a plain daemon thread and hands its updates to a
``deliver`` callback, each tagged with the load it belongs to, so the receiver can drop
the updates of a load it no longer wants; every digest in an update is the receiver's to keep.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader.core.model import Digest, DigestError
from reader.core.parse import CHUNK_SIZE, iter_progress, load, parse_read, preflight
from reader.core.parse.files import read_pieces
from reader.core.sources import digest_file

if TYPE_CHECKING:
    from reader.core.digestcache import DigestCache

BACKGROUND_PARSE_BYTES = 4 * 1024 * 1024
"""Digests larger than this are parsed off the UI thread so the first screen is not kept waiting."""


class LoadUpdate(NamedTuple):
    """What a background load has read so far, or how it failed."""

    load_id: int
    """Which load this belongs to: the receiver ignores the updates of stale loads."""
    digest: Digest | None
    """A snapshot the receiver may keep (None with an error)."""
    done: bool
    """The last update of this load."""
    error: str | None = None
    """The one-line DigestError message, if the load failed."""


def open_digest(path: str | os.PathLike, cache: DigestCache | None = None) -> Digest | Path:
    """The digest ``path`` means (a file, or a folder's newest digest), parsed now if it is small.

    Raises DigestError with the usual one-line message for a path that is missing,
    special, unreadable, binary or (when small enough to parse now) not a digest.  A file
    of up to BACKGROUND_PARSE_BYTES comes back as its Digest (from ``cache`` when it holds
    this file as it is now, else parsed and kept there); a bigger one as its Path, for a
    :class:`Loader`.
    """
    file, size = preflight(digest_file(path))
    if size > BACKGROUND_PARSE_BYTES:
        return file
    if cache is None:
        return load(file)
    data = b"".join(read_pieces(file, CHUNK_SIZE))
    digest = cache.get(file, data)
    if digest is None:
        digest = parse_read(data, file.name)
        cache.put(file, data, digest)
    return digest


class Loader:
    """Loads one digest at a time in the background; starting a load cancels the one before.

    ``deliver`` is called from the loader's thread: once the first ``first_batch`` entries
    are read, then at most every ``refresh_seconds``, and a last time with ``done`` (the
    whole digest, or the error).  A snapshot costs a pass over the papers, so one is taken
    only for an update.  A cancelled load stops at its next batch, closes the file and
    delivers nothing more; an update it was already delivering may still arrive, which
    its ``load_id`` tells.
    """

    def __init__(
        self,
        deliver: Callable[[LoadUpdate], None],
        *,
        first_batch: int = 60,
        refresh_seconds: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._deliver = deliver
        self._first_batch = max(first_batch, 1)
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._ids = itertools.count(1)
        self._current: int | None = None

    @property
    def current(self) -> int | None:
        """The id of the load whose updates are wanted; None when none is."""
        return self._current

    def start(self, path: str | os.PathLike) -> int:
        """Cancel any running load and start reading ``path`` (a digest file); returns the new load's id."""
        load_id = next(self._ids)
        self._current = load_id
        threading.Thread(target=self._run, args=(load_id, Path(path)), name=f"digest-load-{load_id}", daemon=True).start()
        return load_id

    def cancel(self) -> None:
        """Stop the running load at its next batch; it delivers nothing more."""
        self._current = None

    def _run(self, load_id: int, path: Path) -> None:
        """One load, in its own thread: snapshots when due, the finished digest, or the error."""
        sent_at: float | None = None
        try:
            for progress in iter_progress(path, self._first_batch):
                if self._current != load_id:
                    return  # dropping the parse closes the file
                if progress.finished:
                    self._deliver(LoadUpdate(load_id, progress.snapshot(), done=True))
                elif sent_at is None or self._clock() - sent_at >= self._refresh_seconds:
                    self._deliver(LoadUpdate(load_id, progress.snapshot(), done=False))
                    sent_at = self._clock()
        except DigestError as error:
            if self._current == load_id:
                self._deliver(LoadUpdate(load_id, None, done=True, error=str(error)))
