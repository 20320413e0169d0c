"""Pilot tests of the inbox: the sidebar of days, [ and ], n across days, a day arriving while it runs."""

from __future__ import annotations

from archive_support import eventually, make_archive_app, week, write_day
from app_support import screen_text, settle
from reader.core.archive.inbox import DAY
from reader.core.archive.library import INBOX


async def test_the_inbox_lists_every_unread_paper_and_the_days(tmp_path):
    app = make_archive_app(tmp_path, week(tmp_path / "days"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "Inbox" in text and "Wed 25 Nov" in text and "Sun 22 Nov  ✗ not read" in text
        assert "7 papers (4 repeats merged)  ·  7 unread  ·  4 days" in text
        assert app.session.scope == INBOX and len(app.main.paper_list.papers) == 7
        assert "on Wed 25 Nov, Tue 24 Nov, Mon 23 Nov" in text, "the detail pane lists the days"
        await pilot.press("[")
        assert app.session.scope == DAY + "2026-11-25" and app.main.sections.current_key == app.session.scope
        await pilot.press("[", "]", "]")
        assert app.session.scope == DAY + "2026-11-25"
        assert "No newer day." in screen_text(app)


async def test_n_walks_unread_papers_on_into_the_older_days(tmp_path):
    app = make_archive_app(tmp_path, week(tmp_path / "days"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("[", "G", "n")
        assert app.session.scope == DAY + "2026-11-24"
        assert app.main.paper_list.current.id == "2601.00001"


async def test_a_day_added_and_one_changed_while_running_are_picked_up_without_moving_the_cursor(tmp_path):
    folder = week(tmp_path / "days")
    app = make_archive_app(tmp_path, folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("j", "j")
        on_show = app.main.paper_list.current.id
        write_day(folder, "2026-11-26", [(50, "cs.CV"), (51, "cs.CL")])
        assert await eventually(pilot, lambda: "Thu 26 Nov" in screen_text(app)), "the new day is listed"
        assert app.main.paper_list.current.id == on_show and app.main.detail.paper.id == on_show
        assert "9 papers" in screen_text(app)
        write_day(folder, "2026-11-23", [(1, "cs.CV"), (52, "cs.CV")])
        assert await eventually(pilot, lambda: "2601.00052" in app.session.library.archive.days_of)
        assert "2601.00010" not in app.session.library.archive.days_of, "the changed day as it is now"
        assert app.main.paper_list.current.id == on_show


async def test_with_the_index_the_detail_pane_reads_the_text_from_it(tmp_path):
    from archive_support import rebuilt
    from reader.core.archive.days import DaySource

    folder = week(tmp_path / "days")
    app = make_archive_app(tmp_path, folder)
    app = rebuilt(app, DaySource([folder]), index_path=tmp_path / "cache" / "index.sqlite3")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        assert app.session.text_index is not None and app.main.paper_list.current.tldr is None, "the list holds light papers"
        assert "TL;DR: Summary of paper 1." in screen_text(app) and "Motivation: Why paper 1." in screen_text(app)
        await pilot.press("s")
        assert app.store.stars()[0].paper.abstract == "The abstract of paper 1."


async def test_a_corrupt_index_is_rebuilt_and_said_and_interests_match_the_text_in_it(tmp_path):
    from archive_support import rebuilt
    from reader.core.archive.days import DaySource
    from reader.core.config import Config

    folder, cache = week(tmp_path / "days"), tmp_path / "index.sqlite3"
    cache.write_bytes(b"not a database" * 100)
    app = make_archive_app(tmp_path, folder, config=Config(mark_read="manual", interests=["abstract of paper 12"]))
    app = rebuilt(app, DaySource([folder]), index_path=cache)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        assert any(notice.title == "Index rebuilt" and "was replaced" in notice.message for notice in app._notifications)
        assert app.main.paper_list.current.abstract is None, "light papers in the list"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.counts()[0].interesting == 1, "paper 12 matches by its abstract, read from the index"
