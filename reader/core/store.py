"""Read and starred marks, kept by arXiv id in a local TOML file that survives a real machine.

The file (``state.toml``) is versioned, sorted and human-readable, so it diffs cleanly and
syncs with git or Syncthing; the same marks always give the same bytes::

    version = 1

    [settings]
    detail_view = 'abstract'

    [stars."2601.10802"]
    title = 'Sparse attention for long documents'
    authors = ['Ada Lovelace', "Flann O'Brien"]
    category = 'cs.CL'
    version = 'v2'
    url = 'https://arxiv.org/abs/2601.10802'
    digest = '2026-01-16'
    starred_at = '2026-01-16T09:15:00Z'
    tldr = 'Attention over long documents at linear cost.'
    abstract = '''
    We study attention over long documents. It's cheap.
    A second paragraph.'''
    extra = [['Keywords', 'attention, long context']]

    [read]
    "2512" = '''
    00012 00345
    10802 10835
    '''
    "2601" = '''
    10802
    '''
    other = ['hep-th/9901001']

Read ids are grouped by their ``yymm`` month into one literal string per month, one line per
block of a thousand numbers. tomllib reads literal strings without a Python loop per
character, so 200,000 read ids load in tens of milliseconds (a TOML array of 200k strings
takes about 0.3 s, basic strings per month about 0.06 s), and a new mark changes one short
line. Ids of any other shape go to ``other``. Star text is written as literal strings too
whenever the text allows it, for the same reason.

Every change only touches memory; a daemon thread saves at most every ``save_delay``
seconds. A save takes an exclusive ``flock`` on ``state.toml.lock``, re-reads the file, puts
this instance's pending ops (the last op per id since its last save) on top, and replaces
the file atomically, so two instances on one file never lose each other's marks and a
crash leaves the old or the new file, never a broken one.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import re
import tempfile
import threading
import time
import tomllib
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import tomli_w

from reader.core.model import SUMMARY_FIELDS, Paper, Star
from reader.core.sanitize import clean

FORMAT_VERSION = 1
SAVE_DELAY = 0.5
"""Seconds between a change and its save; a burst of changes in that time is one save."""
FLUSH_WAIT = 2.0
"""How long flush() waits for a save already under way (see flush)."""
_RACY_NS = 2_000_000_000
"""A file whose mtime is this close to when it was seen may change without a visible stat
change (coarse timestamps, reused inode), so its bytes are compared until it is older."""

_COMPACT = re.compile(r"([0-9]{4})\.([0-9]{4,5})")
_MONTH = re.compile(r"[0-9]{4}")
_NUMBERS = re.compile(r"\s*(?:[0-9]{4,5}(?![0-9])\s*)*")
_STAR_TEXT = ("category", "version", "url", "digest", "starred_at", *SUMMARY_FIELDS, "abstract")
"""The optional one-string fields of a star table, in file order (title and authors come first,
extra last)."""
_STAR_KEYS = frozenset(("title", "authors", "extra", *_STAR_TEXT))
_MULTILINE = frozenset((*SUMMARY_FIELDS, "abstract"))
"""Star fields whose paragraphs are kept when cleaned."""
_SHORT = 80
"""One-line text up to this length that cannot be a literal string stays a basic string."""
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_LITERAL = re.compile(r"[^'\x00-\x08\x0a-\x1f\x7f]*")
_MULTILINE_LITERAL = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f]*")


class _ReadSet:
    """Read ids stored the way the file groups them: month -> numbers, plus ids of other shapes."""

    __slots__ = ("months", "other")

    def __init__(self, months: dict[str, set[str]] | None = None, other: set[str] | None = None) -> None:
        self.months = months or {}
        self.other = other or set()

    def __contains__(self, paper_id: str) -> bool:
        match = _COMPACT.fullmatch(paper_id)
        if match:
            return match[2] in self.months.get(match[1], ())
        return paper_id in self.other

    def __iter__(self) -> Iterator[str]:
        for month, numbers in self.months.items():
            yield from map(f"{month}.".__add__, numbers)
        yield from self.other

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ReadSet) and self.months == other.months and self.other == other.other

    def add(self, paper_id: str) -> None:
        match = _COMPACT.fullmatch(paper_id)
        if match:
            self.months.setdefault(match[1], set()).add(match[2])
        else:
            self.other.add(paper_id)

    def discard(self, paper_id: str) -> None:
        match = _COMPACT.fullmatch(paper_id)
        if not match:
            self.other.discard(paper_id)
        elif numbers := self.months.get(match[1]):
            numbers.discard(match[2])
            if not numbers:  # no empty months, so equal sets compare equal
                del self.months[match[1]]

    def copy(self) -> _ReadSet:
        return _ReadSet({month: set(numbers) for month, numbers in self.months.items()}, set(self.other))


@dataclass
class _State:
    """What a state file holds."""

    read: _ReadSet = field(default_factory=_ReadSet)
    stars: dict[str, Star] = field(default_factory=dict)
    settings: dict[str, str | bool] = field(default_factory=dict)

    def copy(self) -> _State:
        return _State(self.read.copy(), dict(self.stars), dict(self.settings))


@dataclass
class _Ops:
    """This instance's intents since its last save: the last op per id (or setting) wins."""

    read: dict[str, bool] = field(default_factory=dict)
    stars: dict[str, Star | None] = field(default_factory=dict)
    """A star to put, or None to remove it."""
    settings: dict[str, str | bool] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.read or self.stars or self.settings)

    def apply(self, state: _State) -> None:
        for paper_id, read in self.read.items():
            (state.read.add if read else state.read.discard)(paper_id)
        for paper_id, star in self.stars.items():
            if star is None:
                state.stars.pop(paper_id, None)
            else:
                state.stars[paper_id] = star
        state.settings.update(self.settings)

    def update(self, later: _Ops) -> None:
        self.read.update(later.read)
        self.stars.update(later.stars)
        self.settings.update(later.settings)


