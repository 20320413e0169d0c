"""Pilot tests for tags: the tag line (T), Later (L), the Tags group and a tag view."""

from __future__ import annotations

from app_support import make_app, screen_text
from textual.widgets import Input

from reader.core.library import tag_scope
from reader.tui.screens.tags import TagScreen, suggestions


async def test_T_opens_the_tag_line_and_enter_puts_the_tag_on(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        paper = app.main.paper_list.current
        await pilot.press("T")
        assert isinstance(app.screen, TagScreen)
        await pilot.press(*"group meeting", "enter")
        assert not isinstance(app.screen, TagScreen)
        assert app.store.tags_of(paper.id) == ("group meeting",)
        text = screen_text(app)
        assert "Tags" in text and "group meeting" in text
        await pilot.press("T")
        await pilot.press("minus", *"GR")
        await pilot.pause()
        await pilot.press("right", "enter")  # completes to -group meeting
        assert app.store.tags_of(paper.id) == ()


async def test_the_tag_line_completes_from_tags_in_use(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("T", *"group meeting", "enter", "j", "T", *"gr")
        await pilot.pause()
        await pilot.press("right", "enter")  # → takes the suggestion
        assert app.store.tags_of(app.main.paper_list.current.id) == ("group meeting",)


async def test_escape_closes_the_tag_line_without_a_change(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("T", *"x", "escape")
        assert not isinstance(app.screen, TagScreen)
        assert app.store.tagged() == []


def test_suggestions_offer_new_tags_and_removals():
    assert suggestions(["group meeting", "Later", "ml"], ("ML",)) == ["group meeting", "Later", "-ML"]


async def test_L_toggles_later_and_the_tag_view_lists_it(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        paper = app.main.paper_list.current
        await pilot.press("L")
        assert app.store.tags_of(paper.id) == ("Later",)
        keys = [entry.key for entry in app.main.sections.entries]
        assert keys[-2:] == [tag_scope(""), tag_scope("later")]
        await pilot.press(*["l"] * len(keys))  # the last line: Later
        assert app.session.scope == tag_scope("later")
        assert [p.id for p in app.main.paper_list.papers] == [paper.id]
        app.main.paper_list.focus()
        await pilot.press("L")  # taken off in its own view: the list empties
        await pilot.pause()
        assert app.main.paper_list.papers == [] and app.store.tagged() == []
        assert "T on a paper" in screen_text(app)
        assert app.main.sections.current_key == tag_scope("later")  # its line stays while it is shown


async def test_tags_survive_a_restart(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L")
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 36)):
        assert [entry.label for entry in again.main.sections.entries][-2:] == ["Tags", "  Later"]
        assert again.main.query_one(Input) is not None


async def test_the_detail_pane_names_the_papers_tags(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L", "T", *"group meeting", "enter")
        await pilot.pause()
        meta = next(line.plain for line in app.main.detail.lines if line.plain.startswith("arXiv:"))
        assert meta.endswith("tags: group meeting, Later") or meta.endswith("tags: Later, group meeting"), meta
        await pilot.press("L")
        meta = next(line.plain for line in app.main.detail.lines if line.plain.startswith("arXiv:"))
        assert meta.endswith("tags: group meeting") and "Later" not in meta


async def test_the_export_dialog_carries_the_tags_as_bibtex_keywords(tmp_path):
    from reader.core.config import Config

    app = make_app(tmp_path, config=Config(mark_read="manual", export_dir=str(tmp_path)))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "L", "e")
        await pilot.pause()
        await pilot.press("enter")  # bibtex, the first format
        await pilot.pause()
        [written] = tmp_path.glob("digest-reader-starred-*.bib")
        assert "keywords = {Later}" in written.read_text(encoding="utf-8")
