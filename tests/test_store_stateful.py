"""Two stores on one file, driven by random ops, saves and refreshes, against an exact model.

The invariant (what "never lose each other's marks" means precisely):

* the file always holds the empty state with every save's batch of ops applied in the order
  the saves happened, where a batch is the instance's last op per id (and per setting)
  since its previous save, so per id the op saved last wins;
* each instance shows the file as it was at its last save (one with ops to save; an empty
  flush does not read the file) or refresh, with its own unsaved ops on top;
* a note is merged, not overwritten: an edit carries the note it was written over, and on a
  note another instance changed meanwhile both texts are kept around CONFLICT_MARK (a cleared
  note keeps the other edit); the edit then counts as one over the merged note, and each such
  conflict is told once in a notice;
* ``refresh()`` returns True exactly when what the instance shows changed because of a save
  of the other instance since the previous ``refresh()`` (merged by this refresh or by one of
  its own saves in between).

Saves happen only on ``flush()`` here (no background saver), so the order is known.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from unittest.mock import patch

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from reader.core.model import Paper, Star
from reader.core.store import MarkStore
from reader.core.store.notes import CONFLICT_MARK

IDS = ("2601.00001", "2601.10802", "2512.00003", "1412.1234", "hep-th/9901001")
SETTINGS = ("detail_view", "wrap")
VALUES = st.sampled_from(["summary", "abstract", True, False])
TAGS = st.sampled_from(["Later", "later", "ML", "group meeting"])
NOTES = st.sampled_from(["", "a", "b", "a\nb"])


@dataclass
class Model:
    """A state as plain sets and dicts; also used for an instance's unsaved ops (None = unstar)."""

    read: dict[str, bool] = field(default_factory=dict)
    stars: dict[str, Star | None] = field(default_factory=dict)
    settings: dict[str, str | bool] = field(default_factory=dict)
    tags: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """Per (paper id, tag key): the tag's name (in ops, None takes the tag off)."""
    notes: dict[str, object] = field(default_factory=dict)
    """A state's notes by paper id; in ops, (text or None to clear, the note it was written over)."""

    def then(self, ops: Model) -> Model:
        """This state with ``ops`` applied (read False and star None remove the mark)."""
        read = {key: True for key, value in {**self.read, **ops.read}.items() if value}
        stars = {key: value for key, value in {**self.stars, **ops.stars}.items() if value is not None}
        tags = dict(self.tags)
        for key, name in ops.tags.items():
            if name is None:
                tags.pop(key, None)
            else:
                tags[key] = name  # the latest spelling of a tag on a paper
        notes = dict(self.notes)
        for paper_id, (text, base) in ops.notes.items():
            current = notes.pop(paper_id, None)
            if current in (None, base, text):
                current = text
            elif text is not None:
                current = text + CONFLICT_MARK + current
            if current is not None:
                notes[paper_id] = current
        return Model(read, stars, {**self.settings, **ops.settings}, tags, notes)

    def conflicts(self, ops: Model) -> list[str]:
        """The papers whose note ``ops`` edit over another text than this state's."""
        return [paper_id for paper_id, edit in ops.notes.items() if self.notes.get(paper_id) not in (None, *edit)]

    def rebase(self, ops: Model) -> int:
        """Make the note edits of ``ops`` edits over this state's notes (the merged note where they
        conflict); how many conflicts there were."""
        conflicts = self.conflicts(ops)
        merged = self.then(ops)
        for paper_id in ops.notes:
            ops.notes[paper_id] = (merged.notes.get(paper_id), self.notes.get(paper_id))
        return len(conflicts)

    def tags_of(self, paper_id: str) -> set[str]:
        return {name for (tagged, _), name in self.tags.items() if tagged == paper_id}

    def spelling(self, name: str) -> str:
        """How a tag is written when put on: as the papers already have it (the first in sort order)."""
        return min((tag for (_, key), tag in self.tags.items() if key == name.casefold()), default=name)


