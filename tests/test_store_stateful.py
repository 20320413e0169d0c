"""Two stores on one file, driven by random ops, saves and refreshes, against an exact model.

The invariant (what "never lose each other's marks" means precisely):

* the file always holds the empty state with every save's batch of ops applied in the order
  the saves happened, where a batch is the instance's last op per id (and per setting)
  since its previous save, so per id the op saved last wins;
* each instance shows the file as it was at its last save (one with ops to save; an empty
  flush does not read the file) or refresh, with its own unsaved ops on top;
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

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from reader.core.model import Paper, Star
from reader.core.store import MarkStore

IDS = ("2601.00001", "2601.10802", "2512.00003", "1412.1234", "hep-th/9901001")
SETTINGS = ("detail_view", "wrap")
VALUES = st.sampled_from(["summary", "abstract", True, False])
TAGS = st.sampled_from(["Later", "later", "ML", "group meeting"])


@dataclass
class Model:
    """A state as plain sets and dicts; also used for an instance's unsaved ops (None = unstar)."""

    read: dict[str, bool] = field(default_factory=dict)
    stars: dict[str, Star | None] = field(default_factory=dict)
    settings: dict[str, str | bool] = field(default_factory=dict)
    tags: dict[tuple[str, str], bool] = field(default_factory=dict)
    """Per (paper id, tag key): tagged or not (False takes the tag off)."""

    def then(self, ops: Model) -> Model:
        """This state with ``ops`` applied (read False and star None remove the mark)."""
        read = {key: True for key, value in {**self.read, **ops.read}.items() if value}
        stars = {key: value for key, value in {**self.stars, **ops.stars}.items() if value is not None}
        tags = {key: True for key, value in {**self.tags, **ops.tags}.items() if value}
        return Model(read, stars, {**self.settings, **ops.settings}, tags)

    def tags_of(self, paper_id: str) -> set[str]:
        return {key for (tagged, key) in self.tags if tagged == paper_id}


class TwoInstances(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="store-stateful-"))
        self.path = self.folder / "state.toml"
        self.stores = [MarkStore.open(self.path, save_delay=None) for _ in range(2)]
        self.disk = Model()
        self.seen = [Model(), Model()]
        self.pending = [Model(), Model()]
        self.changed = [False, False]

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
        had = name.casefold() in self.view(which).tags_of(paper_id)
        assert self.stores[which].add_tag(Paper(id=paper_id, title="T"), name) is not had
        self.pending[which].tags[paper_id, name.casefold()] = True

    @rule(which=st.integers(0, 1), paper_id=st.sampled_from(IDS), name=TAGS)
    def remove_tag(self, which, paper_id, name):
        had = name.casefold() in self.view(which).tags_of(paper_id)
        assert self.stores[which].remove_tag(paper_id, name) is had
        self.pending[which].tags[paper_id, name.casefold()] = False

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
        self.disk = self.disk.then(self.pending[which])
        self.seen[which], self.pending[which] = self.disk, Model()
        self.changed[which] |= self.view(which) != before
        self.check_file()

    @rule(which=st.integers(0, 1))
    def refresh(self, which):
        before = self.view(which)
        self.seen[which] = self.disk
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
                assert {tag.casefold() for tag in store.tags_of(paper_id)} == shown.tags_of(paper_id), (which, paper_id)
            assert {key: store.get_setting(key) for key in SETTINGS if key in shown.settings} == shown.settings
            assert store.notices == [] and store.writable

    def check_file(self) -> None:
        fresh = MarkStore.open(self.path, save_delay=None)
        try:
            assert fresh.read_ids == frozenset(self.disk.read)
            assert {star.paper.id: star for star in fresh.stars()} == self.disk.stars
            for paper_id in IDS:
                assert {tag.casefold() for tag in fresh.tags_of(paper_id)} == self.disk.tags_of(paper_id)
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


TwoInstances.TestCase.settings = settings(max_examples=50, stateful_step_count=40, deadline=None)
TestTwoInstances = TwoInstances.TestCase
