"""The library: a digest indexed by sidebar entry, the filters, and the sidebar's exact counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.core.library import ALL, STARRED, Count, Filters, Library
from reader.core.model import Digest, Paper, Section

A1, A2, B1, B2 = (Paper(id=f"2601.0000{index}", title=name) for index, name in enumerate(["a1", "a2", "b1", "b2"], 1))
ELSEWHERE = Paper(id="2512.00001", title="starred on another day")


def digest() -> Digest:
    """A then B then A again: a section name repeated later in the file is one entry."""
    sections = [Section("A", [A1]), Section("B", [B1, B2]), Section("A", [A2])]
    return Digest(name="lib.md", sections=sections, papers=[A1, B1, B2, A2])


def ids(papers: list[Paper]) -> list[str]:
    return [paper.id for paper in papers]


def test_keys_are_all_then_sections_in_file_order_then_starred():
    library = Library(digest())
    assert library.keys == [ALL, "A", "B", STARRED]
    assert library.section_keys == ["A", "B"]
    assert ids(library.papers("A")) == [A1.id, A2.id], "a repeated section gathers its papers under one entry"
    assert ids(library.papers(ALL)) == [A1.id, B1.id, B2.id, A2.id]


def test_starred_comes_from_the_store_and_an_unknown_key_is_empty():
    library = Library(digest())
    assert ids(library.papers(STARRED, [ELSEWHERE, A1])) == [ELSEWHERE.id, A1.id]
    assert library.papers(STARRED) == []
    assert library.papers("no such section") == []
    nothing = library.visible("no such section", Filters(unread_only=True), is_read=lambda _: False, is_interesting=lambda _: True)
    assert nothing == []


def test_filters_narrow_and_combine_in_digest_order():
    library = Library(digest())
    read = {B1.id}.__contains__
    interesting = lambda paper: paper in (B1, B2, A2)  # noqa: E731
    visible = lambda filters: ids(library.visible(ALL, filters, is_read=read, is_interesting=interesting))  # noqa: E731
    assert visible(Filters()) == [A1.id, B1.id, B2.id, A2.id]
    assert visible(Filters(unread_only=True)) == [A1.id, B2.id, A2.id]
    assert visible(Filters(interests_only=True)) == [B1.id, B2.id, A2.id]
    assert visible(Filters(unread_only=True, interests_only=True)) == [B2.id, A2.id]


def test_counts_are_exact_per_entry():
    library = Library(digest())
    counts = library.counts(is_read={A1.id, B2.id}.__contains__, is_interesting=lambda paper: paper in (A2, B1, B2, ELSEWHERE), starred=[ELSEWHERE])
    assert counts == [
        Count(ALL, "All", 4, 2, 3),
        Count("A", "A", 2, 1, 1),
        Count("B", "B", 2, 1, 2),
        Count(STARRED, "Starred", 1, 1, 1),
    ]


def test_without_interests_every_interesting_count_is_zero():
    library = Library(digest())
    counts = library.counts(is_read=lambda _: True, is_interesting=None, starred=[])
    assert [(count.key, count.total, count.unread, count.interesting) for count in counts] == [
        (ALL, 4, 0, 0),
        ("A", 2, 0, 0),
        ("B", 2, 0, 0),
        (STARRED, 0, 0, 0),
    ]


def test_an_empty_day_still_has_all_and_starred():
    library = Library(Digest(name="empty.md"))
    assert library.keys == [ALL, STARRED] and library.section_keys == []
    assert library.counts(is_read=lambda _: False, is_interesting=None, starred=[]) == [
        Count(ALL, "All", 0, 0, 0),
        Count(STARRED, "Starred", 0, 0, 0),
    ]


@st.composite
def library_cases(draw):
    """A digest of up to 12 papers in up to 3 sections, and three rounds of (read, hidden,
    interesting) ids: a round reuses the round before's hidden and interesting objects when told
    to, as the session does while they stay unchanged."""
    count = draw(st.integers(0, 12))
    papers = [Paper(id=f"2601.{number:05d}", title=str(number)) for number in range(count)]
    sections: dict[str, list[Paper]] = {}
    for paper in papers:
        sections.setdefault(draw(st.sampled_from("ABC")), []).append(paper)
    digest = Digest(name="d.md", sections=[Section(name, listed) for name, listed in sections.items()], papers=papers)
    some_ids = st.frozensets(st.sampled_from([paper.id for paper in papers])) if papers else st.just(frozenset())
    rounds = [(draw(some_ids), draw(some_ids), draw(some_ids))]
    for _ in range(2):
        read, hidden, interesting = draw(some_ids), *rounds[-1][1:]
        if draw(st.booleans()):
            hidden = draw(some_ids)
        if draw(st.booleans()):
            interesting = draw(some_ids)
        rounds.append((read, hidden, interesting))
    return digest, rounds


@given(library_cases(), st.booleans())
def test_counts_by_set_operations_are_the_counts_paper_by_paper(case, interests):
    """The sidebar counts owned lists by set operations on their ids, kept between recounts; they
    must be what counting each paper gives, after the read ids, the hidden ones or the
    interesting ones changed."""
    digest, rounds = case
    library = Library(digest)
    found = digest.papers[::2]  # a saved search's papers: a list the library does not own, its ids known
    for read, hidden, interesting in rounds:
        is_interesting = (lambda paper: paper.id in interesting) if interests else None  # noqa: E731
        searches = [("/s", "/ s", found)]
        by_paper = library.counts(is_read=read.__contains__, is_interesting=is_interesting, starred=[], tags=searches, hidden=hidden)
        by_sets = library.counts(
            is_read=read.__contains__,
            is_interesting=is_interesting,
            starred=[],
            tags=searches,
            read=set(read),
            interesting=interesting if interests else None,
            hidden=hidden,
            known={id(found): frozenset(paper.id for paper in found)},
        )
        assert by_sets == by_paper
