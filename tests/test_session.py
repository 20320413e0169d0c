"""The reading session without a terminal: scope, filters, search, marks, auto-read on a fake
clock, mark-all and its undo, next unread across sections, the one reset for a new digest."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.autoread import TIMER_SLACK, AutoRead
from reader.core.config import Config
from reader.core.library import ALL, STARRED
from reader.core.model import Digest, Paper, Section
from reader.core.parse import load
from reader.core.search import Interests, parse_query
from reader.core import finding
from reader.core.marking import AT_ONCE, UNDO_DEPTH
from reader.core.session import PaperIndex, ReadingSession, RowInfo
from reader.core.store import MarkStore

FIRST_ID = "2601.10802"
TODAY = Path(__file__).parent / "corpus" / "today.md"


@pytest.fixture(scope="module")
def today() -> Digest:
    return load(TODAY)


@pytest.fixture
def store():
    store = MarkStore.open(None)
    yield store
    store.close()


def session_of(store: MarkStore, digest: Digest, **config: object) -> ReadingSession:
    return ReadingSession(store, Config(**{"mark_read": "manual", **config}), digest)


def small_digest() -> Digest:
    """Two sections: A holds a1 a2, B holds b1 b2, C holds c1."""
    papers = {name: Paper(id=f"2601.0000{index}", title=name) for index, name in enumerate(["a1", "a2", "b1", "b2", "c1"], 1)}
    sections = [Section("A", [papers["a1"], papers["a2"]]), Section("B", [papers["b1"], papers["b2"]]), Section("C", [papers["c1"]])]
    return Digest(name="small.md", sections=sections, papers=list(papers.values()))


# -- the auto-read rule on a fake clock ------------------------------------------------


def test_a_paper_becomes_read_when_its_time_comes():
    rule = AutoRead(delay=1.5)
    assert rule.show("x", 10.0, already_read=False) is None
    assert rule.deadline == 11.5
    assert rule.due(11.4) is None, "too early"
    assert rule.due(11.5) == "x"
    assert rule.due(12.0) is None and rule.deadline is None, "marked once"


def test_skimming_past_leaves_a_paper_unread_and_staying_marks_it_on_leaving():
    rule = AutoRead(delay=1.5)
    rule.show("x", 0.0, already_read=False)
    assert rule.show("y", 1.0, already_read=False) is None, "shown for 1 s: skimmed"
    assert rule.show("z", 2.6, already_read=False) == "y", "shown for 1.6 s, timer not run yet: read as it is left"


def test_a_paper_landed_on_is_not_read_by_staying_until_the_user_chooses_it():
    """Issue 13: the start, a section switch, a filter or a search lands on a paper; only a
    key, a click or enter on it starts its clock."""
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=False, chosen=False)
    assert rule.deadline is None and rule.due(50.0) is None
    assert rule.show("y", 60.0, already_read=False) is None, "x was only landed on: leaving it leaves it unread"
    rule.show("z", 70.0, already_read=False, chosen=False)
    assert rule.show("z", 80.0, already_read=False) is None, "enter on the paper landed on"
    assert rule.deadline == 81.0
    assert rule.due(81.0) == "z"


def test_choosing_the_paper_on_show_again_keeps_its_clock():
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=False)
    rule.show("x", 0.5, already_read=False)
    assert rule.deadline == 1.0, "the same showing"
    assert rule.due(1.0) == "x"
    rule.show("x", 2.0, already_read=False)
    assert rule.deadline is None, "a timer that fired is not armed again"


def test_a_paper_landed_on_and_read_by_hand_is_not_armed_by_choosing_it():
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=True, chosen=False)
    rule.show("x", 1.0, already_read=True)
    assert rule.deadline is None


def test_a_paper_whose_timer_fired_is_not_marked_again_by_leaving():
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=False)
    assert rule.due(1.0) == "x"
    assert rule.show("y", 5.0, already_read=False) is None, "an unread mark set later by hand or by another instance stays"


def test_forget_means_the_users_own_mark_stands():
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=False)
    rule.forget()
    assert rule.deadline is None
    assert rule.show("y", 9.0, already_read=False) is None


def test_already_read_and_manual_mode_set_no_deadline():
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=True)
    assert rule.deadline is None and rule.show(None, 5.0, already_read=False) is None
    manual = AutoRead(delay=1.0, enabled=False)
    manual.show("x", 0.0, already_read=False)
    assert manual.deadline is None and manual.due(100.0) is None
    assert manual.show("y", 100.0, already_read=False) is None


def test_switching_to_manual_drops_the_pending_mark():
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=False)
    rule.configure(2.0, enabled=False)
    assert rule.due(10.0) is None


def test_nothing_shown_yet_means_no_deadline():
    rule = AutoRead(delay=1.0)
    assert rule.deadline is None and rule.due(100.0) is None
    assert rule.show("x", 100.0, already_read=False) is None, "nothing was on show before x"


def test_the_timer_and_leaving_agree_on_the_instant_a_paper_is_read():
    """The timer may fire up to TIMER_SLACK early; leaving at that same instant counts too,
    and a hair earlier neither does."""
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=False)
    edge = rule.deadline - TIMER_SLACK
    early = math.nextafter(edge, 0.0)
    assert rule.due(early) is None and rule.due(edge) == "x"
    leaving = AutoRead(delay=1.0)
    leaving.show("x", 0.0, already_read=False)
    assert leaving.show("y", early, already_read=False) is None
    leaving.show("x", 0.0, already_read=False)
    assert leaving.show("y", edge, already_read=False) == "x"


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.floats(0, 5)), max_size=30))
def test_only_papers_shown_for_the_whole_delay_are_ever_marked(steps):
    rule, now, shown_since = AutoRead(delay=1.0), 0.0, {}
    current = None
    for paper_id, wait in steps:
        now += wait
        left = rule.show(paper_id, now, already_read=False)
        if left is not None:
            assert left == current and now - shown_since[left] >= 1.0 - 0.001
        if paper_id is None or paper_id != current:  # the paper on show shown again is the same showing
            shown_since[paper_id] = now
        current = paper_id


# -- the session --------------------------------------------------------------------------


def test_starts_on_all_in_summary_view_with_every_paper(store, today):
    session = session_of(store, today)
    assert session.scope == ALL and session.view == "summary"
    assert [paper.id for paper in session.visible()] == [paper.id for paper in today.papers]
    name, facts = session.header(len(today.papers))
    assert name == "today.md" and facts == "128 papers  ·  128 unread  ·  4 sections"


def test_scope_filters_and_header(store, today):
    session = session_of(store, today)
    assert session.select("cs.CV") and not session.select("cs.CV") and not session.select("no such section")
    papers = session.visible()
    assert len(papers) == 35 and all(paper in today.sections[0].papers for paper in papers)
    session.mark_read([papers[0].id], True)
    assert session.toggle_filter("unread_only")
    assert len(session.visible()) == 34
    assert session.header(34)[1].endswith("34 shown") and "127 unread" in session.header(34)[1]
    assert not session.toggle_filter("unread_only")
    assert len(session.visible()) == 35


def test_counts_per_sidebar_entry(store, today):
    session = session_of(store, today)
    session.mark_read([FIRST_ID], True)
    counts = {count.label: (count.total, count.unread) for count in session.counts()}
    assert counts == {"All": (128, 127), "cs.CV": (35, 34), "cs.CL": (38, 38), "cs.AI": (12, 12), "cs.LG": (43, 43), "Starred": (0, 0)}


def test_counts_follow_every_change(store, today):
    session = session_of(store, today, interests=["OOD"])
    unread = lambda: session.counts()[0].unread  # noqa: E731
    assert unread() == 128
    session.mark_read([FIRST_ID], True)
    assert unread() == 127 and session.header(128)[1].startswith("128 papers  ·  127 unread")
    session.toggle_star(today.papers[0])
    assert session.counts()[-1].total == 1
    session.undo()
    session.mark_all_read(today.papers[:3])
    assert unread() == 125
    session.undo()
    assert unread() == 127
    store.set_read(today.papers[5].id, True)  # another instance's mark, picked up by sync_read
    session.sync_read()
    assert unread() == 126
    interesting = session.counts()[0].interesting
    session.reconfigure(Config(mark_read="manual"))
    assert interesting > 0 and session.counts()[0].interesting == 0
    session.set_digest(Digest(name="empty.md"))
    assert session.counts()[0].total == 0


def test_search_needs_the_index_and_then_filters(store, today):
    session = session_of(store, today)
    session.set_query(parse_query("OOD -cat:cs.LG"))
    assert session.visible() == [] and session.empty_message() == "Indexing for search…"
    assert session.install_index(PaperIndex.build(today.papers))
    found = session.visible()
    assert len(found) == 9 and found[0].id == FIRST_ID
    assert session.header(len(found))[1].endswith("9 match")
    assert session.row(found[0]).highlights, "the title's match is highlighted"
    session.set_query(parse_query("   "))
    assert session.query is None and len(session.visible()) == 128


def test_an_index_of_other_papers_is_refused(store, today):
    session = session_of(store, today)
    assert not session.install_index(PaperIndex.build(list(today.papers)))
    assert session.index is None


def test_search_in_starred_uses_the_snapshots(store, today):
    session = session_of(store, today)
    session.toggle_star(today.papers[0])
    session.toggle_star(today.papers[1])
    session.select(STARRED)
    session.set_query(parse_query("ICONIC"))
    assert [paper.id for paper in session.visible()] == [FIRST_ID]


def test_mark_all_read_and_undo_as_a_stack(store, today):
    session = session_of(store, today)
    session.select("cs.AI")
    first = session.mark_all_read(session.visible())
    assert len(first) == 12
    session.select("cs.LG")
    second = session.mark_all_read(session.visible())
    assert len(second) == 43
    assert session.mark_all_read(session.visible()) == [], "nothing new: no undo step"
    assert sorted(session.undo().read_ids) == sorted(second)
    assert not any(store.is_read(paper_id) for paper_id in second) and all(store.is_read(paper_id) for paper_id in first)
    assert sorted(session.undo().read_ids) == sorted(first)
    assert session.undo() is None


def test_an_unstar_is_undone_with_its_snapshot_and_time(store, today):
    """Issue 13: unstarring in the Starred view dropped the only copy of a paper from an old digest."""
    old = Paper(id="2401.00001", title="From an old digest", url="https://arxiv.org/abs/2401.00001")
    kept = store.star(old, "2024-01-02")
    session = session_of(store, today)
    session.select(STARRED)
    session.mark_all_read(session.visible())
    assert session.toggle_star(old) is False and not store.is_starred(old.id)
    step = session.undo()
    assert step.star == kept
    assert store.star_for(old.id) == kept, "the same snapshot, digest and starred_at"
    assert [paper.id for paper in session.visible()] == [old.id]
    assert session.counts()[-1].total == 1
    assert session.undo().read_ids == (old.id,), "then the A before it"
    assert session.undo() is None


def test_undo_keeps_only_the_newest_steps(store):
    session = session_of(store, small_digest())
    for _ in range(UNDO_DEPTH + 3):
        session.mark_all_read(session.visible())
        session.mark_read([paper.id for paper in session.visible()], False)
    steps = 0
    while session.undo():
        steps += 1
    assert steps == UNDO_DEPTH


def test_next_unread_walks_the_list_then_the_next_sections(store):
    session = session_of(store, small_digest())
    session.select("A")
    papers = session.visible()
    assert session.next_unread(papers, 0, 1) == ("A", "2601.00002")
    session.mark_read(["2601.00002", "2601.00003"], True)
    assert session.next_unread(papers, 0, 1) == ("B", "2601.00004"), "b1 is read: the first unread of B"
    session.select("C")
    assert session.next_unread(session.visible(), 0, -1) == ("B", "2601.00004"), "backwards: the last unread of B"
    assert session.next_unread(session.visible(), 0, 1) is None
    session.select(ALL)
    assert session.next_unread(session.visible(), 4, 1) is None, "All does not walk into sections"


def test_next_unread_respects_the_search(store):
    session = session_of(store, small_digest())
    session.install_index(PaperIndex.build(session.digest.papers))
    session.select("A")
    session.set_query(parse_query("c1"))
    assert session.next_unread(session.visible(), 0, 1) == ("C", "2601.00005")


def test_next_unread_walks_back_up_the_list(store):
    session = session_of(store, small_digest())
    papers = session.visible()
    assert session.next_unread(papers, 4, -1) == (ALL, "2601.00004"), "the row just above"
    session.mark_read(["2601.00002", "2601.00003", "2601.00004"], True)
    assert session.next_unread(papers, 4, -1) == (ALL, "2601.00001"), "over read rows, up to the first row"
    assert session.next_unread(papers, 0, -1) is None


def test_next_unread_enters_a_section_at_its_near_end(store):
    session = session_of(store, small_digest())
    session.select("A")
    assert session.next_unread(session.visible(), 1, 1) == ("B", "2601.00003"), "forwards: the first of B"
    session.select("C")
    assert session.next_unread(session.visible(), 0, -1) == ("B", "2601.00004"), "backwards: the last of B"


def test_manual_mode_never_marks_by_showing(store, today):
    session = session_of(store, today, mark_read_delay=1.0)
    session.show(today.papers[0], 0.0, chosen=True)
    assert session.auto_read.deadline is None and session.read_if_due(100.0) is None
    assert session.show(today.papers[1], 100.0, chosen=True) is None and not session.is_read(FIRST_ID)


def test_the_configured_delay_is_the_one_waited_for(store, today):
    session = ReadingSession(store, Config(mark_read="auto", mark_read_delay=2.0), today)
    session.show(today.papers[0], 0.0, chosen=True)
    assert session.read_if_due(1.0) is None and session.auto_read.deadline == 2.0
    assert session.read_if_due(2.0) == FIRST_ID


def test_showing_a_read_paper_sets_no_timer_and_emptying_the_pane_leaves_the_paper(store, today):
    session = ReadingSession(store, Config(mark_read="auto", mark_read_delay=1.0), today)
    session.mark_read([FIRST_ID], True)
    session.show(today.papers[0], 0.0, chosen=True)
    assert session.auto_read.deadline is None
    second = today.papers[1]
    session.show(second, 1.0, chosen=True)
    assert session.show(None, 3.0, chosen=True) == second.id and session.is_read(second.id)
    assert session.auto_read.deadline is None


def test_a_paper_marked_read_meanwhile_is_not_reported_again(store, today):
    session = ReadingSession(store, Config(mark_read="auto", mark_read_delay=1.0), today)
    session.show(today.papers[0], 0.0, chosen=True)
    session.mark_all_read(today.papers[:3])
    assert session.read_if_due(1.0) is None, "A marked it already: nothing became read"
    session.show(today.papers[3], 2.0, chosen=True)
    session.mark_read([today.papers[3].id], True)
    assert session.show(today.papers[4], 5.0, chosen=True) is None


def test_reconfigure_switches_the_auto_read_rule_both_ways(store, today):
    session = session_of(store, today)
    session.reconfigure(Config(mark_read="auto", mark_read_delay=2.0))
    session.show(today.papers[0], 0.0, chosen=True)
    assert session.read_if_due(1.0) is None and session.read_if_due(2.0) == FIRST_ID
    session.reconfigure(Config(mark_read="manual", mark_read_delay=2.0))
    second = today.papers[1]
    session.show(second, 10.0, chosen=True)
    assert session.read_if_due(20.0) is None and session.show(None, 30.0, chosen=True) is None and not session.is_read(second.id)


def test_reconfigure_takes_new_interests_and_raw_latex(store, today):
    session = session_of(store, today, interests=["OOD"])
    assert session.counts()[0].interesting == 2 and session.counts()[1].interesting == 2
    session.reconfigure(Config(mark_read="manual", interests=["ICONIC"], raw_latex=True))
    assert session.interest_matches(today.papers[0]) == ["ICONIC"]
    assert session.counts()[0].interesting == 1, "the old matches are forgotten"
    assert session.math("$x^2$") == "$x^2$"


def test_dropping_the_interests_clears_the_interest_filter_from_the_header(store, today):
    session = session_of(store, today, interests=["OOD"])
    session.toggle_filter("interests_only")
    assert session.header(2)[1] == "128 papers  ·  128 unread  ·  4 sections  ·  2 shown"
    session.reconfigure(Config(mark_read="manual"))
    assert session.header(128)[1] == "128 papers  ·  128 unread  ·  4 sections"


def test_interest_matches_computed_off_thread_are_taken_while_the_interests_hold(store, today):
    session = session_of(store, today, interests=["OOD"])
    assert session.counts()[0].interesting == 2
    third = today.papers[40]  # cs.CL: no OOD in it
    assert not session.cache_interests(Interests(["OOD"], []), {third.id: ["OOD"]}), "other interests: stale"
    assert session.counts()[0].interesting == 2 and not session.is_interesting(third)
    assert session.cache_interests(session.interests, {third.id: ["OOD"]})
    assert session.is_interesting(third) and session.counts()[0].interesting == 3


def test_a_star_remembers_the_day_it_came_from(store, today):
    dated = Digest(name="2026-01-16", date="2026-01-16", sections=today.sections, papers=today.papers)
    session = session_of(store, dated)
    assert not session.is_starred(FIRST_ID)
    assert session.toggle_star(today.papers[0]) is True and session.is_starred(FIRST_ID)
    assert store.star_for(FIRST_ID).digest == "2026-01-16"
    session.set_digest(today)
    session.toggle_star(today.papers[1])
    assert store.star_for(today.papers[1].id).digest == "today.md", "no date: the file name"
    assert session.toggle_star(today.papers[0]) is False and not session.is_starred(FIRST_ID)


def test_a_row_shows_the_title_as_math_and_every_mark(store):
    papers = [Paper(id="2601.00001", title="$x^2$ scaling"), Paper(id="2601.00002", title="other")]
    session = session_of(store, Digest(name="rows.md", sections=[Section("A", papers)], papers=papers), interests=["scaling"])
    session.mark_read(["2601.00001"], True)
    session.toggle_star(papers[0])
    assert session.row(papers[0]) == RowInfo(title="x² scaling", read=True, starred=True, interesting=True, highlights=())
    assert session.row(papers[1]) == RowInfo(title="other")
    session.set_query(parse_query("scaling"))
    assert session.row(papers[0]).highlights == ((3, 10),)
    session.set_query(parse_query("-other"))
    assert session.row(papers[0]).highlights == (), "a negated word is not marked"


def test_a_row_names_its_category_where_the_list_mixes_them_and_its_first_author(store, today):
    session = session_of(store, today)
    first = today.papers[0]
    row = session.row(first)
    assert row.category == "cs.CV" and row.authors == "Gerhard Krumpl et al."
    session.select("cs.CV")
    assert session.row(first).category == "", "a section lists one category"
    session.set_query(parse_query("OOD"))
    assert session.row(first).category == "cs.CV", "search results mix them again"
    lone = Paper(id="2601.00009", title="t", authors=("Ada Lovelace",))
    assert session.row(lone).authors == "Ada Lovelace" and session.row(Paper(id="2601.00008", title="u")).authors == ""


def test_search_by_read_and_starred_state(store):
    session = session_of(store, small_digest())
    session.install_index(PaperIndex.build(session.digest.papers))
    session.select("A")
    session.mark_read(["2601.00001"], True)
    session.set_query(parse_query("is:unread"))
    assert [paper.id for paper in session.visible()] == ["2601.00002"]
    session.toggle_star(session.digest.papers[0])
    session.set_query(parse_query("is:starred"))
    assert [paper.id for paper in session.visible()] == ["2601.00001"]


def test_header_while_loading_filtered_on_all_and_for_the_sample(store):
    session = ReadingSession(store, Config(mark_read="manual"), small_digest(), loading=True)
    assert session.header(0) == ("small.md", "5 papers  ·  5 unread  ·  3 sections  ·  loading…")
    assert session.empty_message() == "Loading…"
    session.loading = False
    session.toggle_filter("unread_only")
    assert session.header(5, sample=True) == ("small.md (bundled sample)", "5 papers  ·  5 unread  ·  3 sections  ·  5 shown")


def test_a_search_that_finds_nothing_says_how_to_clear_it(store):
    session = session_of(store, small_digest())
    session.install_index(PaperIndex.build(session.digest.papers))
    session.set_query(parse_query("nowhere"))
    assert session.visible() == [] and session.empty_message() == "No papers match the search (escape clears it)."


def test_toggle_view_goes_back_and_forth(store, today):
    session = session_of(store, today)
    assert session.toggle_view() == "abstract" and session.toggle_view() == "summary"
    assert session_of(store, today).view == "summary"


def test_toggle_read_is_the_users_word(store, today):
    session = ReadingSession(store, Config(mark_read="auto", mark_read_delay=1.0), today)
    paper = today.papers[0]
    session.show(paper, 0.0, chosen=True)
    assert session.toggle_read(paper) is True
    assert session.toggle_read(paper) is False
    assert session.show(today.papers[1], 5.0, chosen=True) is None and not session.is_read(paper.id), "leaving does not undo the user's r"


def test_show_and_read_if_due_mark_the_store(store, today):
    session = ReadingSession(store, Config(mark_read="auto", mark_read_delay=1.0), today)
    first, second = today.papers[:2]
    session.show(first, 0.0, chosen=True)
    assert session.read_if_due(0.5) is None
    assert session.read_if_due(1.0) == FIRST_ID and store.is_read(FIRST_ID)
    session.show(second, 2.0, chosen=True)
    assert session.show(first, 3.5, chosen=True) == second.id and store.is_read(second.id)


def test_toggle_view_is_remembered_in_the_store(store, today):
    session = session_of(store, today)
    assert session.toggle_view() == "abstract"
    assert session_of(store, today).view == "abstract"


def test_set_digest_is_the_one_reset(store, today):
    session = session_of(store, small_digest())
    session.select("B")
    session.install_index(PaperIndex.build(session.digest.papers))
    session.toggle_filter("unread_only")
    session.set_digest(today)
    assert session.scope == ALL, "B is not a section of the new digest"
    assert session.index is None and session.filters.unread_only
    store.set_read(FIRST_ID, True)
    session.set_digest(today)
    assert session.is_read(FIRST_ID), "read marks are asked again"


def test_interests_and_reconfigure(store, today):
    session = session_of(store, today, interests=["OOD"])
    assert session.is_interesting(today.papers[0]) and session.interest_keywords(today.papers[0]) == ["OOD"]
    session.toggle_filter("interests_only")
    assert 0 < len(session.visible()) < 128
    session.reconfigure(Config(mark_read="manual"))
    assert session.interests is None and not session.filters.interests_only
    assert session.empty_message() == "No papers."


def test_math_follows_the_raw_latex_setting(store, today):
    assert session_of(store, today).math("$x^2$") == "x²"
    assert session_of(store, today, raw_latex=True).math("$x^2$") == "$x^2$"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda s: s.set_digest(Digest(name="empty.md")), "This digest has no papers (an empty day)."),
        (lambda s: s.select(STARRED), "Nothing starred yet: press s on a paper to star it."),
        (lambda s: s.toggle_filter("unread_only"), "No papers match (u shows read papers again)."),
        (lambda s: s.toggle_filter("interests_only"), "No papers match your interests here (m shows all)."),
    ],
)
def test_empty_messages_say_which_key_brings_papers_back(store, setup, message):
    session = session_of(store, small_digest())
    setup(session)
    assert session.empty_message() == message
    session.loading = True
    assert session.empty_message() == "Loading…"


# -- marks from another instance against this one's auto-read (issue 11) -------------------


def test_the_paper_on_show_shown_again_keeps_its_showing():
    """A redraw (a load that grew, marks from elsewhere) shows the same paper again: its
    timer neither restarts nor comes back after it fired."""
    rule = AutoRead(delay=1.0)
    rule.show("x", 0.0, already_read=False)
    assert rule.show("x", 0.8, already_read=False) is None and rule.deadline == 1.0, "not restarted"
    assert rule.due(1.0) == "x"
    assert rule.show("x", 2.0, already_read=False) is None and rule.deadline is None, "not re-armed"
    assert rule.show("y", 5.0, already_read=False) is None, "x is not marked again by leaving it"


def two_sessions(tmp_path: Path, today: Digest) -> tuple[ReadingSession, MarkStore]:
    """A session of instance A (auto-read, 1 s) and the store of instance B, on one state file."""
    mine = MarkStore.open(tmp_path / "state.toml", save_delay=None)
    other = MarkStore.open(tmp_path / "state.toml", save_delay=None)
    return ReadingSession(mine, Config(mark_read="auto", mark_read_delay=1.0), today), other


def pick_up(session: ReadingSession) -> None:
    session.store.flush()
    session.store.refresh()
    session.sync_read()


def test_an_unread_from_another_instance_is_not_undone_by_leaving(tmp_path, today):
    session, other = two_sessions(tmp_path, today)
    x = today.papers[0]
    session.show(x, 0.0, chosen=True)
    assert session.read_if_due(1.0) == x.id
    pick_up(session)
    other.refresh()
    other.set_read(x.id, False)
    other.flush()
    pick_up(session)
    assert not session.is_read(x.id)
    session.show(x, 3.0, chosen=True)  # a redraw of the paper still on show
    assert session.show(today.papers[1], 9.0, chosen=True) is None
    pick_up(session)
    assert not session.is_read(x.id)
    assert not MarkStore.open(tmp_path / "state.toml", save_delay=None).is_read(x.id)


def test_a_mark_that_arrived_from_the_file_is_not_overridden_by_a_stale_timer(tmp_path, today):
    session, other = two_sessions(tmp_path, today)
    x = today.papers[0]
    session.show(x, 0.0, chosen=True)  # unread: its timer is due at 1.0
    other.set_read(x.id, True)
    other.flush()
    pick_up(session)
    other.set_read(x.id, False)  # B changed its mind: unread, on purpose
    other.flush()
    pick_up(session)
    assert not session.is_read(x.id)
    assert session.read_if_due(1.0) is None, "the timer armed before B's marks is stale"
    assert session.show(today.papers[1], 5.0, chosen=True) is None
    pick_up(session)
    assert not MarkStore.open(tmp_path / "state.toml", save_delay=None).is_read(x.id)


def test_auto_read_records_nothing_for_a_paper_already_read(tmp_path, today):
    """A no-op read mark would still be saved as this instance's intent, over the file."""
    store = MarkStore.open(tmp_path / "state.toml", save_delay=None)
    session = ReadingSession(store, Config(mark_read="auto", mark_read_delay=1.0), today)
    x = today.papers[0]
    session.show(x, 0.0, chosen=True)
    session.mark_read([x.id], True)
    store._pending.read.clear()
    assert session.read_if_due(1.0) is None and not store._pending.read


