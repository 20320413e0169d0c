"""The marks themselves, in memory: what a state holds, this instance's pending ops, and the merge.

Pure: nothing here touches a file. A state also carries, raw as the file had them, the parts of
the file this version does not understand (tables and keys a newer digest-reader wrote, entries
too malformed to read), so that writing the state back keeps them. An op on an entry replaces its
raw value: the user's latest intent wins over what could not be read.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from reader.core.model import Noted, Paper, Star, Tagged, tag_key
from reader.core.sanitize import clean
from reader.core.store.notes import NoteEdit, apply_note, later_edit, note_text

COMPACT_ID = re.compile(r"([0-9]{4})\.([0-9]{4,5})")
"""A new-style arXiv id, ``yymm.number``: stored as a number in its month."""
OTHER = "other"
"""The key of ``[read]`` that lists ids of any other shape."""

Raw = dict[str, object]
"""Parsed TOML this version keeps without understanding it, by key."""


class ReadSet:
    """Read ids stored the way the file groups them: month -> numbers, plus ids of other shapes."""

    __slots__ = ("months", "other", "raw")

    def __init__(
        self, months: dict[str, set[str]] | None = None, other: set[str] | None = None, raw: Raw | None = None
    ) -> None:
        self.months = months or {}
        self.other = other or set()
        self.raw = raw or {}
        """Entries of ``[read]`` that could not be read (fully), written back as they were."""

    def __contains__(self, paper_id: str) -> bool:
        match = COMPACT_ID.fullmatch(paper_id)
        if match:
            return match[2] in self.months.get(match[1], ())
        return paper_id in self.other

    def __iter__(self) -> Iterator[str]:
        for month, numbers in self.months.items():
            yield from map(f"{month}.".__add__, numbers)
        yield from self.other

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ReadSet)
            and self.months == other.months
            and self.other == other.other
            and self.raw == other.raw
        )

    def add(self, paper_id: str) -> None:
        match = COMPACT_ID.fullmatch(paper_id)
        if match:
            self.months.setdefault(match[1], set()).add(match[2])
            self.raw.pop(match[1], None)
        else:
            self.other.add(paper_id)
            self.raw.pop(OTHER, None)

    def discard(self, paper_id: str) -> None:
        match = COMPACT_ID.fullmatch(paper_id)
        if not match:
            self.other.discard(paper_id)
            self.raw.pop(OTHER, None)
            return
        self.raw.pop(match[1], None)
        if numbers := self.months.get(match[1]):
            numbers.discard(match[2])
            if not numbers:  # no empty months, so equal sets compare equal
                del self.months[match[1]]

    def copy(self) -> ReadSet:
        return ReadSet({month: set(numbers) for month, numbers in self.months.items()}, set(self.other), dict(self.raw))


@dataclass
class State:
    """What a state file holds."""

    read: ReadSet = field(default_factory=ReadSet)
    stars: dict[str, Star] = field(default_factory=dict)
    settings: dict[str, str | bool] = field(default_factory=dict)
    raw: Raw = field(default_factory=dict)
    """Top-level tables and keys not understood (``[notes]`` of a newer version)."""
    raw_stars: Raw = field(default_factory=dict)
    """Per star id: the keys of its table not understood (a table when the star itself was read),
    or the whole value when the star could not be read."""
    raw_settings: Raw = field(default_factory=dict)
    """Settings whose values are neither strings nor booleans."""
    tagged: dict[str, Tagged] = field(default_factory=dict)
    """Tagged papers by id (``[tagged]``); never one without tags."""
    raw_tagged: Raw = field(default_factory=dict)
    """Per tagged id: the keys of its table not understood, or the whole value when unreadable."""
    noted: dict[str, Noted] = field(default_factory=dict)
    """Papers with a note by id (``[noted]``); never one with an empty note."""
    raw_noted: Raw = field(default_factory=dict)
    """Per noted id: the keys of its table not understood, or the whole value when unreadable."""

    def copy(self) -> State:
        return State(
            self.read.copy(),
            dict(self.stars),
            dict(self.settings),
            dict(self.raw),
            dict(self.raw_stars),
            dict(self.raw_settings),
            dict(self.tagged),
            dict(self.raw_tagged),
            dict(self.noted),
            dict(self.raw_noted),
        )


@dataclass
class Ops:
    """This instance's intents since its last save: the last op per id (or setting) wins."""

    read: dict[str, bool] = field(default_factory=dict)
    stars: dict[str, Star | None] = field(default_factory=dict)
    """A star to put, or None to remove it."""
    settings: dict[str, str | bool] = field(default_factory=dict)
    tags: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """Per (paper id, :func:`tag_key`): the tag's name to put on, or None to take it off."""
    snapshots: dict[str, Tagged] = field(default_factory=dict)
    """The paper's snapshot for a tag put on a paper that has none in the state yet."""
    notes: dict[str, NoteEdit] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.read or self.stars or self.settings or self.tags or self.notes)

    def apply(self, state: State) -> list[str]:
        """Put these ops on top of ``state``; the raw parts of the file no op touches stay.

        Note edits become edits over the notes of ``state`` (the merged note where another instance
        changed it too, see :mod:`.notes`); returns the ids of those conflicts, each reported once."""
        for paper_id, read in self.read.items():
            (state.read.add if read else state.read.discard)(paper_id)
        for paper_id, star in self.stars.items():
            if star is None:
                state.stars.pop(paper_id, None)
                state.raw_stars.pop(paper_id, None)
            else:
                state.stars[paper_id] = star
                if not isinstance(state.raw_stars.get(paper_id, {}), dict):
                    del state.raw_stars[paper_id]  # a star table replaces a value that was none
        state.settings.update(self.settings)
        for key in self.settings:
            state.raw_settings.pop(key, None)
        for (paper_id, key), name in self.tags.items():
            _apply_tag(state, paper_id, key, name, self.snapshots.get(paper_id))
        conflicts = []
        for paper_id, edit in list(self.notes.items()):
            self.notes[paper_id], conflict = apply_note(state, paper_id, edit)
            if conflict:
                conflicts.append(paper_id)
        return conflicts

    def update(self, later: Ops) -> None:
        self.read.update(later.read)
        self.stars.update(later.stars)
        self.settings.update(later.settings)
        self.tags.update(later.tags)
        self.snapshots.update(later.snapshots)
        for paper_id, edit in later.notes.items():
            self.notes[paper_id] = later_edit(self.notes.get(paper_id), edit)