class _Broken(Exception):
    """The state file is not valid TOML, has another version or the wrong shape."""


class MarkStore:
    """Read/starred marks and remembered UI settings, saved in the background.

    Queries and changes never touch the disk and never wait for it; thread-safe.
    """

    def __init__(self, path: Path | None, *, save_delay: float | None = SAVE_DELAY) -> None:
        """Use :meth:`open`, which also loads the file and starts the saver."""
        self.path = path
        self.writable = path is not None
        """False while marks cannot be saved (a notice says why); they are still kept in memory."""
        self.notices: list[str] = []
        """Messages for the user: a broken file moved aside, a location that cannot be written."""
        self._save_delay = save_delay
        self._lock = threading.RLock()  # reentrant: toggles call star/unstar, a signal handler may flush
        self._io_lock = threading.Lock()  # one file operation at a time
        self._view = _State()
        self._pending = _Ops()
        self._changed = False
        # Owned by whoever holds _io_lock: the file as last seen, and how to tell it changed.
        self._disk = _State()
        self._known: bytes | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._trusted = False
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

    # -- queries ---------------------------------------------------------------

    def is_read(self, paper_id: str) -> bool:
        with self._lock:
            return paper_id in self._view.read

    def is_starred(self, paper_id: str) -> bool:
        with self._lock:
            return paper_id in self._view.stars

    @property
    def read_ids(self) -> frozenset[str]:
        """A snapshot of every read id; builds a new set, so prefer :meth:`is_read` per paper."""
        with self._lock:
            return frozenset(self._view.read)

    def stars(self) -> list[Star]:
        """Starred papers, oldest star first."""
        with self._lock:
            stars = list(self._view.stars.values())
        return sorted(stars, key=lambda star: (star.starred_at, star.paper.id))

    def star_for(self, paper_id: str) -> Star | None:
        with self._lock:
            return self._view.stars.get(paper_id)

    def get_setting(self, key: str, default: str | bool | None = None) -> str | bool | None:
        with self._lock:
            return self._view.settings.get(key, default)

    # -- changes ---------------------------------------------------------------

    def set_read(self, paper_id: str, read: bool = True) -> bool:
        """Mark one paper; True if that changed it."""
        return bool(self._set_read([paper_id], read))

    def toggle_read(self, paper_id: str) -> bool:
        """Flip the read mark; returns the new state."""
        with self._lock:
            read = paper_id not in self._view.read
            self._set_read([paper_id], read)
            return read

    def mark_read_many(self, paper_ids: Iterable[str]) -> list[str]:
        """Mark papers read; returns those that were unread (what an undo marks unread again)."""
        return self._set_read(paper_ids, True)

    def mark_unread_many(self, paper_ids: Iterable[str]) -> list[str]:
        """Mark papers unread; returns those that were read."""
        return self._set_read(paper_ids, False)

    def star(self, paper: Paper, digest: str | None = None) -> Star:
        """Star a paper with a snapshot of it; an existing star (and its time) is kept."""
        with self._lock:
            star = self._view.stars.get(paper.id) or Star(paper, _utc_now(), digest)
            self._record(_Ops(stars={paper.id: star}))
            return star

    def unstar(self, paper_id: str) -> bool:
        """Remove a star; True if there was one."""
        with self._lock:
            starred = paper_id in self._view.stars
            self._record(_Ops(stars={paper_id: None}))
            return starred

    def toggle_star(self, paper: Paper, digest: str | None = None) -> bool:
        """Star or unstar; returns whether the paper is starred now."""
        with self._lock:
            if paper.id in self._view.stars:
                self.unstar(paper.id)
                return False
            self.star(paper, digest)
            return True

    def set_setting(self, key: str, value: str | bool) -> None:
        """Remember a UI choice across runs (``detail_view = "abstract"``)."""
        if not isinstance(key, str) or not key or not isinstance(value, (str, bool)):
            raise TypeError(f"settings are non-empty names with str or bool values, not {key!r} = {value!r}")
        with self._lock:
            self._record(_Ops(settings={key: value}))

    def _set_read(self, paper_ids: Iterable[str], read: bool) -> list[str]:
        ids = list(dict.fromkeys(paper_ids))
        with self._lock:
            changed = [paper_id for paper_id in ids if (paper_id in self._view.read) != read]
            self._record(_Ops(read=dict.fromkeys(ids, read)))
            return changed

    def _record(self, ops: _Ops) -> None:
        """Show the ops now and save them soon (``_lock`` held); even an op that changes nothing here
        is kept, as the user's latest intent for that id."""
        ops.apply(self._view)
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
            ops, self._pending = self._pending, _Ops()
        if not ops and not self._restore:
            return True
        seen = None
        try:
            with self._file_lock(wait=True):
                seen = self._read_changes()
                base = self._disk if seen is None else seen
                new = base.copy()
                ops.apply(new)
                if new != base or self._restore:
                    self._remove_stale_temp_files()
                    data = _dump(new)
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

    def _adopt(self, disk: _State) -> None:
        """Make ``disk`` the base of what this store shows, with the ops not yet saved on top."""
        self._disk = disk
        view = disk.copy()
        with self._lock:
            self._pending.apply(view)
            if view != self._view:
                self._view = view
                self._changed = True

    def _read_changes(self) -> _State | None:
        """The file's state if it differs from what this instance last saw, else None.

        A broken file is moved aside (bytes kept) and counts as unchanged; the marks already
        known are written back by the next save, which is due at once.
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
            state = _State() if data is None else _parse(data)
        except _Broken as exc:
            self._move_aside(str(exc))
            self._remember(None, None)
            self._restore = True
            self._wake.set()
            return None
        self._remember(data, stamp)
        return state

    def _remember(self, data: bytes | None, stamp: tuple[int, int, int] | None) -> None:
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


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _write_atomic(path: Path, data: bytes) -> tuple[int, int, int]:
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


# -- the format ------------------------------------------------------------------


def _dump(state: _State) -> bytes:
    """The file's bytes: the same state always gives the same bytes."""
    out = [f"version = {FORMAT_VERSION}\n"]
    if state.settings:
        out.append("\n[settings]\n")
        out += (f"{_key(key)} = {_value(value)}\n" for key, value in sorted(state.settings.items()))
    for paper_id in sorted(state.stars):
        out.append(f"\n[stars.{_key(paper_id)}]\n")
        out += (f"{key} = {_value(value)}\n" for key, value in _star_table(state.stars[paper_id]).items())
    read = state.read
    if read.months or read.other:
        out.append("\n[read]\n")
        out += (f"\"{month}\" = '''\n{_number_lines(read.months[month])}\n'''\n" for month in sorted(read.months))
        if read.other:
            out.append(f"other = {_value(sorted(read.other))}\n")
    # A lone surrogate (from a malformed JSON digest) must not stop every later save.
    return "".join(out).encode("utf-8", "replace")


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _basic_string(key)


