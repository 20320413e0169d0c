"""Notes in the mark store: one text per paper with a snapshot, merged so no edit is lost."""

from __future__ import annotations

import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st
from test_store import FULL, open_store, paper, state  # noqa: F401, F811 (fixtures)

from reader.core.store import MarkStore, fileformat
from reader.core.store.notes import CONFLICT_MARK, NoteEdit, merged, note_text


def test_notes_round_trip_with_their_snapshot(open_store, state):
    store = open_store()
    assert store.set_note(FULL, "Why it matters:\n\n  the sparse pattern, for chapter 3.  \n", "2026-01-16") is True
    assert store.set_note(FULL, "Why it matters:\n\n  the sparse pattern, for chapter 3.") is False
    store.close()
    table = tomllib.loads(state.read_text())["noted"]["2601.10802"]
    assert table["note"] == "Why it matters:\n\n  the sparse pattern, for chapter 3."
    assert table["digest"] == "2026-01-16" and table["title"] == FULL.title and "saved_at" in table
    assert "note = '''\n" in state.read_text()  # multi-line text stays readable in the file
    again = open_store()
    (entry,) = again.noted()
    assert entry.paper == FULL and entry.text == table["note"]
    assert again.note_of(FULL.id) == table["note"] and again.notes() == {FULL.id: table["note"]}
    assert again.stars() == [] and again.tagged() == []


def test_an_empty_note_removes_it_and_its_snapshot(open_store, state):
    store = open_store()
    store.set_note(FULL, "x")
    assert store.set_note(FULL, " \n\t\n") is True
    assert store.note_of(FULL.id) is None and store.noted() == []
    store.flush()
    assert not state.exists() or "noted" not in tomllib.loads(state.read_text())


def test_note_text_drops_control_characters_and_trailing_blanks():
    assert note_text("a\x1b[31m red \r\nb\t \n\n") == "a␛[31m red\nb"
    assert note_text("  \n ") is None
    assert note_text("\n  - an indented list\n  - kept as typed\n") == "  - an indented list\n  - kept as typed"


def test_two_instances_editing_one_note_keep_both_and_say_so(open_store):
    one, two = open_store(), open_store()
    one.set_note(FULL, "first")
    one.flush()
    two.refresh()
    one.set_note(FULL, "one's version")
    two.set_note(FULL, "two's version")
    one.flush()
    two.flush()
    assert two.note_of(FULL.id) == "two's version" + CONFLICT_MARK + "one's version"
    assert any("changed in another window too" in notice for notice in two.notices)
    assert one.notices == []
    one.refresh()
    assert one.note_of(FULL.id) == two.note_of(FULL.id)
    two.set_note(FULL, "settled")  # the merged note edited again: no second conflict
    two.flush()
    one.refresh()
    assert one.note_of(FULL.id) == "settled" and len(two.notices) == 1


def test_a_conflict_seen_at_refresh_is_merged_once(open_store):
    one, two = open_store(), open_store()
    one.set_note(FULL, "mine")
    two.set_note(FULL, "theirs")
    two.flush()
    one.refresh()  # shown merged at once, and told
    shown = one.note_of(FULL.id)
    assert shown == "mine" + CONFLICT_MARK + "theirs" and len(one.notices) == 1
    one.set_note(FULL, shown + "\nmore")
    one.flush()
    two.refresh()
    assert two.note_of(FULL.id) == shown + "\nmore" and len(one.notices) == 1


def test_edits_of_different_notes_merge_and_a_cleared_note_keeps_the_other_edit(open_store):
    one, two = open_store(), open_store()
    one.set_note(FULL, "kept")
    one.flush()
    two.refresh()
    one.set_note(FULL, "")
    two.set_note(FULL, "edited")
    two.set_note(paper("2601.00002"), "another paper")
    two.flush()
    one.flush()
    one.refresh()
    assert one.notes() == {FULL.id: "edited", "2601.00002": "another paper"}


