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
import fcntl
import os
import re
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from reader.core.config import file_kind
from reader.core.sanitize import clean
from reader.core.store import fileformat
from reader.core.model import tag_key
from reader.core.store.marks import Marks, Ops, State
from reader.core.store.notes import NoteEdit

SAVE_DELAY = 0.5
"""Seconds between a change and its save; a burst of changes in that time is one save."""
FLUSH_WAIT = 2.0
"""How long flush() waits for a save already under way (see flush)."""
_RACY_NS = 2_000_000_000
"""A file whose mtime is this close to when it was seen may change without a visible stat
change (coarse timestamps, reused inode), so its bytes are compared until it is older."""

LOCK_WAIT = 5.0
"""Seconds to wait for the lock another process holds before giving up (a notice, or an error)."""
LOCK_WAIT_SAID = 0.5
"""After this long waiting for the lock, the store says it is waiting (``on_wait``)."""
RETRY_DELAY = 2.0
"""Seconds between attempts to save marks a failed save left pending (a full disk may empty)."""
MAX_STATE_BYTES = 64 * 1024 * 1024
"""A state file larger than this is not read (a link to /dev/zero, a huge stray file)."""
STABLE_READS = 8
"""Attempts at reading the file while it changes under the read (a sync tool rewriting it in place)."""
RECHECK_DELAY = 0.25
"""A state file that does not parse is read again after this long; only the same bytes twice are broken."""

Stamp = tuple[int, int, int]


class ForeignVersion(Exception):
    """The file is of another version of the format, so this one must not write it."""


class StateFileError(Exception):
    """The path cannot be used as the state file and was not touched; one line for the user."""


class LockTimeout(OSError):
    """Another process held the lock longer than LOCK_WAIT."""


class _NotOurs(Exception):
    """What is at the path is not a state file this store may read or write."""


