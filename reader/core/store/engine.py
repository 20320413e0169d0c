"""The mark store on disk: a save thread, a lock shared by every instance, atomic writes, sync.

Every change only touches memory; a daemon thread saves at most every ``save_delay``
seconds. A save takes an exclusive ``flock`` on ``state.toml.lock``, re-reads the file, puts
this instance's pending ops (the last op per id since its last save) on top, and replaces
the file atomically, so two instances on one file never lose each other's marks and a
crash leaves the old or the new file, never a broken one. What this version does not
understand in the file is kept by the merge, since it starts from the file (see
:mod:`~reader.core.store.fileformat`). A file of another version is never written: its marks are
shown and changes are kept in memory. Only a file that is not TOML at all is moved aside.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from reader.core.store import fileformat
from reader.core.store.marks import Marks, Ops, State

SAVE_DELAY = 0.5
"""Seconds between a change and its save; a burst of changes in that time is one save."""
FLUSH_WAIT = 2.0
"""How long flush() waits for a save already under way (see flush)."""
_RACY_NS = 2_000_000_000
"""A file whose mtime is this close to when it was seen may change without a visible stat
change (coarse timestamps, reused inode), so its bytes are compared until it is older."""

Stamp = tuple[int, int, int]


class ForeignVersion(Exception):
    """The file is of another version of the format, so this one must not write it."""


class MarkStore(Marks):
    """Read/starred marks and remembered UI settings, saved in the background.

    Queries and changes never touch the disk and never wait for it; thread-safe.
    """

    def __init__(self, path: Path | None, *, save_delay: float | None = SAVE_DELAY) -> None:
        """Use :meth:`open`, which also loads the file and starts the saver."""
        super().__init__()
        self.path = path
        self.writable = path is not None
        """False while marks cannot be saved (a notice says why); they are still kept in memory."""
        self.notices: list[str] = []
        """Messages for the user: a broken file moved aside, a location that cannot be written."""
        self._save_delay = save_delay
        self._io_lock = threading.Lock()  # one file operation at a time
        self._pending = Ops()
        self._changed = False
        # Owned by whoever holds _io_lock: the file as last seen, and how to tell it changed.
        self._disk = State()
        self._known: bytes | None = None
        self._stamp: Stamp | None = None
        self._trusted = False
        self._foreign: object = None  # the version of a file this version must not write, else None
        self._restore = False  # a broken file was moved aside: write the marks known back
        self._lock_fd: int | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None, *, save_delay: float | None = SAVE_DELAY) -> MarkStore:
        """The store of ``path`` (None: in memory only). Never raises: problems become notices.

        ``save_delay`` None saves only on :meth:`flush` and :meth:`close` (tests, benchmarks).
        """
        store = cls(None if path is None else Path(os.path.realpath(path)), save_delay=save_delay)
        if store.path is not None:
            store._start()
        return store

    def _start(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(self.path.parent, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, "the folder is not writable")
        except OSError as exc:
            self._fail(exc)
        with self._io_lock:
            self._pull(wait=True)
        self._changed = False
        if self._save_delay is not None:
            self._thread = threading.Thread(target=self._run, name="mark-store-saver", daemon=True)
            self._thread.start()

    def _record(self, ops: Ops) -> None:
        """Show the ops now and save them soon (``_lock`` held)."""
        super()._record(ops)
        if self.path is not None:
            self._pending.update(ops)
            self._wake.set()

    # -- the file --------------------------------------------------------------

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

    def flush(self) -> bool:
        """Save pending changes now; True if everything is saved.

        Waits at most FLUSH_WAIT for a save already under way, so it is safe in a signal
        handler that interrupted this store; :meth:`close` saves whatever is left.
        """
        if self.path is None:
            return True
        if not self._io_lock.acquire(timeout=FLUSH_WAIT):
            return False
        try:
            return self._save()
        finally:
            self._io_lock.release()

    def close(self) -> None:
        """Stop the saver and save what is pending (waiting as long as that takes)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.path is not None:
            with self._io_lock:
                self._save()
                if self._lock_fd is not None:
                    os.close(self._lock_fd)
                    self._lock_fd = None

    def _run(self) -> None:
        """The saver thread: after a change, wait ``save_delay`` to batch a burst, then save."""
        while True:
            self._wake.wait()
            if self._stop.wait(self._save_delay):
                return  # close() saves the rest
            self._wake.clear()
            with self._io_lock:
                self._save()

    def _save(self) -> bool:
        """Write pending ops on top of the file as it is now (``_io_lock`` held).

        Never raises: on any failure the ops stay pending and a notice says marks are not saved.
        """
        with self._lock:
            ops, self._pending = self._pending, Ops()
        if not ops and not self._restore:
            return True
        seen = None
        try:
            with self._file_lock(wait=True):
                seen = self._read_changes()
                if self._foreign is not None:
                    raise ForeignVersion  # the notice was given when the file was read
                base = self._disk if seen is None else seen
                new = base.copy()
                ops.apply(new)
                if new != base or self._restore:
                    self._remove_stale_temp_files()
                    data = fileformat.dump(new)
                    self._remember(data, _write_atomic(self.path, data))
                    self.writable = True
                    self._restore = False
        except Exception as exc:  # whatever it was, keep the marks and keep going
            with self._lock:
                ops.update(self._pending)
                self._pending = ops
            if seen is not None:
                self._adopt(seen)
            self._fail(exc)
            return False
        if seen is None:
            self._disk = new
        else:
            self._adopt(new)
        return True

    def _pull(self, *, wait: bool) -> None:
        """Adopt the file's content if it changed since this instance last saw it (``_io_lock`` held)."""
        try:
            with self._file_lock(wait=wait):
                seen = self._read_changes()
        except BlockingIOError:
            return  # another instance is saving: a later refresh reads its file
        except OSError as exc:
            self._fail(exc)
            return
        if seen is not None:
            self._adopt(seen)

    def _adopt(self, disk: State) -> None:
        """Make ``disk`` the base of what this store shows, with the ops not yet saved on top."""
        self._disk = disk
        view = disk.copy()
        with self._lock:
            self._pending.apply(view)
            if view != self._view:
                self._view = view
                self._changed = True

    def _read_changes(self) -> State | None:
        """The file's state if it differs from what this instance last saw, else None.

        A file that is not TOML is moved aside (bytes kept) and counts as unchanged; the marks
        already known are written back by the next save, which is due at once.
        """
        try:
            with open(self.path, "rb") as file:
                stamp = _stamp(os.fstat(file.fileno()))
                if stamp == self._stamp and self._trusted:
                    return None
                data: bytes | None = file.read()
        except FileNotFoundError:
            stamp = data = None
        if data == self._known:
            self._remember(data, stamp)
            return None
        try:
            loaded = fileformat.Loaded(State()) if data is None else fileformat.parse(data)
        except fileformat.NotToml as exc:
            self._move_aside(str(exc))
            self._remember(None, None)
            self._restore = True
            self._wake.set()
            return None
        self._remember(data, stamp)
        self._take_in(loaded)
        return loaded.state

    def _take_in(self, loaded: fileformat.Loaded) -> None:
        """Say what is wrong with a file just read, and whether it may be written."""
        for problem in loaded.problems:
            self._notice(f"The marks file {self.path} has entries this version cannot read ({problem}); they are kept as they are.")
        self._foreign = None if loaded.writable else loaded.version
        if self._foreign is not None:
            self.writable = False
            newer = isinstance(self._foreign, int) and self._foreign > fileformat.FORMAT_VERSION
            writer = "was written by a newer digest-reader" if newer else "has an unknown version"
            self._notice(
                f"The marks file {self.path} {writer} (version {self._foreign!r}): marks are shown,"
                " but changes are kept in memory only and will not be saved to it."
            )

    def _notice(self, message: str) -> None:
        """Say ``message`` once, though the file may be read again and again."""
        if message not in self.notices:
            self.notices.append(message)

    def _remember(self, data: bytes | None, stamp: Stamp | None) -> None:
        self._known, self._stamp = data, stamp
        self._trusted = stamp is not None and time.time_ns() - stamp[2] > _RACY_NS

    def _move_aside(self, reason: str) -> None:
        base = f"{self.path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
        aside, number = Path(base), 1
        while aside.exists():
            number += 1
            aside = Path(f"{base}-{number}")
        try:
            os.rename(self.path, aside)
        except OSError as exc:
            raise OSError(exc.errno, f"it is broken ({reason}) and cannot be moved aside ({exc.strerror})") from None
        self.notices.append(f"The marks file {self.path} was broken ({reason}); it was moved to {aside}.")

    @contextmanager
    def _file_lock(self, *, wait: bool) -> Iterator[None]:
        """The exclusive lock all instances take around a file operation.

        Without a lock file (an unwritable folder) reading goes on unlocked; writing fails anyway.
        """
        if self._lock_fd is None:
            with suppress(OSError):
                lock_path = self.path.with_name(self.path.name + ".lock")
                self._lock_fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        if self._lock_fd is None:
            yield
            return
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _remove_stale_temp_files(self) -> None:
        """Temp files of writers killed mid-save (only a lock holder writes one, so under the lock all are stale)."""
        for stale in self.path.parent.glob(glob.escape(f".{self.path.name}.") + "*.tmp"):
            stale.unlink(missing_ok=True)

    def _fail(self, exc: Exception) -> None:
        if self.writable:
            self.writable = False
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            self.notices.append(f"Cannot save marks to {self.path}: {reason}. Marks are kept in memory only, for now.")


def _stamp(stat: os.stat_result) -> Stamp:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _write_atomic(path: Path, data: bytes) -> Stamp:
    """Replace ``path`` by ``data`` so a crash at any moment leaves the old or the new file; returns its stamp."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            stamp = _stamp(os.fstat(file.fileno()))
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)  # make the rename itself durable
    finally:
        os.close(folder)
    return stamp