def test_unsaved_edits_of_one_note_are_one_edit_over_the_saved_note(open_store):
    one, two = open_store(), open_store()
    one.set_note(FULL, "a")
    one.set_note(FULL, "ab")
    one.set_note(FULL, "abc")
    one.flush()
    two.refresh()
    assert two.note_of(FULL.id) == "abc" and one.notices == []


def test_merged_covers_each_case():
    edit = NoteEdit("new", "old", None)  # type: ignore[arg-type]
    assert merged(edit, None) == ("new", False)
    assert merged(edit, "old") == ("new", False)
    assert merged(edit, "new") == ("new", False)
    assert merged(edit, "other") == ("new" + CONFLICT_MARK + "other", True)
    assert merged(NoteEdit(None, "old", None), "other") == ("other", True)  # type: ignore[arg-type]


def test_a_version_without_notes_keeps_them(open_store, state, monkeypatch):
    store = open_store()
    store.set_note(FULL, "keep me")
    store.close()
    noted = tomllib.loads(state.read_text())["noted"]
    with monkeypatch.context() as older:  # an older reader: [noted] is a table it does not know
        older.setattr(fileformat, "_parse_noted", lambda table, state, problems: state.raw.__setitem__("noted", table))
        old = MarkStore.open(state, save_delay=None)
        assert old.noted() == []
        old.set_read("2601.00001")
        old.close()
    assert tomllib.loads(state.read_text())["noted"] == noted
    assert open_store().note_of(FULL.id) == "keep me"


def test_malformed_note_tables_are_kept_with_a_notice(open_store, state):
    state.parent.mkdir(parents=True)
    state.write_text(
        "version = 1\n\n[noted]\nloose = 3\n\n[noted.\"2601.00001\"]\nnote = 7\ntitle = 'Bad'\nsaved_at = 'x'\n\n"
        "[noted.\"2601.00002\"]\nnote = 'fine'\ntitle = 'Fine'\nsaved_at = 'x'\nstars = 5\n"
    )
    store = open_store()
    assert store.notes() == {"2601.00002": "fine"}
    notices = " ".join(store.notices)
    assert "noted.loose is not a table" in notices and 'noted."2601.00001" needs a title, saved_at and note' in notices
    store.set_note(paper("2601.00002"), "changed")
    store.flush()
    table = tomllib.loads(state.read_text())["noted"]
    assert table["loose"] == 3 and table["2601.00001"]["note"] == 7
    assert table["2601.00002"] == {"note": "changed", "title": "Fine", "saved_at": "x", "stars": 5}


def test_unsaved_notes_are_rescued(open_store, state, monkeypatch):
    store = open_store()
    store.set_note(FULL, "precious")
    monkeypatch.setattr(store, "_save", lambda: False)
    assert store.rescue() is not None
    assert tomllib.loads(store.rescued.read_text())["noted"]["2601.10802"]["note"] == "precious"


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=60))
def test_any_note_round_trips(text):
    store = MarkStore.open(None)
    store.set_note(FULL, text)
    loaded = fileformat.parse(fileformat.dump(store._view)).state
    assert loaded.noted == store._view.noted


def test_an_edit_over_an_older_note_than_shown_keeps_the_newer_one_too(open_store):
    one, two = open_store(), open_store()
    one.set_note(FULL, "start")
    one.flush()
    two.refresh()
    opened = two.note_of(FULL.id)  # an editor opens on "start"
    one.set_note(FULL, "theirs")
    one.flush()
    two.refresh()  # while it is open, the other window's edit comes in
    two.set_note(FULL, "mine", over=opened)
    assert two.note_of(FULL.id) == "mine" + CONFLICT_MARK + "theirs"
    assert len(two.notices) == 1
    two.flush()
    one.refresh()
    assert one.note_of(FULL.id) == two.note_of(FULL.id) and len(two.notices) == 1
