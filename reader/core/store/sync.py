"""How marks meet their file: read it, take in what other instances saved, write ours on top.

The mechanism under :class:`~reader.core.store.engine.MarkStore`, which decides when (a
save thread, flush, close). Every method here runs with the store's ``_io_lock`` held.
"""

from __future__ import annotations

import time
from pathlib import Path

from reader.core.model import tag_key
from reader.core.sanitize import clean
from reader.core.store import fileformat, ondisk
from reader.core.store.marks import Marks, Ops, State
from reader.core.store.notes import NoteEdit
from reader.core.store.parsecache import ParseCache
from reader.core.store.ondisk import LockTimeout, NotOurs, Stamp, StateLock, Unstable

_RACY_NS = 2_000_000_000
"""A file whose mtime is this close to when it was seen may change without a visible stat
change (coarse timestamps, reused inode), so its bytes are compared until it is older."""
RECHECK_DELAY = 0.25
"""A state file that does not parse is read again after this long; only the same bytes twice are broken."""


class ForeignVersion(Exception):
    """The file is of another version of the format, so this one must not write it."""


class StateFileError(Exception):
    """The path cannot be used as the state file and was not touched; one line for the user."""


class FileSync(Marks):
    """Marks kept in step with a state file that other instances write too."""

    def __init__(self, path: Path | None, cache: ParseCache | None = None) -> None:
        super().__init__()
        self.path = path
        self._parsed = cache
        self.writable = path is not None
        """False while marks cannot be saved (a notice says why); they are still kept in memory."""
        self.notices: list[str] = []
        """Messages for the user: a broken file moved aside, a location that cannot be written."""
        self._pending = Ops()
        self._changed = False
        # Owned by whoever holds _io_lock: the file as last seen, and how to tell it changed.
        self._disk = State()
        self._known: bytes | None = None
        self._stamp: Stamp | None = None
        self._trusted = False
        self._foreign: object = None  # the version of a file this version must not write, else None
        self._restore = False  # a broken file was moved aside: write the marks known back
        self._file_lock = None if path is None else StateLock(path)
        self._refused: str | None = None  # why the file at the path is not ours (found while running)
        self._strict = False

    def _save_soon(self) -> None:
        """Ask for a save of what is pending soon (the store's saver does it; without one, flush)."""

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
            with self._file_lock.held(wait=True):
                seen = self._read_changes()
                if self._foreign is not None or self._refused is not None:
                    raise ForeignVersion  # the notice was given when the file was read
                base = self._disk if seen is None else seen
                new = base.copy()
                conflicts = ops.apply(new)
                if new != base or self._restore:
                    ondisk.remove_stale_temp_files(self.path)
                    data = fileformat.dump(new)
                    self._remember(data, ondisk.write_atomic(self.path, data))
                    if self._parsed is not None:  # the next start reads these bytes from it
                        self._parsed.store(data, new)
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
            if not isinstance(exc, (ForeignVersion, Unstable)):
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
                with self._file_lock.held(wait=True):
                    seen = self._read_changes(at_start=True)
            except LockTimeout as exc:
                if self._strict:
                    raise StateFileError(f"{self.path}: {exc.strerror}") from None
                self.notices.append(clean(f"The marks file {self.path} is locked by another process ({exc.strerror}); marks are read without the lock."))
                seen = self._read_changes(at_start=True)
        except NotOurs as exc:
            raise StateFileError(clean(f"cannot use {self.path} as the marks file: {exc}; it was not touched")) from None
        except Unstable:
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
            with self._file_lock.held(wait=wait):
                seen = self._read_changes()
        except (BlockingIOError, Unstable):
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
                if view.noted != self._view.noted:
                    self.notes_generation += 1
                self._view = view
                self.generation += 1
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
        back by the next save, which is due at once. A file that is not ours raises NotOurs at
        start; found while running, it stops every write (a notice says why) until it is ours again.
        """
        previous: bytes | None = None
        for _ in range(ondisk.STABLE_READS):
            data, stamp = self._read_file()
            if stamp is not None and stamp == self._stamp and self._trusted:
                return None
            if data == self._known:
                self._remember(data, stamp)
                return None
            try:
                loaded = fileformat.Loaded(State()) if data is None else self._parse(data)
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
                self._save_soon()
                return None
            if self._refused is not None:
                self._refused = None
                self.notices.append(clean(f"The marks file {self.path} is a state file again; marks are saved to it."))
            self._remember(data, stamp)
            self._take_in(loaded)
            return loaded.state
        raise Unstable

    def _parse(self, data: bytes) -> fileformat.Loaded:
        """The file's bytes parsed, or taken from the parse cache when it holds these very bytes."""
        state = self._parsed.load(data) if self._parsed is not None else None
        if state is not None:
            return fileformat.Loaded(state)
        loaded = fileformat.parse(data)
        if self._parsed is not None and loaded.writable and not loaded.problems:
            self._parsed.store(data, loaded.state)
        return loaded

    def _check_ours(self) -> None:
        """Raise NotOurs if the path holds something else than a state file (or nothing)."""
        data, _ = self._read_file()
        if data is None or fileformat.looks_like_state(data):
            return
        try:
            fileformat.parse(data)
        except fileformat.NotState as exc:
            raise NotOurs(str(exc)) from None
        except fileformat.NotToml as exc:
            raise NotOurs(f"it is not a digest-reader state file ({exc})") from None

    def _not_ours(self, reason: str, at_start: bool) -> None:
        if at_start:
            raise NotOurs(reason)
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
        """The file as one stable snapshot (see :func:`ondisk.read_stable`); the bytes last seen
        when its stamp is the one last seen and old enough to be trusted."""
        return ondisk.read_stable(self.path, (self._known, self._stamp) if self._trusted else None)

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
        aside = ondisk.move_aside(self.path, reason)
        self.notices.append(clean(f"The marks file {self.path} was broken ({reason}); it was moved to {aside}."))

    def _fail(self, exc: Exception) -> None:
        if self.writable:
            self.writable = False
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            self.notices.append(clean(f"Cannot save marks to {self.path}: {reason}. Marks are kept in memory only, for now."))