def _apply_tag(state: State, paper_id: str, key: str, name: str | None, snapshot: Tagged | None) -> None:
    """Put tag ``name`` on a paper (as spelt last: a remove and an add of another spelling since
    the last save must save what this instance shows), or take ``key`` off."""
    entry = state.tagged.get(paper_id)
    if name is None:
        if entry is None or not entry.has(key):
            return
        tags = tuple(tag for tag in entry.tags if tag_key(tag) != key)
        if tags:
            state.tagged[paper_id] = entry._replace(tags=tags)
        else:  # no tags left: the snapshot goes too
            del state.tagged[paper_id]
            state.raw_tagged.pop(paper_id, None)
        return
    if entry is None:
        if snapshot is None:
            return
        entry = snapshot._replace(tags=())
        if not isinstance(state.raw_tagged.get(paper_id, {}), dict):
            del state.raw_tagged[paper_id]  # a table replaces a value that was none
    if name not in entry.tags:  # new, or spelt anew: the latest spelling, as the instance that wrote it shows it
        kept = tuple(tag for tag in entry.tags if tag_key(tag) != key)
        state.tagged[paper_id] = entry._replace(tags=sort_tags((*kept, name)))


def sort_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags in file and display order: by key, then name."""
    return tuple(sorted(tags, key=lambda tag: (tag_key(tag), tag)))


SHOWN = object()
"""``set_note``'s default: the text was written over the note shown now."""