class TwoInstances(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # One time for every snapshot: a tag or note put on a paper in both instances shows the
        # snapshot saved first after a refresh, which must not differ by the second it was taken.
        self.clock = patch("reader.core.store.marks.utc_now", return_value="2026-01-16T09:00:00Z")
        self.clock.start()
        self.folder = Path(tempfile.mkdtemp(prefix="store-stateful-"))
        self.path = self.folder / "state.toml"
        self.stores = [MarkStore.open(self.path, save_delay=None) for _ in range(2)]
        self.disk = Model()
        self.seen = [Model(), Model()]
        self.pending = [Model(), Model()]
        self.changed = [False, False]
        self.told = [0, 0]
        """Note conflicts each instance must have told of."""

    def view(self, which: int) -> Model:
        return self.seen[which].then(self.pending[which])

    @rule(which=st.integers(0, 1), paper_id=st.sampled_from(IDS), read=st.booleans())
    def set_read(self, which, paper_id, read):
        expected = (paper_id in self.view(which).read) != read
        assert self.stores[which].set_read(paper_id, read) is expected
        self.pending[which].read[paper_id] = read

    @rule(which=st.integers(0, 1), paper_id=st.sampled_from(IDS))
    def toggle_read(self, which, paper_id):
        read = paper_id not in self.view(which).read
        assert self.stores[which].toggle_read(paper_id) is read
        self.pending[which].read[paper_id] = read

    @rule(which=st.integers(0, 1), paper_id=st.sampled_from(IDS), title=st.sampled_from(["A", "B"]))
    def star(self, which, paper_id, title):
        before = self.view(which).stars.get(paper_id)
        star = self.stores[which].star(Paper(id=paper_id, title=title), f"digest-{which}")
        if before is not None:
            assert star == before  # an existing star is kept
        self.pending[which].stars[paper_id] = star

    @rule(which=st.integers(0, 1), paper_id=st.sampled_from(IDS))
    def unstar(self, which, paper_id):
        assert self.stores[which].unstar(paper_id) is (paper_id in self.view(which).stars)
        self.pending[which].stars[paper_id] = None

    @rule(which=st.integers(0, 1), paper_id=st.sampled_from(IDS), name=TAGS)
    def add_tag(self, which, paper_id, name):
        view = self.view(which)
        had = (paper_id, name.casefold()) in view.tags
        assert self.stores[which].add_tag(Paper(id=paper_id, title="T"), name) is not had
        self.pending[which].tags[paper_id, name.casefold()] = view.spelling(name)

    @rule(which=st.integers(0, 1), paper_id=st.sampled_from(IDS), name=TAGS)
    def remove_tag(self, which, paper_id, name):
        had = (paper_id, name.casefold()) in self.view(which).tags
        assert self.stores[which].remove_tag(paper_id, name) is had
        self.pending[which].tags[paper_id, name.casefold()] = None

    @rule(which=st.integers(0, 1), paper_id=st.sampled_from(IDS[:2]), text=NOTES)  # two ids: conflicts are common
    def set_note(self, which, paper_id, text):
        old = self.view(which).notes.get(paper_id)
        new = text or None
        assert self.stores[which].set_note(Paper(id=paper_id, title="N"), text) is (new != old)
        base = self.pending[which].notes[paper_id][1] if paper_id in self.pending[which].notes else old
        self.pending[which].notes[paper_id] = (new, base)

    @rule(which=st.integers(0, 1), key=st.sampled_from(SETTINGS), value=VALUES)
    def set_setting(self, which, key, value):
        self.stores[which].set_setting(key, value)
        self.pending[which].settings[key] = value

    @rule(which=st.integers(0, 1))
    def save(self, which):
        before = self.view(which)
        assert self.stores[which].flush()
        if self.pending[which] == Model():
            return  # nothing to write: the file is not even read
        self.told[which] += len(self.disk.conflicts(self.pending[which]))
        self.disk = self.disk.then(self.pending[which])
        self.seen[which], self.pending[which] = self.disk, Model()
        self.changed[which] |= self.view(which) != before
        self.check_file()

    @rule(which=st.integers(0, 1))
    def refresh(self, which):
        before = self.view(which)
        self.seen[which] = self.disk
        self.told[which] += self.disk.rebase(self.pending[which])
        expected = self.changed[which] or self.view(which) != before
        assert self.stores[which].refresh() is expected
        self.changed[which] = False

    @rule()
    def a_fresh_load_equals_the_file(self):
        self.check_file()

    @invariant()
    def each_instance_shows_its_model(self):
        for which, store in enumerate(self.stores):
            shown = self.view(which)
            for paper_id in IDS:
                assert store.is_read(paper_id) is (paper_id in shown.read), (which, paper_id)
                assert store.star_for(paper_id) == shown.stars.get(paper_id), (which, paper_id)
                assert set(store.tags_of(paper_id)) == shown.tags_of(paper_id), (which, paper_id)
                assert store.note_of(paper_id) == shown.notes.get(paper_id), (which, paper_id)
            assert {key: store.get_setting(key) for key in SETTINGS if key in shown.settings} == shown.settings
            assert store.writable and len(store.notices) == self.told[which], store.notices
            assert all("changed in another window too" in notice for notice in store.notices)

    def check_file(self) -> None:
        fresh = MarkStore.open(self.path, save_delay=None)
        try:
            assert fresh.read_ids == frozenset(self.disk.read)
            assert {star.paper.id: star for star in fresh.stars()} == self.disk.stars
            for paper_id in IDS:
                assert set(fresh.tags_of(paper_id)) == self.disk.tags_of(paper_id)
            assert fresh.notes() == self.disk.notes
            assert {key: fresh.get_setting(key) for key in SETTINGS if key in self.disk.settings} == self.disk.settings
        finally:
            fresh.close()

    def teardown(self) -> None:
        try:
            for which in (0, 1):
                self.save(which)
        finally:
            for store in self.stores:
                store.close()
            shutil.rmtree(self.folder)
            self.clock.stop()


TwoInstances.TestCase.settings = settings(max_examples=50, stateful_step_count=40, deadline=None)
TestTwoInstances = TwoInstances.TestCase
