"""Search over an indexed archive: free words are looked up in the index's FTS5 table, so the
papers' text never has to be in memory (one or two Latin characters, the start of a word being
typed, only in the titles and authors, which are: scanning a year's text would take a second per
keystroke; two Chinese characters are a word, and are looked for everywhere); the other terms (cat:, author:, is:, tag:, id:) work
on the papers at hand as in :class:`reader.core.search.SearchIndex`."""

from __future__ import annotations

from collections.abc import Container

from reader.core.archive.index import ArchiveIndex
from reader.core.model import Paper
from reader.core.latex import to_unicode
from reader.core.search import SearchIndex, fold


class IndexedSearch(SearchIndex):
    """A SearchIndex whose free words come from the archive index (the same folded text)."""

    def __init__(self, papers: list[Paper], index: ArchiveIndex) -> None:
        self._index = index
        self._papers = papers
        self._titles: list[str] | None = None
        self._positions = {paper.id: position for position, paper in enumerate(papers)}
        super().__init__(papers)

    @staticmethod
    def _texts(papers: list[Paper]) -> tuple[list[str], list[str]]:
        return [], []  # the text is in the index

    def _short_texts(self) -> list[str]:
        """Folded title and authors of each paper: where one or two characters are looked for."""
        if self._titles is None:
            self._titles = [fold(to_unicode(paper.title)) + "\n" + authors for paper, authors in zip(self._papers, self._authors, strict=True)]
        return self._titles

    def _papers_containing(self, value: str, scope: list[int]) -> Container[int]:
        known = self._containing.get(value)
        if known is None and len(value) < 3 and value.isascii():  # the start of a word being typed: a year's text is too much to scan per keystroke
            known = frozenset(i for i, text in enumerate(self._short_texts()) if value in text)
        if known is None:
            positions = self._positions
            known = frozenset(position for paper_id in self._index.containing(value) if (position := positions.get(paper_id)) is not None)
            if len(self._containing) >= self._REMEMBERED:
                self._containing.pop(next(iter(self._containing)), None)
            self._containing[value] = known
        return known
