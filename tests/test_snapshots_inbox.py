"""SVG snapshots of the inbox: every day's unread papers, and one day with its categories.

Update with `pytest tests/test_snapshots_inbox.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from archive_support import make_archive_app, week
from app_support import settle


async def loaded(pilot) -> None:
    await settle(pilot, pilot.app)


def test_inbox(snap_compare, tmp_path):
    assert snap_compare(make_archive_app(tmp_path, week(tmp_path / "days")), run_before=loaded, terminal_size=(120, 30))


def test_a_day_of_the_inbox(snap_compare, tmp_path):
    async def older_day(pilot):
        await loaded(pilot)
        await pilot.press("[", "[")

    assert snap_compare(make_archive_app(tmp_path, week(tmp_path / "days")), run_before=older_day, terminal_size=(120, 30))