class _Unstable(Exception):
    """The file kept changing while it was read; a later read will tell."""


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
        self._lock_stuck = False  # the last wait for the lock timed out: the next ones are short
        self._lock_limit: float | None = None  # a shorter wait for the lock, for this flush only
        self._refused: str | None = None  # why the file at the path is not ours (found while running)
        self._retry = False
        self.rescued: Path | None = None
        """Where :meth:`close` wrote the marks it could not save, if it had to."""
        self.unsaved = False
        """True after :meth:`close` if marks were not saved to the state file (rescued or lost)."""
        self.on_wait: Callable[[str], None] | None = None
        """Told once when a wait for another process's lock lasts (the CLI prints it)."""
        self._strict = False
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
    ) -> MarkStore:
        """The store of ``path`` (None: in memory only).

        Raises :class:`StateFileError`, touching nothing, when the path holds something that is
        not a state file (another program's file, a FIFO, a device, a socket), a file that
        cannot be read, or one too big. Other problems become notices (marks kept in memory),
        but with ``strict`` (a command that only reads, such as ``--export``) a lock held by
        another process past LOCK_WAIT raises too. ``on_wait`` is told when the lock is slow.
        ``save_delay`` None saves only on :meth:`flush` and :meth:`close` (tests, benchmarks).
        """
        store = cls(None if path is None else Path(os.path.realpath(path)), save_delay=save_delay)
        store.on_wait, store._strict = on_wait, strict
        if store.path is not None:
            try:
                store._start()
            except BaseException:
                store._close_lock()
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
            self._lock_limit = lock_wait
            return self._save()
        finally:
            self._lock_limit = None
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
                self._close_lock()

    def rescue(self) -> Path | None:
        """If marks (read, starred, tagged or noted) are still unsaved (not for a file of another version), write them all to a
        rescue file once, and say where in :attr:`rescued`. Takes no file lock and waits for no
        save, so a signal handler may call it after a :meth:`flush` that gave up."""
        with self._lock:  # UI settings (the view, a position) are no marks: they alone need no rescue
            pending = self._pending
            unsaved = bool(pending.read or pending.stars or pending.tags or pending.notes) and self._foreign is None
        if unsaved and not self.unsaved and self.path is not None:
            self.unsaved = True
            self.rescued = self._write_rescue()
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

    def _close_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _write_rescue(self) -> Path | None:
        """Every mark this store shows, as a state file beside the state (else in the temp folder)."""
        with self._lock:
            data = fileformat.dump(self._view)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for folder in (self.path.parent, Path(tempfile.gettempdir())):
            try:
                fd, name = tempfile.mkstemp(prefix=f"{self.path.name}.rescue-{stamp}-", suffix=".toml", dir=folder)
            except OSError:
                continue
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                return Path(name)
            except OSError:
                with suppress(OSError):
                    os.unlink(name)
        return None

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
                if self._foreign is not None or self._refused is not None:
                    raise ForeignVersion  # the notice was given when the file was read
                base = self._disk if seen is None else seen
                new = base.copy()
                conflicts = ops.apply(new)
                if new != base or self._restore:
                    self._remove_stale_temp_files()
                    data = fileformat.dump(new)
                    self._remember(data, _write_atomic(self.path, data))
                    if not self.writable:
                        self.notices.append(clean(f"Marks are saved to {self.path} again."))
                    self.writable = True
                    self._restore = False
        except Exception as exc:  # whatever it was, keep the marks and keep going
            with self._lock:
                ops.update(self._pending)
                self._pending = ops
            if seen is not None:
                self._adopt(seen)
            if not isinstance(exc, (ForeignVersion, _Unstable)):
                self._fail(exc)
            return False
        self._tell_conflicts(new, conflicts)
        if seen is None:
            self._disk = new
        else:
            self._adopt(new)
        return True

    def _pull_at_start(self) -> None:
        """Read the file before anything is shown (``_io_lock`` held): raise StateFileError for
        what must not be used; a lock held too long is read past (writes are atomic anyway)."""
        try:
            try:
                self._check_ours()  # before the lock file is made beside what may be the user's notes.md
                with self._file_lock(wait=True):
                    seen = self._read_changes(at_start=True)
            except LockTimeout as exc:
                if self._strict:
                    raise StateFileError(f"{self.path}: {exc.strerror}") from None
                self.notices.append(clean(f"The marks file {self.path} is locked by another process ({exc.strerror}); marks are read without the lock."))
                seen = self._read_changes(at_start=True)
        except _NotOurs as exc:
            raise StateFileError(clean(f"cannot use {self.path} as the marks file: {exc}; it was not touched")) from None
        except _Unstable:
            raise StateFileError(clean(f"{self.path} kept changing while it was read; try again")) from None
        except FileNotFoundError:
            seen = None
        except PermissionError as exc:
            raise StateFileError(clean(f"cannot read the marks file {self.path}: {exc.strerror or exc}")) from None
        except OSError as exc:
            self._fail(exc)
            return
        if seen is not None:
            self._adopt(seen)

    def _pull(self, *, wait: bool) -> None:
        """Adopt the file's content if it changed since this instance last saw it (``_io_lock`` held)."""
        try:
            with self._file_lock(wait=wait):
                seen = self._read_changes()
        except (BlockingIOError, _Unstable):
            return  # another instance is saving, or a sync tool writing: a later refresh reads the file
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
            self._tell_conflicts(view, self._pending.apply(view))
            if view != self._view:
                self._view = view
                self._changed = True

    def _tell_conflicts(self, state: State, paper_ids: list[str]) -> None:
        """Say which notes were changed here and in another instance (both are kept in the note)."""
        for paper_id in paper_ids:
            entry = state.noted.get(paper_id)
            title = entry.paper.title if entry else paper_id
            self.notices.append(clean(f"The note on {title} was changed in another window too: both versions are kept in it."))

    def _read_changes(self, *, at_start: bool = False) -> State | None:
        """The file's state if it differs from what this instance last saw, else None.

        A file of ours that is not TOML (read twice, RECHECK_DELAY apart, to the same bytes) is
        moved aside (bytes kept) and counts as unchanged; the marks already known are written
        back by the next save, which is due at once. A file that is not ours raises _NotOurs at
        start; found while running, it stops every write (a notice says why) until it is ours again.
        """
        previous: bytes | None = None
        for _ in range(STABLE_READS):
            data, stamp = self._read_file()
            if stamp is not None and stamp == self._stamp and self._trusted:
                return None
            if data == self._known:
                self._remember(data, stamp)
                return None
            try:
                loaded = fileformat.Loaded(State()) if data is None else fileformat.parse(data)
            except fileformat.NotState as exc:
                return self._not_ours(str(exc), at_start)
            except fileformat.NotToml as exc:
                if not fileformat.looks_like_state(data):
                    return self._not_ours(f"it is not a digest-reader state file ({exc})", at_start)
                if data != previous:  # perhaps caught half-written: look again before calling it broken
                    previous = data
                    time.sleep(RECHECK_DELAY)
                    continue
                self._move_aside(str(exc))
                self._remember(None, None)
                self._restore = True
                self._wake.set()
                return None
            if self._refused is not None:
                self._refused = None
                self.notices.append(clean(f"The marks file {self.path} is a state file again; marks are saved to it."))
            self._remember(data, stamp)
            self._take_in(loaded)
            return loaded.state
        raise _Unstable

    def _check_ours(self) -> None:
        """Raise _NotOurs if the path holds something else than a state file (or nothing)."""
        data, _ = self._read_file()
        if data is None or fileformat.looks_like_state(data):
            return
        try:
            fileformat.parse(data)
        except fileformat.NotState as exc:
            raise _NotOurs(str(exc)) from None
        except fileformat.NotToml as exc:
            raise _NotOurs(f"it is not a digest-reader state file ({exc})") from None

    def _not_ours(self, reason: str, at_start: bool) -> None:
        if at_start:
            raise _NotOurs(reason)
        if self._refused is None:
            self._refused = reason
            self.writable = False
            with self._lock:  # every mark shown is now unsaved: rescued at close, or saved to a state file again
                whole = Ops(dict.fromkeys(self._view.read, True), dict(self._view.stars), dict(self._view.settings))
                for paper_id, entry in self._view.tagged.items():
                    whole.tags.update({(paper_id, tag_key(tag)): tag for tag in entry.tags})
                    whole.snapshots[paper_id] = entry
                whole.notes = {paper_id: NoteEdit(entry.text, entry.text, entry) for paper_id, entry in self._view.noted.items()}
                whole.update(self._pending)
                self._pending = whole
            self.notices.append(clean(
                f"The marks file {self.path} was replaced by something that is not a state file ({reason});"
                " it is left alone, and marks are kept in memory only."
            ))

    def _read_file(self) -> tuple[bytes | None, Stamp | None]:
        """The file's bytes and stamp, read as one stable snapshot: (None, None) if there is no file.

        Opened without blocking (a FIFO must not hang the reader), refused unless a regular
        file of at most MAX_STATE_BYTES, and read again when its stamp changed during the read.
        """
        for _ in range(STABLE_READS):
            try:
                fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            except FileNotFoundError:
                return None, None
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: a socket (or a device with nothing behind it)
                    raise
                raise _NotOurs(f"it is {file_kind(os.stat(self.path).st_mode)}, not a regular file") from None
            if stat.S_ISDIR(os.fstat(fd).st_mode):  # a folder at the path: marks stay in memory
                os.close(fd)
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(self.path))
            with os.fdopen(fd, "rb") as file:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode):
                    raise _NotOurs(f"it is {file_kind(info.st_mode)}, not a regular file")
                if info.st_size > MAX_STATE_BYTES:
                    raise _NotOurs(f"it is larger than {MAX_STATE_BYTES // 2**20} MB")
                stamp = _stamp(info)
                if stamp == self._stamp and self._trusted:
                    return self._known, stamp
                data = file.read(MAX_STATE_BYTES + 1)
                if len(data) > MAX_STATE_BYTES:
                    raise _NotOurs(f"it is larger than {MAX_STATE_BYTES // 2**20} MB")
                if _stamp(os.fstat(fd)) == stamp and len(data) == info.st_size:
                    return data, stamp
            time.sleep(0.02)  # changed while read: a writer is at work
        raise _Unstable

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
        """Say ``message`` once, though the file may be read again and again (cleaned: keys and
        paths in it may hold escape sequences)."""
        message = clean(message)
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
        self.notices.append(clean(f"The marks file {self.path} was broken ({reason}); it was moved to {aside}."))

    @contextmanager
    def _file_lock(self, *, wait: bool) -> Iterator[None]:
        """The exclusive lock all instances take around a file operation.

        Without a lock file (an unwritable folder) reading goes on unlocked; writing fails anyway.
        """
        if self._lock_fd is None:
            with suppress(OSError):
                lock_path = self.path.with_name(self.path.name + ".lock")
                fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    self._lock_fd = fd
                else:  # a FIFO or device named like the lock: never flock (or wait on) that
                    os.close(fd)
        if self._lock_fd is None:
            yield
            return
        if wait:
            self._wait_for_lock(self._lock_fd)
        else:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _wait_for_lock(self, fd: int) -> None:
        """Take the lock, waiting at most LOCK_WAIT (a moment only, while it stays stuck) for
        another process; LockTimeout after that."""
        start = time.monotonic()
        limit = min(0.2 if self._lock_stuck else LOCK_WAIT, LOCK_WAIT if self._lock_limit is None else self._lock_limit)
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._lock_stuck = False
                return
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= limit:
                    self._lock_stuck = True
                    raise LockTimeout(errno.EWOULDBLOCK, f"another process has held its lock for over {limit:g} s") from None
                if not said and waited >= LOCK_WAIT_SAID and self.on_wait is not None:
                    said = True
                    self.on_wait(clean(f"waiting for another process to release the lock on {self.path}…"))
                time.sleep(0.05)

    def _remove_stale_temp_files(self) -> None:
        """Temp files of writers of this file killed mid-save (only a lock holder writes one, so
        under the lock all are stale). Exactly the names _write_atomic makes: the temp file of
        ``state.toml.x`` (``.state.toml.x.<random>.tmp``) belongs to another store and stays."""
        own = re.compile(re.escape(f".{self.path.name}.") + r"[^.]+\.tmp")  # mkstemp's random part has no dot
        with os.scandir(self.path.parent) as entries:
            for entry in entries:
                if own.fullmatch(entry.name):
                    with suppress(FileNotFoundError):
                        os.unlink(entry.path)

    def _fail(self, exc: Exception) -> None:
        if self.writable:
            self.writable = False
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            self.notices.append(clean(f"Cannot save marks to {self.path}: {reason}. Marks are kept in memory only, for now."))



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
