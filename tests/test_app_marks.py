"""Pilot tests for read and starred marks: keys, sidebar counts, persistence across days."""

from __future__ import annotations


from app_support import CORPUS, make_app, screen_text

from reader.core.config import Config
from reader.core.store import MarkStore
from reader.core.library import STARRED


async def test_s_stars_and_unstars_with_a_snapshot(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s")
        paper = app.main.paper_list.current
        star = app.store.star_for(paper.id)
        assert star is not None and star.paper.title == paper.title and star.digest == "today.md"
        assert "★" in screen_text(app)
        starred = next(entry for entry in app.main.sections.entries if entry.key == STARRED)
        assert starred.total == 1
        await pilot.press("s")
        assert not app.store.is_starred(paper.id)


async def test_r_toggles_read_and_unread_counts_follow(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("r")
        assert app.store.is_read("2601.10802")
        everything = app.main.sections.entries[0]
        assert (everything.total, everything.unread) == (128, 127)
        assert "127/128" in screen_text(app)
        await pilot.press("r")
        assert not app.store.is_read("2601.10802")


async def test_automatic_mark_read_after_the_delay(tmp_path):
    app = make_app(tmp_path, config=Config(mark_read="auto", mark_read_delay=0.6))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j")
        second = app.main.paper_list.current.id
        for _ in range(30):  # the timer fires after 0.6 s; allow a loaded machine 3 s
            await pilot.pause(0.1)
            if app.store.is_read(second):
                break
        assert app.store.is_read(second)
        await pilot.press("j", "j")
        await pilot.pause(0.02)
        assert not app.store.is_read(app.main.paper_list.papers[2].id), "passed over quickly: still unread"


async def test_papers_landed_on_are_not_read_by_looking_at_the_list(tmp_path):
    """Issue 13: the start and section switches land on a paper; it stays unread until chosen."""
    app = make_app(tmp_path, config=Config(mark_read="auto", mark_read_delay=0.05))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("l")
        await pilot.pause(0.3)
        await pilot.press("l")
        await pilot.pause(0.3)
        assert app.session.counts()[0].unread == 128, "nothing became read by being landed on"
        first_of_section = app.main.paper_list.current.id
        await pilot.press("enter")  # chosen: now it is read after the delay
        for _ in range(30):
            await pilot.pause(0.1)
            if app.store.is_read(first_of_section):
                break
        assert app.store.is_read(first_of_section)


async def test_manual_mode_never_marks_by_itself(tmp_path):
    app = make_app(tmp_path, config=Config(mark_read="manual", mark_read_delay=0.05))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        assert not app.store.is_read("2601.10802")


async def test_u_shows_unread_only(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("r", "u")
        assert len(app.main.paper_list.papers) == 127
        assert all(not app.store.is_read(paper.id) for paper in app.main.paper_list.papers)
        await pilot.press("u")
        assert len(app.main.paper_list.papers) == 128


async def test_n_and_N_jump_between_unread_papers_across_sections(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")  # cs.CV, 35 papers
        cv = app.main.paper_list.papers
        app.session.mark_read((paper.id for paper in cv[1:]), True)
        await pilot.press("n")
        assert app.session.scope == "cs.CL", "the rest of cs.CV is read: on to the next section"
        assert app.main.sections.current_key == "cs.CL", "the sidebar follows"
        assert app.main.paper_list.cursor == 0
        await pilot.press("N")
        assert app.session.scope == "cs.CV"
        assert app.main.paper_list.current.id == cv[0].id


async def test_A_marks_the_view_read_and_U_undoes(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        app.session.mark_read(["2601.10802"], True)
        await pilot.press("l", "A")
        assert all(app.store.is_read(paper.id) for paper in app.main.paper_list.papers)
        assert app.main.sections.entries[0].unread == 128 - 35
        dots = "\n".join(line[25:31] for line in screen_text(app).splitlines()[2:8])
        assert "•" not in dots, "every row on screen drops its unread dot (only changed rows redraw)"
        await pilot.press("A")  # nothing left to mark: the undo must survive
        await pilot.press("U")
        assert app.store.is_read("2601.10802"), "undo restores exactly what A changed"
        assert sum(app.store.is_read(paper.id) for paper in app.main.paper_list.papers) == 1


async def test_an_unstar_in_the_starred_view_is_undone_by_U(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "j", "s", "shift+tab", "G", "tab")  # two stars, then the Starred view
        assert app.session.scope == STARRED and len(app.main.paper_list.papers) == 2
        unstarred = app.main.paper_list.current.id
        await pilot.press("s")
        assert [paper.id for paper in app.main.paper_list.papers] != [] and unstarred not in {paper.id for paper in app.main.paper_list.papers}
        await pilot.press("U")
        assert app.store.is_starred(unstarred)
        assert app.main.paper_list.current.id == unstarred, "back in the list, under the cursor"
        assert "Starred again" in screen_text(app).splitlines()[0]


async def test_starred_sidebar_entry_lists_snapshots(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "j", "s", "shift+tab", "G")
        assert app.session.scope == STARRED
        assert [paper.id for paper in app.main.paper_list.papers] == ["2601.10802", "2601.10835"]


async def test_marks_follow_the_paper_to_another_day(tmp_path):
    friday = make_app(tmp_path)
    async with friday.run_test(size=(120, 36)) as pilot:
        await pilot.press("r", "s", "q")
    friday.store.close()
    # A later digest that repeats the paper (in another section) shows it read and starred.
    from reader.core.model import Digest, Section

    paper = friday.session.digest.papers[0]
    saturday = make_app(tmp_path, Digest(name="2026-01-20", date="2026-01-20", sections=[Section("cs.AI", [paper])], papers=[paper], entries=[("cs.AI", paper)]))
    async with saturday.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert saturday.store.is_read(paper.id) and saturday.store.is_starred(paper.id)
        assert "★" in screen_text(saturday)
    saturday.store.close()


async def test_marks_reach_the_disk_on_quit(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "j", "r", "q")
    text = (tmp_path / "state.toml").read_text()
    assert "2601.10802" in text and "10835" in text
    app.store.close()


async def test_another_instance_marks_show_up(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        other = MarkStore.open(tmp_path / "state.toml", save_delay=None)
        other.set_read("2601.10802", True)
        other.close()
        for _ in range(100):  # picked up every 2 s; allow a loaded machine 10 s
            await pilot.pause(0.1)
            if app.main.sections.entries[0].unread == 127:
                break
        assert app.store.is_read("2601.10802")
        assert app.main.sections.entries[0].unread == 127
    app.store.close()


async def test_corrupt_state_is_moved_aside_and_reported(tmp_path):
    (tmp_path / "state.toml").write_text("version = [broken")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert any("corrupt" in notice or "moved" in notice for notice in app.store.notices)
        assert any("moved" in note.message for note in app._notifications), "the user is told"
    assert list(tmp_path.glob("state.toml.corrupt-*"))
    app.store.close()


async def test_unwritable_state_keeps_marks_in_memory(tmp_path):
    (tmp_path / "afile").write_text("")
    app = make_app(tmp_path / "afile")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s")
        assert app.store.is_starred("2601.10802")
        assert not app.store.writable
        assert app.store.notices
    app.store.close()


def test_corpus_weekend_repeats(tmp_path):
    """The repeated-papers day parses to unique ids, so marks apply once per paper."""
    from reader.core.parse import load

    digest = load(CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2025-03-18.md")
    assert len({paper.id for paper in digest.papers}) == len(digest.papers)
    assert len(digest.entries) > len(digest.papers)


async def test_an_unread_from_another_instance_stands_against_this_ones_timer(tmp_path):
    """Issue 11: B marks X unread while A shows X with its auto-read timer running; A picks up
    B's marks, and neither A's timer nor leaving X with j marks it read again."""
    from time import monotonic

    app = make_app(tmp_path, config=Config(mark_read="auto", mark_read_delay=2.0))
    x = "2601.10802"
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")  # chosen: its timer runs
        deadline = app.session.auto_read.deadline
        assert deadline is not None and app.main.paper_list.current.id == x
        other = MarkStore.open(tmp_path / "state.toml", save_delay=None)
        for read in (True, False):  # B reads X, then marks it unread on purpose
            other.set_read(x, read)
            other.flush()
            app._pick_up_other_instances()
            assert app.store.is_read(x) == read
        while monotonic() < deadline + 0.3:  # past the moment A's timer was set for
            await pilot.pause(0.1)
        await pilot.press("j")
        await pilot.pause()
        assert not app.store.is_read(x) and not app.session.is_read(x)
    app.store.close()
    assert not MarkStore.open(tmp_path / "state.toml", save_delay=None).is_read(x)


async def test_starring_says_so_on_the_status_line_and_never_covers_the_detail_pane(tmp_path):
    """Issue 13: three stars in a row showed three toasts over ten lines of the abstract."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "j", "s", "j", "s")
        await pilot.pause()
        assert not app._notifications, "no toast over the text"
        header = screen_text(app).splitlines()[0]
        assert "★ Starred: One Model, Many Behaviors" in header, "the last star, on the header's status line"
        assert "128 papers" not in header
        app.main.status_scale = 1.0  # the tests keep messages for good; this one checks that they go
        app.main.say("short", 0.05)
        await pilot.pause(0.3)
        assert "128 papers" in screen_text(app).splitlines()[0], "the counts come back"


async def test_reopening_returns_to_the_paper_left_and_sections_keep_it(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "j", "j")
        left = app.main.paper_list.current.id
        await pilot.press("l")  # cs.CV lists it too: the cursor stays on it
        assert app.session.scope == "cs.CV" and app.main.paper_list.current.id == left
        await pilot.press("q")
    app.store.close()
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert again.main.paper_list.current.id == left
        assert again.main.detail.paper.id == left
    again.store.close()


async def test_a_kept_row_drawing_is_never_shown_once_the_row_changes(tmp_path):
    """Rows are drawn once per look (PaperList keeps them): a mark or the cursor must still show."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        rows = app.main.paper_list

        def styles(y: int) -> list:
            return [segment.style for segment in rows.render_line(y)]

        plain, under_cursor = rows.render_line(0).text, styles(0)
        await pilot.press("s")
        assert rows.render_line(0).text.startswith("★")
        await pilot.press("s", "j")
        assert rows.render_line(0).text == plain and styles(0) != under_cursor
        await pilot.press("k")
        assert styles(0) == under_cursor