def _value(value: str | bool | list) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    return "[" + ", ".join(map(_value, value)) + "]"


def _string(text: str) -> str:
    """A literal string when the text allows one, since tomllib reads those without a loop per
    character; long or multi-line text with an apostrophe gets a multi-line literal string."""
    if _LITERAL.fullmatch(text):
        return f"'{text}'"
    if (
        (len(text) > _SHORT or "\n" in text)
        and _MULTILINE_LITERAL.fullmatch(text)
        and "'''" not in text
        and not text.endswith("'")
    ):
        return f"'''\n{text}'''"  # the newline right after the opening quotes is not part of the text
    return _basic_string(text)


def _basic_string(text: str) -> str:
    """A basic (escaped) TOML string, for text no literal string can hold: tomli-w's escaping."""
    return tomli_w.dumps({"v": text})[len("v = ") : -1]


def _number_lines(numbers: set[str]) -> str:
    """Sorted numbers, one line per block of a thousand, so one mark changes one short line."""
    ordered = sorted(numbers)
    lines = []
    start = 0
    while start < len(ordered):
        end = bisect_left(ordered, ordered[start][:-3] + ":", start)  # ":" sorts right after "9"
        lines.append(" ".join(ordered[start:end]))
        start = end
    return "\n".join(lines)


