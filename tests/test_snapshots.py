"""SVG snapshots of the main screen: summary and abstract at 60x20, 80x24, 120x36 and 200x50, a
search, marks with the help, the zoomed detail pane, and the help at 80x24.

Update after an intended change of looks with `pytest tests/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest
from app_support import make_app


@pytest.mark.parametrize("size", [(200, 50), (120, 36), (80, 24), (60, 20)], ids=["200x50", "120x36", "80x24", "60x20"])
@pytest.mark.parametrize("keys", [[], ["t"]], ids=["summary", "abstract"])
def test_main_screen(snap_compare, tmp_path, size, keys):
    assert snap_compare(make_app(tmp_path), press=keys, terminal_size=size)


def test_filtered_by_search(snap_compare, tmp_path):
    async def search(pilot):
        await pilot.press("slash")
        search_input = pilot.app.main.query_one("#search-input")
        search_input.cursor_blink = False  # a blink timer that fires under load would change the picture
        search_input.value = "OOD -cat:cs.LG"
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), run_before=search, terminal_size=(120, 36))


def test_marks_and_help(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), press=["s", "j", "r", "j", "question_mark"], terminal_size=(120, 36))


def test_zoomed_detail_pane(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), press=["j", "z"], terminal_size=(80, 24))


def test_help_fits_80x24(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), press=["question_mark"], terminal_size=(80, 24))


def test_export_dialog_fits_60x20(snap_compare, tmp_path):
    async def open_export(pilot):
        await pilot.press("s", "j", "s", "e")
        pilot.app.screen.path_input.value = "~/starred.bib"  # the default holds today's date and the home folder
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), run_before=open_export, terminal_size=(60, 20))


def test_tag_line_and_tags_group(snap_compare, tmp_path):
    async def tag(pilot):
        await pilot.press("L", "j", "T", *"group meeting", "enter", "T")
        tag_input = pilot.app.screen.query_one("#tags-input")
        tag_input.cursor_blink = False  # a blink timer that fires under load would change the picture
        await pilot.press(*"La")  # completes to Later, a tag in use that this paper lacks
        for _ in range(100):  # the suggester answers from a worker: wait for its completion (a guard, not a time limit)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if tag_input._suggestion:
                break
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), run_before=tag, terminal_size=(100, 30))
