"""The mark store on disk: a save thread, a lock shared by every instance, atomic writes, sync.

Every change only touches memory; a daemon thread saves at most every ``save_delay``
seconds. A save takes an exclusive ``flock`` on ``state.toml.lock``, re-reads the file, puts
this instance's pending ops (the last op per id since its last save) on top, and replaces
the file atomically, so two instances on one file never lose each other's marks and a
crash leaves the old or the new file, never a broken one. What this version does not
understand in the file is kept by the merge, since it starts from the file (see
:mod:`~reader.core.store.fileformat`). A file of another version is never written: its marks are
shown and changes are kept in memory. Only a file that is ours (a ``version = N`` line first)
and no longer TOML is moved aside; anything else at the path (another program's file, a FIFO,
a device, a file this user cannot read) is refused at open with :class:`StateFileError` and
never touched. Waits for the lock are bounded (LOCK_WAIT); a failed save is retried every
RETRY_DELAY; what is still unsaved at :meth:`MarkStore.close` goes to a rescue file.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable
from pathlib import Path

from reader.core.sanitize import clean
from reader.core.store import fileformat, ondisk
from reader.core.store.marks import Ops
from reader.core.store.parsecache import ParseCache
from reader.core.store.sync import FileSync, StateFileError

__all__ = ["FLUSH_WAIT", "SAVE_DELAY", "MarkStore", "StateFileError"]

SAVE_DELAY = 0.5
"""Seconds between a change and its save; a burst of changes in that time is one save."""
FLUSH_WAIT = 2.0
"""How long flush() waits for a save already under way (see flush)."""

RETRY_DELAY = 2.0
"""Seconds between attempts to save marks a failed save left pending (a full disk may empty)."""


class MarkStore(FileSync):
    """Read/starred marks and remembered UI settings, saved in the background.

    Queries and changes never touch the disk and never wait for it; thread-safe.
    """

    def __init__(self, path: Path | None, *, save_delay: float | None = SAVE_DELAY, cache: Path | None = None) -> None:
        """Use :meth:`open`, which also loads the file and starts the saver."""
        super().__init__(path, None if cache is None else ParseCache(cache))
        self._save_delay = save_delay
        self._io_lock = threading.Lock()  # one file operation at a time
        self._retry = False
        self.rescued: Path | None = None
        """Where :meth:`close` wrote the marks it could not save, if it had to."""
        self.unsaved = False
        """True after :meth:`close` if marks were not saved to the state file (rescued or lost)."""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None,
        *,
        save_delay: float | None = SAVE_DELAY,
        strict: bool = False,
        on_wait: Callable[[str], None] | None = None,
        cache: str | os.PathLike[str] | None = None,
    ) -> MarkStore:
        """The store of ``path`` (None: in memory only).

        Raises :class:`StateFileError`, touching nothing, when the path holds something that is
        not a state file (another program's file, a FIFO, a device, a socket), a file that
        cannot be read, or one too big. Other problems become notices (marks kept in memory),
        but with ``strict`` (a command that only reads, such as ``--export``) a lock held by
        another process past LOCK_WAIT raises too. ``on_wait`` is told when the lock is slow.
        ``save_delay`` None saves only on :meth:`flush` and :meth:`close` (tests, benchmarks).
        ``cache`` is a file for the parse of the state as last written (see
        :mod:`~reader.core.store.parsecache`): a state of thousands of saved papers then opens
        in milliseconds.
        """
        store = cls(None if path is None else Path(os.path.realpath(path)), save_delay=save_delay, cache=None if cache is None else Path(cache))
        store._strict = strict
        if store.path is not None:
            store._file_lock.on_wait = on_wait  # the CLI prints it
            try:
                store._start()
            except BaseException:
                store._file_lock.close()
                raise
        return store

    def _start(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(self.path.parent, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, "the folder is not writable")
        except OSError as exc:
            self._fail(exc)
        with self._io_lock:
            self._pull_at_start()
        self._changed = False
        if self._save_delay is not None:
            self._thread = threading.Thread(target=self._run, name="mark-store-saver", daemon=True)
            self._thread.start()

    def _record(self, ops: Ops) -> list[str]:
        """Show the ops now and save them soon (``_lock`` held)."""
        conflicts = super()._record(ops)
        self._tell_conflicts(self._view, conflicts)  # a note edited over an older one than shown
        if self.path is not None:
            self._pending.update(ops)
            self._save_soon()
        return conflicts

    def _save_soon(self) -> None:
        self._wake.set()

    def refresh(self) -> bool:
        """Take in what other instances saved; True if what this store shows changed since the last call.

        Never waits: while a save is under way (here or elsewhere) the file is read on a later call.
        """
        if self.path is not None and self._io_lock.acquire(blocking=False):
            try:
                self._pull(wait=False)
            finally:
                self._io_lock.release()
        with self._lock:
            changed, self._changed = self._changed, False
            return changed

    def flush(self, *, lock_wait: float | None = None) -> bool:
        """Save pending changes now; True if everything is saved.

        Waits at most FLUSH_WAIT for a save already under way, so it is safe in a signal
        handler that interrupted this store, and at most ``lock_wait`` (default LOCK_WAIT) for
        another process's lock; :meth:`close` saves whatever is left.
        """
        if self.path is None:
            return True
        if not self._io_lock.acquire(timeout=FLUSH_WAIT):
            return False
        try:
            self._file_lock.limit = lock_wait
            return self._save()
        finally:
            self._file_lock.limit = None
            self._io_lock.release()

    def close(self) -> None:
        """Stop the saver and save what is pending (a lock held elsewhere is waited for at most
        LOCK_WAIT). Marks that still cannot be saved are written to a rescue file (see
        :attr:`rescued`, :attr:`unsaved`), but for a file of another version, which was said
        at open to keep changes in memory only."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.path is not None:
            with self._io_lock:
                self._save()
                self.rescue()
                self._file_lock.close()

    def rescue(self) -> Path | None:
        """If marks (read, starred, tagged or noted) are still unsaved (not for a file of another version), write them all to a
        rescue file once, and say where in :attr:`rescued`. Takes no file lock and waits for no
        save, so a signal handler may call it after a :meth:`flush` that gave up."""
        with self._lock:  # UI settings (the view, a position) are no marks: they alone need no rescue
            pending = self._pending
            unsaved = bool(pending.read or pending.stars or pending.tags or pending.notes) and self._foreign is None
        if unsaved and not self.unsaved and self.path is not None:
            self.unsaved = True
            with self._lock:
                data = fileformat.dump(self._view)
            self.rescued = ondisk.write_rescue(self.path, data)
        return self.rescued

    def unsaved_note(self) -> str | None:
        """One line for the user after :meth:`close` or :meth:`rescue`, if marks were not saved."""
        if not self.unsaved:
            return None
        if self.rescued is None:
            return clean(f"marks could not be saved to {self.path}, and no rescue file could be written; they are lost")
        return clean(
            f"marks could not be saved to {self.path}; all of them were written to {self.rescued}"
            " (open it with --state, or copy it over the marks file)"
        )

    def _run(self) -> None:
        """The saver thread: after a change, wait ``save_delay`` to batch a burst, then save;
        after a failed save, try again every RETRY_DELAY (the disk may have room again)."""
        while True:
            self._wake.wait(RETRY_DELAY if self._retry else None)
            if self._stop.wait(self._save_delay):
                return  # close() saves the rest
            self._wake.clear()
            if self._stop.is_set():
                return  # close() came between the delay and the clear, whose wake-up this cleared
            with self._io_lock:
                self._retry = not self._save()
