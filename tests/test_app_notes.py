"""Pilot tests for notes: the note key (a), the editor, the detail pane, and search."""

from __future__ import annotations

from app_support import make_app, screen_text
from test_app_search import type_query
from textual.widgets import TextArea

from reader.tui.screens.note import NoteScreen


def detail_text(app) -> list[str]:
    return [line.plain for line in app.main.detail.lines]


async def test_a_opens_the_editor_and_ctrl_s_saves_a_note_shown_first_in_the_detail_pane(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        paper = app.main.paper_list.current
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        footer = screen_text(app)
        assert "Save" in footer and "Cancel" in footer
        await pilot.press(*"for ch. 3", "enter", *"read sec 4", "ctrl+s")
        assert not isinstance(app.screen, NoteScreen)
        assert app.store.note_of(paper.id) == "for ch. 3\nread sec 4"
        lines = detail_text(app)
        assert lines[:3] == ["Note  a edits", "for ch. 3", "read sec 4"]
        assert paper.title.split()[0] in lines[4]
        assert "Note added" in screen_text(app)


async def test_the_editor_opens_on_the_note_and_an_empty_note_removes_it(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        paper = app.main.paper_list.current
        app.store.set_note(paper, "old words")
        await pilot.press("a")
        editor = app.screen.query_one(TextArea)
        assert editor.text == "old words" and editor.has_focus
        editor.clear()
        await pilot.press("ctrl+s")
        assert app.store.note_of(paper.id) is None
        assert not detail_text(app)[0].startswith("Note")


async def test_escape_cancels_the_editor_without_a_change(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a", *"draft", "escape")
        assert not isinstance(app.screen, NoteScreen)
        assert app.store.noted() == []


async def test_search_finds_note_words_and_has_note(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j")
        paper = app.main.paper_list.current
        await pilot.press("a", *"zanzibar", "ctrl+s")
        for query, expected in (("zanzibar", True), ("has:note", True), ("-has:note", False)):
            await type_query(pilot, query)
            ids = [p.id for p in app.main.paper_list.papers]
            assert ids == [paper.id] if expected else ids and paper.id not in ids, query
            await pilot.press("escape")


async def test_notes_survive_a_restart(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a", *"kept", "ctrl+s")
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 36)):
        assert detail_text(again)[:2] == ["Note  a edits", "kept"]


async def test_a_row_marks_a_tagged_and_noted_paper_after_its_title(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        title = app.main.paper_list.current.title
        await pilot.press("a", *"x", "ctrl+s")
        assert f"{title} ✎" in screen_text(app)
        await pilot.press("L")
        assert f"{title} #✎" in screen_text(app)


async def test_a_note_saved_over_one_another_window_changed_meanwhile_keeps_both_and_says_so(tmp_path):
    from reader.core.store import MarkStore
    from reader.core.store.notes import CONFLICT_MARK

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        paper = app.main.paper_list.current
        await pilot.press("a", *"mine")  # the editor opens on no note
        other = MarkStore.open(tmp_path / "state.toml", save_delay=None)
        try:
            other.set_note(paper, "the other window's words")
            other.flush()
        finally:
            other.close()
        for _ in range(100):  # what the app's timer does every two seconds, until the view has theirs: a
            app._pick_up_other_instances()  # tick while this app's own saver holds the file's lock reads nothing
            if app.store.note_of(paper.id) is not None:
                break
            await pilot.pause(0.05)
        assert app.store.note_of(paper.id) == "the other window's words"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.note_of(paper.id) == "mine" + CONFLICT_MARK + "the other window's words"
        assert "another window's change kept in it" in screen_text(app)
        app._pick_up_other_instances()  # the store's notice, as a toast at the timer's next tick
        for _ in range(20):  # a bounded number of frames for the toast to arrive
            if any("changed in another window too" in str(note.message) for note in app._notifications):
                break
            await pilot.pause(0.05)
        else:
            raise AssertionError(f"no toast: {app.store.notices}")
        assert detail_text(app)[1:3] == ["mine", ""]
