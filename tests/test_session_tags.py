"""Tags in the reading session: the tag line, Later, the Tags group, tag views and tag: in search."""

from __future__ import annotations

import pytest
from test_session import session_of, small_digest

from reader.core.library import ALL, STARRED, tag_scope
from reader.core.model import Digest, Paper, Section
from reader.core.search import QueryError, parse_query
from reader.core.session import PaperIndex
from reader.core.store import MarkStore


@pytest.fixture
def store():
    store = MarkStore.open(None)
    yield store
    store.close()


def lines(session):
    return [(line.label, line.total, line.unread) for line in session.counts()]


def test_no_tags_no_tags_group(store):
    session = session_of(store, small_digest())
    assert [line.key for line in session.counts()][-1] == STARRED
    assert session.tag_names() == ["Later"]  # built in: offered even before it is used


def test_the_tag_line_adds_and_removes_several_tags(store):
    digest = small_digest()
    session = session_of(store, digest)
    a1 = digest.papers[0]
    assert session.edit_tags(a1, "group meeting, Later") == "Tagged group meeting, Later"
    assert session.edit_tags(a1, "-later, ML, -nothing") == "Tagged ML; untagged later"
    assert session.tags_of(a1.id) == ("group meeting", "ML")
    assert session.edit_tags(a1, " , -") == "No tag changed"


def test_later_toggles_and_the_tags_group_counts(store):
    digest = small_digest()
    session = session_of(store, digest)
    a1, b1 = digest.papers[0], digest.papers[2]
    assert session.toggle_later(a1) is True
    session.edit_tags(b1, "ml")
    session.mark_read([b1.id], True)
    assert lines(session)[-4:] == [("Starred", 0, 0), ("Tags", 2, 1), ("  Later", 1, 1), ("  ml", 1, 0)]
    assert session.toggle_later(a1) is False
    assert lines(session)[-2:] == [("Tags", 1, 0), ("  ml", 1, 0)]


def test_a_tag_view_lists_snapshots_from_any_day(store):
    old = Paper(id="2512.00001", title="From December")
    session_of(store, Digest(name="old.md", sections=[Section("X", [old])], papers=[old])).toggle_later(old)
    digest = small_digest()
    session = session_of(store, digest)
    session.toggle_later(digest.papers[1])
    assert session.select(tag_scope("LATER")) is True
    assert [paper.id for paper in session.visible()] == ["2512.00001", digest.papers[1].id]
    assert session.row(old).category == "" and session.row(old).title == "From December"
    assert session.select(tag_scope("")) is True  # the group: every tagged paper
    assert len(session.visible()) == 2
    session.set_digest(small_digest())  # a reload keeps a tag view
    assert session.scope == tag_scope("")


def test_an_empty_tag_view_says_which_keys_tag(store):
    session = session_of(store, small_digest())
    session.select(tag_scope("Later"))
    assert session.visible() == []
    assert "T on a paper" in session.empty_message()


def test_a_tag_view_does_not_move_the_remembered_position(store):
    digest = small_digest()
    session = session_of(store, digest)
    session.toggle_later(digest.papers[3])
    session.select(tag_scope("later"))
    session.show(digest.papers[3], 0.0, chosen=True)
    assert store.get_setting("position small.md") is None


def test_tag_in_search(store):
    digest = small_digest()
    session = session_of(store, digest)
    session.install_index(PaperIndex.build(digest.papers))
    session.edit_tags(digest.papers[0], "Group Meeting")
    session.toggle_later(digest.papers[2])
    session.set_query(parse_query('tag:"group  meeting"'))
    assert [paper.title for paper in session.visible()] == ["a1"]
    session.set_query(parse_query("-tag:later -tag:GROUP-MEETING"))
    assert [paper.title for paper in session.visible()] == ["a1", "a2", "b2", "c1"]
    session.select(tag_scope(""))
    session.set_query(parse_query("tag:later"))
    assert [paper.title for paper in session.visible()] == ["b1"]
    session.select(ALL)
    session.set_query(parse_query("tag:nothing"))
    assert session.visible() == []


def test_tag_needs_a_value():
    with pytest.raises(QueryError, match='"tag:" needs a value'):
        parse_query("tag:")


def test_later_remembers_the_digest_it_was_put_on_from(store):
    digest = small_digest()
    digest.date = "2026-01-16"
    session_of(store, digest).toggle_later(digest.papers[0])
    assert [entry.digest for entry in store.tagged(None)] == ["2026-01-16"]
