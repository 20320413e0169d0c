"""Pilot tests: every key of the reader does what the README says."""

from __future__ import annotations

import re

from rich.cells import cell_len

from app_support import CORPUS, footer_text, make_app, screen_text

from reader.core.model import Digest
from reader.core.parse import load
from reader.tui.keys import ALL_KEYS
from reader.tui.screens.help import HelpScreen
from reader.core.library import ALL
from reader.tui.widgets.paper_detail import PaperDetail
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.section_list import SectionList

FIRST_ID = "2601.10802"
FIRST_TITLE = "ICONIC-444: A 3.1-Million-Image Dataset for OOD Detection Research"


async def test_start_focuses_the_list_on_the_first_paper_of_all(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, PaperList)
        assert app.session.scope == ALL
        assert app.main.paper_list.current.id == FIRST_ID
        text = screen_text(app)
        assert FIRST_TITLE in text
        assert "TL;DR:" in text
        assert "128 papers" in text


async def test_sidebar_lists_all_then_sections_with_counts(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        labels = [entry.label for entry in app.main.sections.entries]
        assert labels == ["All", "cs.CV", "cs.CL", "cs.AI", "cs.LG", "Starred"]
        sidebar = [line.split("│")[1] for line in screen_text(app).splitlines()[2:8]]
        shown = [re.sub(r"\s+", " ", line).strip() for line in sidebar]
        assert shown == ["All 128", "cs.CV 35", "cs.CL 38", "cs.AI 12", "cs.LG 43", "Starred 0"], sidebar


async def test_j_k_and_arrows_move_the_cursor(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "down")
        assert app.main.paper_list.cursor == 2
        await pilot.press("k")
        assert app.main.paper_list.cursor == 1
        await pilot.press("up", "up")
        assert app.main.paper_list.cursor == 0
        assert app.main.detail.paper.id == FIRST_ID


async def test_g_and_G_go_to_first_and_last(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("G")
        assert app.main.paper_list.cursor == 127
        await pilot.press("j")
        assert app.main.paper_list.cursor == 127, "the list must not wrap around"
        await pilot.press("g")
        assert app.main.paper_list.cursor == 0


async def test_tab_and_shift_tab_move_focus_between_panes(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("tab")
        assert isinstance(app.focused, PaperDetail)
        await pilot.press("tab")
        assert isinstance(app.focused, SectionList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, PaperDetail)


async def test_h_l_and_arrows_switch_sections(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        assert app.session.scope == "cs.CV"
        assert len(app.main.paper_list.papers) == 35
        await pilot.press("right")
        assert app.session.scope == "cs.CL"
        await pilot.press("left", "h")
        assert app.session.scope == ALL
        await pilot.press("h")
        assert app.session.scope == ALL


async def test_space_and_b_page_the_detail_pane(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.press("space")
        assert app.main.detail.scroll_y > 0
        await pilot.press("b")
        assert app.main.detail.scroll_y == 0


async def test_t_flips_summary_and_abstract_and_is_remembered(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        text = screen_text(app)
        assert "Abstract: Current progress in out-of-distribution" in text
        assert "TL;DR:" not in text
        await pilot.press("j")
        assert "Abstract:" in screen_text(app)
        await pilot.press("q")
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert again.session.view == "abstract"
        await pilot.press("t")
        assert "TL;DR:" in screen_text(again)
    again.store.close()


async def test_paper_without_summary_shows_its_abstract_and_says_so(tmp_path):
    digest = load(CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2026-05-21.md")
    bare = next(paper for paper in digest.papers if not paper.has_summary)
    app = make_app(tmp_path, Digest(name="x", sections=[], papers=[bare], entries=[]))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "no summary" in text
        assert "Abstract:" in text


async def test_the_detail_pane_shows_a_forks_fields_in_the_files_order(tmp_path):
    app = make_app(tmp_path, CORPUS / "Straw674__daily-arXiv-astro-ph__2025-12-16.md")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        labels = [line.plain.split(":")[0] for line in app.main.detail.lines if line.plain.split(":")[0] in ("TL;DR", "Background", "Data", "Method", "Result")]
        assert labels == ["TL;DR", "Background", "Data", "Method", "Result"]
        await pilot.press("t")  # the abstract view: the abstract, then the fork's own fields
        labels = [line.plain.split(":")[0] for line in app.main.detail.lines if line.plain.split(":")[0] in ("Abstract", "Background", "Data", "Method")]
        assert labels == ["Abstract", "Background", "Data"]


async def test_o_opens_and_y_copies_the_arxiv_link(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        assert app.main.open_url.opened == [f"https://arxiv.org/abs/{FIRST_ID}"]
        await pilot.press("y")
        assert app.clipboard == f"https://arxiv.org/abs/{FIRST_ID}"


async def test_question_mark_shows_help_from_the_binding_table(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in ALL_KEYS:
            assert binding.description in text
        await pilot.press("j")
        assert app.main.paper_list.cursor == 0, "pane keys are off under the help screen"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_offers_the_same_actions(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Summary/Abstract", "Star", "Open", "Copy link", "Next section"} <= titles


async def test_q_quits_with_status_zero(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_mouse_click_picks_a_paper(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click(PaperList, offset=(10, 4))
        assert app.main.paper_list.cursor == 3
        assert app.main.detail.paper is app.main.paper_list.current


async def test_mouse_click_on_a_section_shows_its_papers_and_focuses_them(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click(SectionList, offset=(3, 3))  # rows: border, All, cs.CV, cs.CL
        assert app.session.scope == "cs.CL"
        assert app.main.sections.current_key == "cs.CL"
        assert len(app.main.paper_list.papers) == 38
        assert isinstance(app.focused, PaperList)


async def test_enter_in_the_sidebar_moves_to_the_section_papers(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("shift+tab", "j", "enter")
        assert app.session.scope == "cs.CV"
        assert isinstance(app.focused, PaperList)
        await pilot.press("enter")
        assert isinstance(app.focused, PaperDetail)


async def test_empty_day_opens_and_says_so(tmp_path):
    app = make_app(tmp_path, CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2025-10-09.md")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "t", "o")
        assert "no papers" in screen_text(app)
        assert "│    This digest has no papers (an empty day)." in screen_text(app), "where titles start, like the rows"
        assert "0 papers  ·  0 unread  ·  0 sections" in screen_text(app)


def test_readme_documents_every_key():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    keys_section = readme.split("### Keys", 1)[1].split("\n## ", 1)[0]
    for binding in ALL_KEYS:
        assert binding.description in keys_section, binding.description


async def test_chinese_paragraphs_fill_the_detail_pane_to_its_edge(tmp_path):

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        width = app.main.detail.scrollable_content_region.width
        lines = [line.plain for line in app.main.detail.lines]
        start = next(i for i, line in enumerate(lines) if line.startswith("TL;DR: ICONIC-444是"))
        end = lines.index("", start)
        paragraph = lines[start:end]
        assert len(paragraph) > 1, "long enough to wrap"
        assert all(cell_len(line) <= width for line in paragraph)
        assert all(cell_len(line) >= width - 2 for line in paragraph[:-1]), "no gap at the edge"
        original = app.main.paper_list.current.tldr
        assert "".join(paragraph)[len("TL;DR: "):] == original, "no character cut or lost"


async def test_enter_reads_the_paper_in_the_detail_pane(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.focused, PaperDetail)
        await pilot.press("j")
        assert app.main.detail.scroll_y == 1 and app.main.paper_list.cursor == 0, "j now scrolls the paper"


async def test_escape_and_q_back_out_of_the_detail_pane_and_q_then_quits(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.focused, PaperDetail)
        assert "esc" in footer_text(app), "the footer offers the way back"
        await pilot.press("escape")
        assert isinstance(app.focused, PaperList)
        assert "esc" not in footer_text(app), "nothing to go back from"
        await pilot.press("enter", "q")
        assert isinstance(app.focused, PaperList) and app.is_running
        await pilot.press("q")
    assert app.return_code == 0


async def test_the_footer_drops_back_once_the_search_is_cleared(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "o", "o", "d")
        assert "esc" in footer_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.query is None
        assert "esc" not in footer_text(app)
        assert "q Quit" in footer_text(app), "room for the whole label again"


async def test_the_layout_fits_small_and_wide_terminals(tmp_path):
    """Issue 13: at 60x20 the first screen showed no summary; wide terminals waste the width."""
    app = make_app(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert app.main.sections.size.width <= 16, "a narrow sidebar"
        assert "TL;DR:" in screen_text(app), "the summary starts on the first screen"
        await pilot.press("ctrl+b")
        assert not app.main.sections.display and app.main.paper_list.size.width > 50
        await pilot.press("ctrl+b")
        assert app.main.sections.display
    app = make_app(tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        papers, detail = app.main.paper_list.region, app.main.detail.region
        assert papers.y == detail.y and papers.right <= detail.x, "side by side"
        assert max(cell_len(line.plain) for line in app.main.detail.lines) <= 100, "a readable measure"


async def test_z_gives_the_detail_pane_the_whole_window_and_back(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        assert isinstance(app.focused, PaperDetail)
        assert not app.main.paper_list.display or app.main.paper_list.size.height == 0
        assert app.main.detail.size.width >= 74
        await pilot.press("n")  # the keys still walk the papers
        assert app.main.detail.paper.id == app.main.paper_list.papers[1].id
        await pilot.press("z")
        assert isinstance(app.focused, PaperList) and app.main.paper_list.size.height > 0


async def test_help_shows_the_daily_keys_first_and_says_when_there_is_more(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for key, description in [("n", "Next unread"), ("N", "Previous unread"), ("s", "Star"), ("t", "Summary/Abstract"), ("/", "Search"), ("e", "Export"), ("q", "Quit")]:
            assert re.search(rf"│ {re.escape(key)} +{re.escape(description)}", text), key
        assert "more" not in text, "everything fits: no hint"
    app = make_app(tmp_path)
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert "↓ more" in screen_text(app)


async def test_a_paper_shown_again_is_drawn_as_it_is_now(tmp_path):
    """The detail pane keeps papers laid out and drawn: what changed since must still show."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        detail = app.main.detail
        first = [line.plain for line in detail.lines]
        await pilot.press("j", "k")
        assert [line.plain for line in detail.lines] == first
        await pilot.press("s")
        assert any("★ starred" in line.plain for line in detail.lines)
        dark = [segment.style for segment in detail.render_line(0)]
        app.theme = "textual-light"
        await pilot.pause()
        assert [segment.style for segment in detail.render_line(0)] != dark, "a new theme restyles the pane"
