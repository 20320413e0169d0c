"""Mute rules: the config key, which papers they hide from lists and counts, and what never hides."""

from __future__ import annotations

import re

import pytest
from app_support import make_app, screen_text
from test_config import write
from test_session import session_of, small_digest
from test_session_tags import store  # noqa: F401 (fixture)

from reader.core.config import Config, ConfigError, load_config
from reader.core.model import Digest, Paper, Section
from reader.core.mute import Muting, muted_ids, parse_rules
from reader.core.search import SearchIndex


def test_mute_rules_load_and_a_bad_rule_names_its_line(tmp_path):
    path = write(tmp_path, 'mute = ["-cat:cs.CV survey", "author:Someone"]\n')
    assert load_config(path).mute == ["-cat:cs.CV survey", "author:Someone"]
    path = write(tmp_path, 'interests = ["x"]\nmute = [\n  "quantum",\n  "is:maybe",\n]\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == (
        f'{path} line 4: mute rule "is:maybe" cannot be read: unknown state "is:maybe" (read, unread or starred) (at character 4)'
    )
    for line, message in (('mute = "quantum"', "a list of search queries, not 'quantum'"), ("mute = [1]", "a list of strings, not [1]")):
        with pytest.raises(ConfigError, match=re.escape(f"mute must be {message}")):
            load_config(write(tmp_path, line + "\n"))
    assert "did you mean mute?" in load_config(write(tmp_path, 'mutes = ["x"]\n')).warnings[0]


def muted_digest() -> Digest:
    papers = [
        Paper(id="2601.00001", title="Diffusion survey", category="cs.CV"),
        Paper(id="2601.00002", title="Diffusion survey", category="cs.LG"),
        Paper(id="2601.00003", title="Quantum walks", category="cs.LG", authors=("Some One",)),
        Paper(id="2601.00004", title="Kept", category="cs.LG"),
    ]
    sections = [Section("cs.CV", papers[:1]), Section("cs.LG", papers[1:])]
    return Digest(name="muted.md", sections=sections, papers=papers)


def titles(session, scope=None):
    return [paper.id[-1] for paper in session.visible(scope)]


def test_muted_papers_leave_lists_and_counts_and_the_header_says_how_many(store):  # noqa: F811
    session = session_of(store, muted_digest(), mute=["-cat:cs.CV survey", "author:\"some one\""])
    assert titles(session) == ["1", "4"]
    assert titles(session, "cs.LG") == ["4"]
    assert [(line.label, line.total, line.unread) for line in session.counts()][:3] == [("All", 2, 2), ("cs.CV", 1, 1), ("cs.LG", 1, 1)]
    assert "2 muted" in session.header(2)[1] and "2 unread" in session.header(2)[1]
    assert session.toggle_filter("show_muted") is True
    assert titles(session) == ["1", "2", "3", "4"] and session.counts()[0].total == 4
    assert "muted" not in session.header(4)[1]


def test_a_starred_or_tagged_paper_is_never_hidden(store):  # noqa: F811
    digest = muted_digest()
    session = session_of(store, digest, mute=["survey", "quantum"])
    assert titles(session) == ["4"]
    session.toggle_star(digest.papers[0])
    session.toggle_later(digest.papers[2])
    assert titles(session) == ["1", "3", "4"]
    assert session.counts()[0].total == 3


def test_every_paper_muted_says_which_key_shows_them(store):  # noqa: F811
    session = session_of(store, muted_digest(), mute=["diffusion", "quantum", "kept"])
    assert session.visible() == [] and session.empty_message() == "Every paper here is muted (M shows them)."


def test_no_rules_hide_nothing(store):  # noqa: F811
    session = session_of(store, small_digest())
    assert not session.muting and session.hidden() == frozenset()
    assert "muted" not in session.header(5)[1]


async def test_M_shows_and_hides_the_muted_papers(tmp_path):
    app = make_app(tmp_path, config=Config(mark_read="manual", mute=["cat:cs.CV"]))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        shown = len(app.main.paper_list.papers)
        assert all(paper.category != "cs.CV" for paper in app.main.paper_list.papers)
        assert "35 muted" in screen_text(app)
        await pilot.press("M")
        assert len(app.main.paper_list.papers) == shown + 35
        assert "Showing muted papers too" in screen_text(app)
        assert app.main.sections.entries[0].label == "All" and app.session.counts()[0].total == shown + 35
        await pilot.press("M")
        assert len(app.main.paper_list.papers) == shown


async def test_M_without_rules_says_how_to_add_them(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("M")
        assert "No mute rules" in screen_text(app)


def test_rules_on_marks_ask_the_marks_they_are_given():
    papers = muted_digest().papers
    queries = parse_rules(["is:starred", "tag:later", "has:note"])
    found = muted_ids(
        queries,
        SearchIndex(papers),
        papers,
        is_read=lambda paper_id: False,
        is_starred=lambda paper_id: paper_id == "2601.00001",
        has_tag=lambda paper_id, tag: (paper_id, tag) == ("2601.00002", "later"),
        notes={"2601.00003": "a note"},
    )
    assert found == {"2601.00001", "2601.00002", "2601.00003"}


def test_the_rules_are_matched_once_per_index():
    papers = muted_digest().papers
    asked = []

    def marks():
        asked.append(1)
        return {"is_read": lambda paper_id: False, "is_starred": lambda paper_id: False, "has_tag": None, "notes": {}}

    muting, index = Muting(["kept"]), SearchIndex(papers)
    assert muting.matched(index, papers, marks) == {"2601.00004"}
    assert muting.matched(index, papers, marks) == {"2601.00004"} and len(asked) == 1
    assert muting.matched(SearchIndex(papers[:3]), papers[:3], marks) == frozenset() and len(asked) == 2


def test_counts_kept_between_marks_are_what_a_new_session_counts(store):  # noqa: F811
    """The sidebar keeps the muted ids, the interesting ids and each list's unmuted ids between
    recounts (a year's sidebar is counted on every mark): after every kind of mark they must be
    what a session that keeps nothing counts on the same marks."""
    digest = muted_digest()
    settings = {"mute": ["survey", "quantum"], "interests": ["diffusion", "walks"], "searches": {"lg": "cat:cs.LG is:unread"}}
    session = session_of(store, digest, **settings)
    marks = [
        lambda: session.toggle_read(digest.papers[3]),
        lambda: session.toggle_star(digest.papers[0]),  # a starred paper is never muted
        lambda: session.edit_tags(digest.papers[2], "keep"),  # nor a tagged one
        lambda: session.toggle_read(digest.papers[2]),
        lambda: session.toggle_star(digest.papers[0]),
        lambda: session.edit_tags(digest.papers[2], "-keep"),
        lambda: session.toggle_filter("show_muted"),
    ]
    for mark in marks:
        session.counts()  # the caches are filled before each mark
        mark()
        fresh = session_of(store, digest, **settings)
        fresh.filters = session.filters
        assert session.counts() == fresh.counts()
        assert session.hidden() == fresh.hidden()