def test_a_delay_of_zero_reads_a_chosen_paper_as_it_is_shown_with_no_timer(store, today):
    """Issue 11: mark_read_delay = 0 gave the UI a timer of 0 s, which Textual divides by."""
    session = ReadingSession(store, Config(mark_read="auto", mark_read_delay=0.0), today)
    first, second = today.papers[:2]
    assert session.show(first, 5.0, chosen=True) == first.id and session.is_read(first.id)
    assert session.auto_read.deadline is None, "no timer of 0 s for the UI"
    assert session.show(second, 5.0, chosen=False) is None and not session.is_read(second.id), "landing reads nothing"
    session.reconfigure(Config(mark_read="auto", mark_read_delay=0.01))
    assert session.show(first, 6.0, chosen=True) is None  # read already
    assert session.show(second, 6.0, chosen=True) == second.id and session.auto_read.deadline is None


def test_a_paper_due_exactly_at_once_later_gets_a_timer(store, today):
    """Only a paper due sooner than AT_ONCE is read as it is shown."""
    session = ReadingSession(store, Config(mark_read="auto", mark_read_delay=AT_ONCE), today)
    assert session.show(today.papers[0], 0.0, chosen=True) is None and session.auto_read.deadline == AT_ONCE


def test_a_start_resumes_where_the_digest_was_left_else_at_its_first_unread(store, today):
    """Issue 13: reopening returns to the paper on show; a first open starts at the first unread."""
    session = session_of(store, today)
    session.mark_read([paper.id for paper in today.papers[:3]], True)
    assert session.start_paper() == today.papers[3].id, "first open: the first unread paper of All"
    session.select("cs.CL")
    chosen = session.visible()[5]
    session.show(chosen, 0.0, chosen=True)
    again = session_of(store, today)
    assert again.start_paper() == chosen.id
    other_day = Digest(name="other.md", sections=[Section("cs.AI", [today.papers[0]])], papers=[today.papers[0]], entries=[("cs.AI", today.papers[0])])
    assert session_of(store, other_day).start_paper() == today.papers[0].id, "positions are per digest"


