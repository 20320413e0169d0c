"""SVG snapshots of the main screen: summary and abstract, at 120x36 and 80x24, and a search.

Update after an intended change of looks with `pytest tests/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest
from app_support import make_app


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
@pytest.mark.parametrize("keys", [[], ["t"]], ids=["summary", "abstract"])
def test_main_screen(snap_compare, tmp_path, size, keys):
    assert snap_compare(make_app(tmp_path), press=keys, terminal_size=size)


def test_filtered_by_search(snap_compare, tmp_path):
    async def search(pilot):
        await pilot.press("slash")
        pilot.app.main.query_one("#search-input").value = "OOD -cat:cs.LG"
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), run_before=search, terminal_size=(120, 36))


def test_marks_and_help(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), press=["s", "j", "r", "j", "question_mark"], terminal_size=(120, 36))
