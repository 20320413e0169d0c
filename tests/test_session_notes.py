"""Notes in the reading session: saving one, and has:note and note words in search."""

from __future__ import annotations

import pytest
from test_session import session_of, small_digest
from test_session_tags import store  # noqa: F401 (fixture)

from reader.core.search import QueryError, SearchIndex, folded_notes, parse_query
from reader.core.session import PaperIndex
from reader.core.store.notes import CONFLICT_MARK


def test_set_note_says_what_it_did(store):  # noqa: F811
    digest = small_digest()
    session = session_of(store, digest)
    a1 = digest.papers[0]
    assert session.set_note(a1, "first") == "Note added"
    assert session.set_note(a1, "first\n") == "Note unchanged"
    assert session.set_note(a1, "second") == "Note saved"
    assert session.note_of(a1.id) == "second"
    assert session.set_note(a1, "  ") == "Note removed"
    assert session.note_of(a1.id) is None


def test_set_note_over_a_note_another_window_changed_says_both_are_kept(store):  # noqa: F811
    digest = small_digest()
    session = session_of(store, digest)
    a1, a2 = digest.papers[:2]
    session.set_note(a1, "first")
    session.set_note(a2, "first")
    store.set_note(a1, "theirs")  # another window's edit, while this one's editor shows "first"
    store.set_note(a2, "theirs")
    assert session.set_note(a1, "mine", over="first") == "Note saved, and another window's change kept in it"
    assert session.note_of(a1.id) == "mine" + CONFLICT_MARK + "theirs"
    assert session.set_note(a2, "", over="first") == "Note kept: another window changed it"
    assert session.note_of(a2.id) == "theirs"


def test_has_note_and_note_words_in_search(store):  # noqa: F811
    digest = small_digest()
    session = session_of(store, digest)
    session.install_index(PaperIndex.build(digest.papers))
    session.set_note(digest.papers[1], "Ask Ana about the Ablation")
    session.set_note(digest.papers[3], "chapter 3")
    for query, titles in (
        ("has:note", ["a2", "b2"]),
        ("-has:note", ["a1", "b1", "c1"]),
        ("ablation", ["a2"]),  # folded like the papers' text
        ('"ana about"', ["a2"]),
        ("-chapter", ["a1", "a2", "b1", "c1"]),
        ("a1 -ablation", ["a1"]),  # a paper's own text still matches
    ):
        session.set_query(parse_query(query))
        assert [paper.title for paper in session.visible()] == titles, query


def test_notes_are_searched_among_a_subset_too():
    index = SearchIndex([paper for paper in small_digest().papers])
    notes = folded_notes({"2601.00002": "Zürich", "9999.99999": "zurich elsewhere"})  # a note on no paper here
    found = index.filter(parse_query("zurich"), is_read=lambda _: False, is_starred=lambda _: False, notes=notes, among=[0, 1, 2])
    assert found == [1]


def test_has_knows_only_note():
    with pytest.raises(QueryError, match=r'unknown "has:star" \(has:note\)'):
        parse_query("has:star")