def test_a_remembered_paper_no_longer_in_the_digest_is_not_resumed(store, today):
    session = session_of(store, today)
    store.set_setting(f"position {today.name}", "9999.99999")
    assert session.start_paper() == FIRST_ID


def test_the_header_counts_in_the_singular_and_says_how_many_repeats_were_merged(store):
    one = Paper(id="2601.00001", title="one")
    digest = Digest(name="one.md", sections=[Section("cs.AI", [one])], papers=[one], entries=[("cs.AI", one), ("cs.AI", one), ("cs.CL", one)])
    assert session_of(store, digest).header(1)[1] == "1 paper (2 repeats merged)  ·  1 unread  ·  1 section"
    weekend = load(TODAY.parent / "dw-dengwei__daily-arXiv-ai-enhanced__2025-03-18.md")
    repeats = len(weekend.entries) - len(weekend.papers)
    assert repeats > 0 and f"({repeats} repeats merged)" in session_of(store, weekend).header(0)[1]


def test_a_row_carries_a_forks_relevance_score_and_translated_title(store):
    """Issue 13: rows show a fork's relevance score or translated title where the file has one."""
    rated = Paper(id="2601.00011", title="Rated", extra=(("Recommendation", "★★★☆☆ (56/100) - 与 Zotero 兴趣画像匹配。"),))
    percent = Paper(id="2601.00012", title="Percent", extra=(("相关性", "55%"), ("Translated title", "百分比")))
    words = Paper(id="2601.00013", title="Words", extra=(("Relevance", "Moderately relevant."),))
    papers = [rated, percent, words]
    session = session_of(store, Digest(name="rated.md", sections=[Section("A", papers)], papers=papers))
    assert session.row(rated).relevance == "56/100"
    assert (session.row(percent).relevance, session.row(percent).translated_title) == ("55%", "百分比")
    assert session.row(words).relevance == "" and session.row(words).translated_title == ""
    real = load(TODAY.parent / "forks" / "Troy9748__daily-arXiv-ai-enhanced__2026-02-28.md")
    assert any(session_of(store, real).row(paper).relevance for paper in real.papers)


