"""What queries find over the papers at hand, with no UI: the search index, the results of
a search, the ids the mute rules hide, and the papers of saved searches.

The base of :class:`~reader.core.session.ReadingSession`, which gives it the digest, the query,
the filters, the mute rules and the marks a query asks about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.config import Config
from reader.core.library import Filters, is_kept
from reader.core.saved import search_of
from reader.core.model import Digest, Paper
from reader.core.mute import Muting
from reader.core.search import Query, SearchIndex, folded_notes, parse_query
from reader.core.store import MarkStore

if TYPE_CHECKING:
    from reader.core.archive.index import ArchiveIndex

IN_PLACE_LIMIT = 2000
"""Mute rules and saved searches are queries on the search index, and the sidebar counts the
papers the interests match: a digest up to this size is indexed and matched at once for them (a
day's digest takes a few milliseconds); a larger one hides its muted papers, counts its saved
searches and its interesting papers once the background index and matching arrive."""


@dataclass(frozen=True, slots=True)
class PaperIndex:
    """A search index over a digest's papers and each paper's position in it."""

    papers: list[Paper]
    index: SearchIndex
    positions: dict[str, int]

    @classmethod
    def build(cls, papers: list[Paper], text_index: ArchiveIndex | None = None) -> PaperIndex:
        """Costly (about 0.15 ms a paper; without the text, with an archive's ``text_index``):
        run it off the UI thread for big digests."""
        if text_index is None:
            search = SearchIndex(papers)
        else:
            from reader.core.archive.search import IndexedSearch  # an archive's: sqlite3 only then

            search = IndexedSearch(papers, text_index)
        return cls(papers, search, {paper.id: position for position, paper in enumerate(papers)})


class Finding:
    """The search index of the digest and what queries on it find."""

    digest: Digest
    text_index: ArchiveIndex | None
    store: MarkStore
    config: Config
    query: Query | None
    filters: Filters
    muting: Muting
    loading: bool
    """Given by the session."""
    index: PaperIndex | None
    """The search index of the digest's papers; None until it is built (off the UI thread for big digests)."""
    _saved: dict[str, tuple[str, PaperIndex, tuple[int, ...], list[Paper], frozenset[str]]]
    """Each saved search's papers and their ids, with the query, index and marks they are of."""
    _hidden: tuple[frozenset[str], frozenset[str], frozenset[str]] | None
    """The muted ids (the last item), with the rules' matches and the kept ids they are of."""

    def install_index(self, index: PaperIndex) -> bool:
        """Take an index built off the UI thread, if it is of the current digest's papers."""
        if index.papers is not self.digest.papers:
            return False
        self.index = index
        self._counts = None  # the mute rules are matched on it
        return True

    def hidden(self) -> frozenset[str]:
        """The ids the mute rules hide now: none while muted papers are shown (or while a large
        digest is still being indexed), and never a starred or tagged paper."""
        if not self.muting or self.filters.show_muted:
            return frozenset()
        index = self._ready_index()
        if index is None:
            return frozenset()
        matched = self.muting.matched(index.index, index.papers, self._marks)
        kept = self.store.kept_ids()
        hidden = self._hidden
        if hidden is None or hidden[0] is not matched or hidden[1] != kept:  # the same object while unchanged: see Library.tally
            hidden = self._hidden = (matched, kept, matched - kept if matched else matched)
        return hidden[2]

    def _search(self, papers: list[Paper], scope: str) -> list[Paper]:
        """The papers among ``papers`` that match the query (the index knows the digest's papers)."""
        assert self.query is not None
        if is_kept(scope) and search_of(scope) is None:  # snapshots, some from other days: not in the digest's index
            index, among, source = SearchIndex(papers), None, papers
        else:
            if self.index is None:
                return []  # the index is being built: the list says so, then shows the result
            index, source = self.index.index, self.index.papers
            # All, unfiltered, is the index's own list: no need to look up 10,000 positions per keystroke.
            among = None if papers is source else [self.index.positions[paper.id] for paper in papers]
        found = index.filter(self.query, among=among, **self._marks())
        return [source[position] for position in found]

    def _ready_index(self) -> PaperIndex | None:
        """The search index, built here for a digest small enough (the mute rules and saved searches
        are queries on it); None while a larger one is built in the background."""
        if self.index is None and not self.loading and len(self.digest.papers) <= IN_PLACE_LIMIT:
            self.install_index(PaperIndex.build(self.digest.papers, self.text_index))
        return self.index

    def _marks(self) -> dict[str, object]:
        """What a query asks of the marks (read, starred, tags, notes), as SearchIndex.filter takes it."""
        store = self.store
        return {"is_read": self.is_read, "is_starred": store.is_starred, "has_tag": store.has_tag, "notes": folded_notes(store.notes())}

    def saved_papers(self, name: str) -> list[Paper]:
        """The digest's papers that saved search ``name`` finds now (none before the index)."""
        return self.saved_search(name)[0]

    def saved_search(self, name: str) -> tuple[list[Paper], frozenset[str]]:
        """The papers saved search ``name`` finds now and their ids (for the sidebar to count by
        set operations); kept while the query, the index and the marks it asks stay the same (the
        sidebar asks on every mark and day switch)."""
        text = self.config.searches.get(name)
        index = self._ready_index()
        if text is None or index is None:
            return [], frozenset()
        query = parse_query(text)
        marks = self._marks_asked(query)
        kept = self._saved.get(name)
        if kept is not None and kept[0] == text and kept[1] is index and kept[2] == marks:
            return kept[3], kept[4]
        papers = [index.papers[position] for position in index.index.filter(query, **self._marks())]
        self._saved[name] = (text, index, marks, papers, frozenset(paper.id for paper in papers))
        return papers, self._saved[name][4]

    def _marks_asked(self, query: Query) -> tuple[int, ...]:
        """Which of the store's generations ``query``'s papers depend on: every mark's for
        ``is:``, ``tag:`` and ``has:``; the notes' for free words (they look in notes too)."""
        fields = {term.field for term in query.terms}
        if fields & {"is", "tag", "has"}:
            return (self.store.generation,)
        return (self.store.notes_generation,) if "text" in fields else ()