class Marks:
    """The queries and changes on marks in memory; thread-safe. Every change is :meth:`_record` ed."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # reentrant: toggles call star/unstar, a signal handler may flush
        self._view = State()
        self.generation = 0
        """How many times what the store shows changed (here, or taken from the file): what is
        computed from the marks (a saved search's papers) is kept while it stays the same."""
        self.notes_generation = 0
        """How many times the notes changed, likewise (a search's free words look in them too)."""

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

    def kept_ids(self) -> frozenset[str]:
        """The ids of the starred and the tagged papers, which no mute rule hides."""
        with self._lock:
            return frozenset(self._view.stars).union(self._view.tagged)

    def tags_of(self, paper_id: str) -> tuple[str, ...]:
        """The paper's tags (empty when it has none)."""
        with self._lock:
            entry = self._view.tagged.get(paper_id)
        return entry.tags if entry else ()

    def has_tag(self, paper_id: str, name: str) -> bool:
        with self._lock:
            entry = self._view.tagged.get(paper_id)
        return entry is not None and entry.has(name)

    def tagged(self, name: str | None = None) -> list[Tagged]:
        """Tagged papers (with tag ``name`` only, when given), oldest first."""
        with self._lock:
            entries = list(self._view.tagged.values())
        if name is not None:
            entries = [entry for entry in entries if entry.has(name)]
        return sorted(entries, key=lambda entry: (entry.saved_at, entry.paper.id))

    def tag_names(self) -> list[str]:
        """Every tag in use, once per key (the first name in sort order), sorted."""
        with self._lock:
            entries = list(self._view.tagged.values())
        names: dict[str, str] = {}
        for entry in entries:
            for tag in entry.tags:
                key = tag_key(tag)
                if key not in names or tag < names[key]:
                    names[key] = tag
        return list(sort_tags(names.values()))

    def note_of(self, paper_id: str) -> str | None:
        with self._lock:
            entry = self._view.noted.get(paper_id)
        return entry.text if entry else None

    def noted(self) -> list[Noted]:
        """Papers with a note, oldest first."""
        with self._lock:
            entries = list(self._view.noted.values())
        return sorted(entries, key=lambda entry: (entry.saved_at, entry.paper.id))

    def notes(self) -> dict[str, str]:
        """Every note by paper id (a new dict)."""
        with self._lock:
            return {paper_id: entry.text for paper_id, entry in self._view.noted.items()}

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
            star = self._view.stars.get(paper.id) or Star(paper, utc_now(), digest)
            self._record(Ops(stars={paper.id: star}))
            return star

    def unstar(self, paper_id: str) -> bool:
        """Remove a star; True if there was one."""
        with self._lock:
            starred = paper_id in self._view.stars
            self._record(Ops(stars={paper_id: None}))
            return starred

    def restore_star(self, star: Star) -> None:
        """Put back a star that was removed, as it was (its snapshot and its time): the undo of an unstar."""
        with self._lock:
            self._record(Ops(stars={star.paper.id: star}))

    def toggle_star(self, paper: Paper, digest: str | None = None) -> bool:
        """Star or unstar; returns whether the paper is starred now."""
        with self._lock:
            if paper.id in self._view.stars:
                self.unstar(paper.id)
                return False
            self.star(paper, digest)
            return True

    def add_tag(self, paper: Paper, name: str, digest: str | None = None) -> bool:
        """Put a tag on a paper (a snapshot of it is kept); True if it did not have it."""
        name = " ".join(clean(name).split())  # typed or pasted: no control characters
        if not name:
            raise ValueError("a tag needs a name")
        key = tag_key(name)
        with self._lock:
            name = next((tag for tag in self.tag_names() if tag_key(tag) == key), name)  # one spelling per tag
            had = self.has_tag(paper.id, name)
            # Always with a snapshot: another instance may have taken this paper's last tag off meanwhile.
            snapshot = self._view.tagged.get(paper.id) or Tagged(paper, (), utc_now(), digest)
            self._record(Ops(tags={(paper.id, key): name}, snapshots={paper.id: snapshot}))
            return not had

    def remove_tag(self, paper_id: str, name: str) -> bool:
        """Take a tag off a paper; True if it had it."""
        with self._lock:
            had = self.has_tag(paper_id, name)
            self._record(Ops(tags={(paper_id, tag_key(name)): None}))
            return had

    def set_note(self, paper: Paper, text: str, digest: str | None = None, *, over: object = SHOWN) -> bool:
        """Write the paper's note (a snapshot of it is kept); empty text removes it. True if it changed.

        ``over`` is the note the text was written over (what an editor opened with; None: no
        note), when it may differ from the note shown now: another instance's edit that came
        in meanwhile is then kept beside this one, not overwritten."""
        new = note_text(text)
        with self._lock:
            entry = self._view.noted.get(paper.id)
            old = entry.text if entry else None
            snapshot = entry or Noted(paper, "", utc_now(), digest)
            self._record(Ops(notes={paper.id: NoteEdit(new, old if over is SHOWN else over, snapshot)}))  # type: ignore[arg-type]
            return new != old

    def set_setting(self, key: str, value: str | bool) -> None:
        """Remember a UI choice across runs (``detail_view = "abstract"``)."""
        if not isinstance(key, str) or not key or not isinstance(value, (str, bool)):
            raise TypeError(f"settings are non-empty names with str or bool values, not {key!r} = {value!r}")
        with self._lock:
            self._record(Ops(settings={key: value}))

    def _set_read(self, paper_ids: Iterable[str], read: bool) -> list[str]:
        ids = list(dict.fromkeys(paper_ids))
        with self._lock:
            changed = [paper_id for paper_id in ids if (paper_id in self._view.read) != read]
            self._record(Ops(read=dict.fromkeys(ids, read)))
            return changed

    def _record(self, ops: Ops) -> list[str]:
        """Show the ops now (``_lock`` held); even an op that changes nothing here is recorded, as the
        user's latest intent for that id. Returns the papers whose note met another edit (see
        :meth:`Ops.apply`)."""
        self.generation += 1
        if ops.notes:
            self.notes_generation += 1
        return ops.apply(self._view)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