def _star_table(star: Star) -> dict[str, object]:
    paper = star.paper
    own = {"digest": star.digest, "starred_at": star.starred_at}
    table: dict[str, object] = {"title": paper.title, "authors": list(paper.authors)}
    for key in _STAR_TEXT:
        table[key] = own[key] if key in own else getattr(paper, key)
    table["extra"] = [list(pair) for pair in paper.extra]
    return {key: value for key, value in table.items() if value is not None and value != []}


def _parse(data: bytes) -> _State:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _Broken(f"not valid TOML: {exc}") from None
    version = doc.get("version")
    _check(type(version) is int and version == FORMAT_VERSION, f"unknown version {version!r} (not {FORMAT_VERSION})")
    unknown = doc.keys() - {"version", "settings", "stars", "read"}
    _check(not unknown, f"unknown keys {sorted(unknown)}")
    settings = doc.get("settings", {})
    _check(
        isinstance(settings, dict) and all(isinstance(value, (str, bool)) for value in settings.values()),
        "settings must be strings or booleans",
    )
    stars = doc.get("stars", {})
    _check(isinstance(stars, dict), "stars must be a table")
    return _State(
        read=_parse_read(doc.get("read", {})),
        stars={paper_id: _parse_star(paper_id, table) for paper_id, table in stars.items()},
        settings=settings,
    )


def _parse_read(table: object) -> _ReadSet:
    _check(isinstance(table, dict), "read must be a table")
    other = table.get("other", [])
    _check(_is_strings(other), "read.other must list ids")
    months = {}
    for month, numbers in table.items():
        if month == "other":
            continue
        _check(
            bool(_MONTH.fullmatch(month)) and isinstance(numbers, str) and bool(_NUMBERS.fullmatch(numbers)),
            f"read.{month} must be a yymm month of 4- or 5-digit numbers",
        )
        if numbers.strip():
            months[month] = set(numbers.split())
    read = _ReadSet(months)
    for paper_id in other:  # hand-edited files may list compact ids here too
        read.add(paper_id)
    return read


def _parse_star(paper_id: str, table: object) -> Star:
    where = f"stars.{paper_id!r}"
    _check(isinstance(table, dict), f"{where} must be a table")
    _check(table.keys() <= _STAR_KEYS, f"{where} has unknown keys {sorted(table.keys() - _STAR_KEYS)}")
    _check(isinstance(table.get("title"), str), f"{where} needs a title")
    _check(isinstance(table.get("starred_at"), str), f"{where} needs starred_at")
    texts = {key: table.get(key) for key in _STAR_TEXT}
    _check(all(value is None or isinstance(value, str) for value in texts.values()), f"{where} fields must be strings")
    authors = table.get("authors", [])
    _check(_is_strings(authors), f"{where}.authors must list names")
    extra = table.get("extra", [])
    _check(isinstance(extra, list) and all(_is_strings(pair, 2) for pair in extra), f"{where}.extra must list pairs")
    # The file may predate cleaning or be edited by hand: its text is as untrusted as a digest's.
    texts = {key: value if value is None else clean(value, multiline=key in _MULTILINE) for key, value in texts.items()}
    starred_at, digest = texts.pop("starred_at"), texts.pop("digest")
    paper = Paper(
        id=clean(paper_id),
        title=clean(table["title"]),
        authors=tuple(clean(name) for name in authors),
        extra=tuple((clean(label), clean(value, multiline=True)) for label, value in extra),
        **texts,
    )
    return Star(paper, starred_at, digest)


def _is_strings(value: object, length: int | None = None) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value) and length in (None, len(value))


def _check(condition: bool, problem: str) -> None:
    if not condition:
        raise _Broken(problem)
