"""Tags in the mark store: a kind of mark of its own, with a snapshot of the paper like a star."""

from __future__ import annotations

import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st
from test_store import FULL, open_store, paper, state  # noqa: F401, F811 (fixtures)

from reader.core.model import LATER
from reader.core.store import MarkStore, fileformat


def test_tags_round_trip_with_their_snapshot(open_store, state):
    store = open_store()
    assert store.add_tag(FULL, "group meeting", "2026-01-16") is True
    assert store.add_tag(FULL, LATER) is True
    assert store.add_tag(FULL, "  later ") is False  # the same tag, whatever its case and spaces
    store.add_tag(paper("2601.00002"), "cite in chapter 3")
    store.close()
    table = tomllib.loads(state.read_text())["tagged"]
    assert table["2601.10802"]["tags"] == ["group meeting", "Later"]
    assert table["2601.10802"]["digest"] == "2026-01-16" and "saved_at" in table["2601.10802"]
    again = open_store()
    assert again.tags_of(FULL.id) == ("group meeting", "Later")
    (entry,) = again.tagged("LATER")
    assert entry.paper == FULL  # the whole snapshot: the tag view needs no digest
    assert again.tag_names() == ["cite in chapter 3", "group meeting", "Later"]
    assert again.stars() == [] and not again.is_starred(FULL.id)


def test_a_tag_is_spelled_one_way_across_papers(open_store):
    store = open_store()
    store.add_tag(paper("2601.00001"), "Later")
    store.add_tag(paper("2601.00002"), "LATER")
    assert store.tags_of("2601.00002") == ("Later",)
    assert store.tag_names() == ["Later"]
    assert [entry.paper.id for entry in store.tagged("later")] == ["2601.00001", "2601.00002"]


def test_the_last_tag_taken_off_drops_the_snapshot(open_store, state):
    store = open_store()
    store.add_tag(FULL, "a")
    store.add_tag(FULL, "b")
    assert store.remove_tag(FULL.id, "A") is True
    assert store.remove_tag(FULL.id, "a") is False
    assert store.tags_of(FULL.id) == ("b",)
    store.remove_tag(FULL.id, "b")
    store.flush()
    assert store.tagged() == []
    assert not state.exists() or "tagged" not in tomllib.loads(state.read_text())


def test_two_instances_merge_per_paper_and_tag(open_store):
    one, two = open_store(), open_store()
    one.add_tag(FULL, "a")
    one.add_tag(FULL, "b")
    one.flush()
    two.refresh()
    one.remove_tag(FULL.id, "a")
    two.add_tag(FULL, "c")
    two.remove_tag(FULL.id, "b")
    one.flush()
    two.flush()
    one.refresh()
    assert one.tags_of(FULL.id) == two.tags_of(FULL.id) == ("c",)


def test_a_tag_added_while_another_instance_took_the_last_one_off_keeps_a_snapshot(open_store):
    one, two = open_store(), open_store()
    one.add_tag(FULL, "a")
    one.flush()
    two.refresh()
    one.remove_tag(FULL.id, "a")
    one.flush()
    two.add_tag(FULL, "b")  # two still shows the paper tagged: its op must carry the snapshot
    two.flush()
    one.refresh()
    (entry,) = one.tagged()
    assert entry.tags == ("b",) and entry.paper == FULL


def test_a_version_without_tags_keeps_them(open_store, state, monkeypatch):
    store = open_store()
    store.add_tag(FULL, "Later")
    store.close()
    tagged = tomllib.loads(state.read_text())["tagged"]
    with monkeypatch.context() as older:  # an older reader: [tagged] is a table it does not know
        older.setattr(fileformat, "_parse_tagged", lambda table, state, problems: state.raw.__setitem__("tagged", table))
        old = MarkStore.open(state, save_delay=None)
        assert old.tagged() == []
        old.set_read("2601.00001")
        old.star(paper("2601.00002"))
        old.close()
    assert tomllib.loads(state.read_text())["tagged"] == tagged
    assert open_store().tags_of(FULL.id) == ("Later",)


def test_malformed_tag_tables_are_kept_with_a_notice(open_store, state):
    state.parent.mkdir(parents=True)
    state.write_text(
        "version = 1\n\n[tagged]\nloose = 3\n\n[tagged.\"2601.00001\"]\ntitle = 'No tags'\nsaved_at = 'x'\n\n"
        "[tagged.\"2601.00002\"]\ntags = ['ok']\ntitle = 'Fine'\nsaved_at = 'x'\nrating = 4\n"
    )
    store = open_store()
    assert [entry.paper.id for entry in store.tagged()] == ["2601.00002"]
    notices = " ".join(store.notices)
    assert "tagged.loose is not a table" in notices and 'tagged."2601.00001" needs a title, saved_at and tags' in notices
    store.add_tag(paper("2601.00003"), "new")
    store.flush()
    table = tomllib.loads(state.read_text())["tagged"]
    assert table["loose"] == 3 and table["2601.00001"] == {"title": "No tags", "saved_at": "x"}
    assert table["2601.00002"]["rating"] == 4 and table["2601.00003"]["tags"] == ["new"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12).filter(str.strip), min_size=1, max_size=5))
def test_any_tag_names_round_trip(names):
    store = MarkStore.open(None)
    for name in names:
        store.add_tag(FULL, name)
    loaded = fileformat.parse(fileformat.dump(store._view)).state
    assert loaded.tagged == store._view.tagged