def test_saved_searches_wait_for_a_load_and_the_index_is_built_once(store, monkeypatch):
    digest = small_digest()
    session = ReadingSession(store, Config(mark_read="manual", searches={"first": "a1"}), digest, loading=True)
    assert session.saved_papers("first") == [] and session.index is None, "a digest still loading is indexed in the background"
    session.loading = False
    assert session.saved_papers("first") == [digest.papers[0]] and session.saved_papers("no such search") == []
    index = session.index
    assert session.hidden() == frozenset() and session.saved_papers("first") == [digest.papers[0]] and session.index is index
    monkeypatch.setattr(finding, "IN_PLACE_LIMIT", len(digest.papers))
    assert session_of(store, digest, searches={"first": "a1"}).saved_papers("first") == [digest.papers[0]], "a digest of the limit is indexed at once"
    monkeypatch.setattr(finding, "IN_PLACE_LIMIT", len(digest.papers) - 1)
    assert session_of(store, digest, searches={"first": "a1"}).saved_papers("first") == []


def test_reconfigure_keeps_the_matches_of_unchanged_interests(store, today):
    session = ReadingSession(store, Config(mark_read="manual", interests=["diffusion"]), today)
    interests = session.interests
    assert session.reconfigure(Config(mark_read="auto", interests=["diffusion"], searches={"x": "cat:cs.CV"})) is False
    assert session.interests is interests, "saving a search does not match every paper again"
    assert session.reconfigure(Config(mark_read="auto", interests=["attention"])) is True
    assert session.interests is not interests and session.interests.matches(today.papers[0]) == session.interest_matches(today.papers[0])
