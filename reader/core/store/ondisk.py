"""The state file as a file: its lock, a stable read, an atomic write, moving it aside.

What any file shared by several processes needs, and nothing of marks: the engine
(:mod:`~reader.core.store.engine`) decides what to read and write, this module only how.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from reader.core.config import file_kind
from reader.core.sanitize import clean

LOCK_WAIT = 5.0
"""Seconds to wait for the lock another process holds before giving up (a notice, or an error)."""
LOCK_WAIT_SAID = 0.5
"""After this long waiting for the lock, the store says it is waiting (``on_wait``)."""
MAX_STATE_BYTES = 64 * 1024 * 1024
"""A state file larger than this is not read (a link to /dev/zero, a huge stray file)."""
STABLE_READS = 8
"""Attempts at reading the file while it changes under the read (a sync tool rewriting it in place)."""

Stamp = tuple[int, int, int]
"""(inode, size, mtime in ns): how a file that changed is told from one that did not."""


class LockTimeout(OSError):
    """Another process held the lock for longer than the wait allowed."""


class NotOurs(Exception):
    """The path holds something else than a state file: it must never be written."""


class Unstable(Exception):
    """The file kept changing while it was read (a sync tool at work): read it later."""


class StateLock:
    """The exclusive ``flock`` every instance takes on ``<state>.lock`` around a file operation.

    Waits are bounded (LOCK_WAIT, or ``limit`` for one flush); after a wait that timed out the
    next ones are short, so a stuck process does not make every save wait. Without a lock file
    (an unwritable folder) reading goes on unlocked; writing fails anyway.
    """

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self._state_path = state_path
        self._fd: int | None = None
        self._stuck = False
        self.limit: float | None = None
        """A shorter wait for the lock than LOCK_WAIT, while set."""
        self.on_wait: Callable[[str], None] | None = None
        """Told once when a wait for another process's lock lasts."""

    @contextmanager
    def held(self, *, wait: bool) -> Iterator[None]:
        """The lock for the ``with`` body; without ``wait``, BlockingIOError if another holds it."""
        if self._fd is None:
            with suppress(OSError):
                fd = os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    self._fd = fd
                else:  # a FIFO or device named like the lock: never flock (or wait on) that
                    os.close(fd)
        if self._fd is None:
            yield
            return
        if wait:
            self._wait(self._fd)
        else:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _wait(self, fd: int) -> None:
        """Take the lock, waiting at most LOCK_WAIT (a moment only, while it stays stuck) for
        another process; LockTimeout after that."""
        start = time.monotonic()
        limit = min(0.2 if self._stuck else LOCK_WAIT, LOCK_WAIT if self.limit is None else self.limit)
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._stuck = False
                return
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= limit:
                    self._stuck = True
                    raise LockTimeout(errno.EWOULDBLOCK, f"another process has held its lock for over {limit:g} s") from None
                if not said and waited >= LOCK_WAIT_SAID and self.on_wait is not None:
                    said = True
                    self.on_wait(clean(f"waiting for another process to release the lock on {self._state_path}…"))
                time.sleep(0.05)


def read_stable(path: Path, known: tuple[bytes | None, Stamp | None] | None = None) -> tuple[bytes | None, Stamp | None]:
    """The file's bytes and stamp, read as one stable snapshot: (None, None) if there is no file.

    Opened without blocking (a FIFO must not hang the reader), refused (NotOurs) unless a
    regular file of at most MAX_STATE_BYTES, and read again when its stamp changed during the
    read. ``known`` (bytes and a stamp to trust) is returned as it is when the stamp is the same.
    """
    for _ in range(STABLE_READS):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: a socket (or a device with nothing behind it)
                raise
            raise NotOurs(f"it is {file_kind(os.stat(path).st_mode)}, not a regular file") from None
        if stat.S_ISDIR(os.fstat(fd).st_mode):  # a folder at the path: marks stay in memory
            os.close(fd)
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise NotOurs(f"it is {file_kind(info.st_mode)}, not a regular file")
            if info.st_size > MAX_STATE_BYTES:
                raise NotOurs(f"it is larger than {MAX_STATE_BYTES // 2**20} MB")
            stamp = stamp_of(info)
            if known is not None and stamp == known[1]:
                return known[0], stamp
            data = file.read(MAX_STATE_BYTES + 1)
            if len(data) > MAX_STATE_BYTES:
                raise NotOurs(f"it is larger than {MAX_STATE_BYTES // 2**20} MB")
            if stamp_of(os.fstat(fd)) == stamp and len(data) == info.st_size:
                return data, stamp
        time.sleep(0.02)  # changed while read: a writer is at work
    raise Unstable


def stamp_of(info: os.stat_result) -> Stamp:
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def write_atomic(path: Path, data: bytes, mode: int | None = None, *, durable: bool = True) -> Stamp:
    """Replace ``path`` by ``data`` so a crash at any moment leaves the old or the new file
    (with permissions ``mode``, else only the user's); returns its stamp. ``durable=False``
    (a cache, which is rebuilt when lost) skips the syncs that make it survive a power cut."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            if mode is not None:
                os.fchmod(file.fileno(), mode)
            file.write(data)
            file.flush()
            if durable:
                os.fsync(file.fileno())
            stamp = stamp_of(os.fstat(file.fileno()))
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)  # make the rename itself durable
        finally:
            os.close(folder)
    return stamp


STALE_TEMP_SECONDS = 60.0
"""A cache's temp file this old is a writer's that ended mid-write (caches take no lock)."""


def remove_stale_temp_files(path: Path, *, older_than: float | None = None) -> None:
    """Temp files of writers of ``path`` killed mid-save (only a lock holder writes one, so
    under the lock all are stale; without one, only those ``older_than`` seconds). Exactly the
    names write_atomic makes: the temp file of ``state.toml.x`` (``.state.toml.x.<random>.tmp``)
    belongs to another file and stays."""
    own = re.compile(re.escape(f".{path.name}.") + r"[^.]+\.tmp")  # mkstemp's random part has no dot
    before = None if older_than is None else time.time() - older_than
    with os.scandir(path.parent) as entries:
        for entry in entries:
            if own.fullmatch(entry.name):
                with suppress(FileNotFoundError):
                    if before is None or entry.stat().st_mtime < before:
                        os.unlink(entry.path)


def move_aside(path: Path, reason: str) -> Path:
    """Rename a broken file to ``<path>.corrupt-<time>`` (bytes kept); OSError saying why if it cannot be."""
    base = f"{path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
    aside, number = Path(base), 1
    while aside.exists():
        number += 1
        aside = Path(f"{base}-{number}")
    try:
        os.rename(path, aside)
    except OSError as exc:
        raise OSError(exc.errno, f"it is broken ({reason}) and cannot be moved aside ({exc.strerror})") from None
    return aside


def write_rescue(path: Path, data: bytes) -> Path | None:
    """``data`` in a new ``<path>.rescue-<time>-….toml`` beside ``path`` (else in the temp folder); None if neither can be written."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in (path.parent, Path(tempfile.gettempdir())):
        try:
            fd, name = tempfile.mkstemp(prefix=f"{path.name}.rescue-{stamp}-", suffix=".toml", dir=folder)
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
