"""Pilot tests for search, query words, highlighting, interests, math and the link keys."""

from __future__ import annotations

from app_support import CORPUS, make_app, screen_text, settle

from reader.core.config import Config
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.search_bar import SearchBar

LATEX_DAY = CORPUS / "today.md"


async def type_query(pilot, text: str) -> None:
    """Open the search line and put ``text`` in it (one keystroke, then the rest at once)."""
    await pilot.press("slash")
    bar = pilot.app.main.query_one(SearchBar)
    bar.query_one("#search-input").value = text
    await pilot.pause()


async def test_slash_filters_as_you_type_and_enter_keeps_it(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", "O", "O", "D")
        assert app.session.query is not None
        ids = [paper.id for paper in app.main.paper_list.papers]
        assert "2601.10802" in ids and 0 < len(ids) < 128
        assert f"{len(ids)} match" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.focused, PaperList)
        assert len(app.main.paper_list.papers) == len(ids)
        await pilot.press("escape")
        assert app.session.query is None and len(app.main.paper_list.papers) == 128


async def test_escape_in_the_search_line_clears(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_query(pilot, "segmentation")
        assert len(app.main.paper_list.papers) < 128
        await pilot.press("escape")
        assert app.session.query is None and not app.main.query_one(SearchBar).display
        assert len(app.main.paper_list.papers) == 128


async def test_search_covers_chinese_summaries_and_authors(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_query(pilot, "工业图像数据集")
        assert [paper.id for paper in app.main.paper_list.papers] == ["2601.10802"]
        await type_query(pilot, "author:possegger")
        assert [paper.id for paper in app.main.paper_list.papers] == ["2601.10802", "2601.10836"]


async def test_query_words(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_query(pilot, "cat:cs.CL")
        assert app.main.paper_list.papers and all(paper.category == "cs.CL" for paper in app.main.paper_list.papers)
        await type_query(pilot, "id:2601.10802")
        assert [paper.id for paper in app.main.paper_list.papers] == ["2601.10802"]
        await type_query(pilot, "OOD -ICONIC")
        assert app.main.paper_list.papers and "2601.10802" not in [paper.id for paper in app.main.paper_list.papers]
        await type_query(pilot, '"Dataset for OOD"')
        assert [paper.id for paper in app.main.paper_list.papers] == ["2601.10802"]
        app.session.mark_read(["2601.10802"], True)
        app.store.star(app.session.digest.papers[1], "today")
        await type_query(pilot, "is:starred")
        assert [paper.id for paper in app.main.paper_list.papers] == [app.session.digest.papers[1].id]
        await type_query(pilot, "is:unread OOD")
        assert "2601.10802" not in [paper.id for paper in app.main.paper_list.papers]


async def test_malformed_query_says_what_is_wrong(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_query(pilot, "foo:bar")
        text = screen_text(app)
        assert "foo" in text and "at character" in text
        assert len(app.main.paper_list.papers) == 128
        await type_query(pilot, '"unterminated')
        assert "at character" in screen_text(app)


async def test_matches_are_highlighted_in_list_and_detail(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_query(pilot, "iconic")
        info = app.session.row(app.main.paper_list.current)
        assert info.highlights == ((0, 6),)
        detail_lines = app.main.detail.lines
        styled = [line for line in detail_lines if any(span.end - span.start == 6 for span in line.spans)]
        assert styled, "the detail pane marks the match"


async def test_interests_mark_papers_count_per_section_and_m_filters(tmp_path):
    config = Config(mark_read="manual", interests=["OOD"], authors=["Possegger"])
    app = make_app(tmp_path, config=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        everything = app.main.sections.entries[0]
        assert everything.interesting > 0
        assert "◆" in screen_text(app)
        assert app.session.row(app.session.digest.papers[0]).interesting
        await pilot.press("m")
        assert len(app.main.paper_list.papers) == everything.interesting
        await pilot.press("m")
        assert len(app.main.paper_list.papers) == 128


async def test_no_interests_changes_nothing(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("m")
        assert len(app.main.paper_list.papers) == 128
        assert "◆" not in screen_text(app)


async def test_ctrl_r_reloads_the_config_and_keeps_it_on_errors(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        (tmp_path / "config.toml").write_text('interests = ["OOD"]\n')
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.config.interests == ["OOD"]
        assert app.main.sections.entries[0].interesting > 0
        (tmp_path / "config.toml").write_text('interests = ["OOD"\nauthors = 3\n')
        await pilot.press("ctrl+r")
        assert app.session.config.interests == ["OOD"], "a broken config keeps the previous settings"
        messages = [notification.message for notification in app._notifications]
        assert any("line 2" in message for message in messages)


async def test_math_shows_as_unicode_and_raw_latex_is_a_switch(tmp_path):
    app = make_app(tmp_path, LATEX_DAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        papers = [paper for paper in app.session.digest.papers if "$^\\star$" in paper.title]
        assert papers, "the corpus day has T$^\\star$"
        assert app.session.row(papers[0]).title.startswith("T⋆: Progressive Block Scaling")
        await pilot.press("slash")
        app.main.query_one("#search-input").value = "id:2601.11214"
        await pilot.press("enter", "t")
        assert "We present T⋆, a simple TraceRL-based" in screen_text(app)
    raw = make_app(tmp_path, LATEX_DAY, config=Config(mark_read="manual", raw_latex=True))
    async with raw.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert raw.session.row(papers[0]).title == papers[0].title


async def test_p_opens_the_pdf_and_Y_copies_a_citation(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p")
        await app.workers.wait_for_complete()
        assert app.main.open_url.opened == ["https://arxiv.org/pdf/2601.10802"]
        await pilot.press("Y")
        assert app.clipboard == (
            "ICONIC-444: A 3.1-Million-Image Dataset for OOD Detection Research. "
            "Gerhard Krumpl, Henning Avenhaus, Horst Possegger. arXiv:2601.10802"
        )


async def test_search_while_a_big_digest_loads(tmp_path):
    """A search typed during a background load ends up over the whole digest."""
    from reader.tui.app import DigestReader
    from reader.core.parse import load
    from reader.core.store import MarkStore

    path = CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2026-06-02.md"
    app = DigestReader(store=MarkStore.open(tmp_path / "s.toml"), config=Config(mark_read="manual"), path=path)
    async with app.run_test(size=(120, 36)) as pilot:
        await type_query(pilot, "diffusion")
        await settle(pilot, app)
        full = load(path)
        expected = [paper.id for paper in full.papers if "diffusion" in (paper.title + (paper.abstract or "") + (paper.tldr or "")).lower()]
        assert not app.session.loading and len(app.session.digest.papers) == 532
        assert set(expected) <= {paper.id for paper in app.main.paper_list.papers}
    app.store.close()


async def test_a_failed_browser_says_so(tmp_path):
    app = make_app(tmp_path)
    app.main.open_url = lambda url: False
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("No graphical web browser" in note.message for note in app._notifications)


async def test_slash_is_a_character_inside_text_fields(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", "a", "slash", "b")
        assert app.main.query_one("#search-input").value == "a/b"
        await pilot.press("escape", "s", "e")
        path = app.screen.query_one("#export-path")
        path.value = ""
        path.focus()
        await pilot.press("slash", "t")
        assert path.value == "/t"
