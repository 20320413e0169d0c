"""The search keys of the main screen: ``/`` opens the search line, typing filters, ``escape`` clears."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.widgets import Input

from reader.core.search import Query, QueryError, parse_query
from reader.core.session import PaperIndex, ReadingSession

if TYPE_CHECKING:
    from reader.tui.widgets.paper_detail import PaperDetail
    from reader.tui.widgets.paper_list import PaperList
    from reader.tui.widgets.search_bar import SearchBar

SYNC_INDEX_LIMIT = 2000
"""Digests up to this size are indexed at once on the first ``/`` if the background index
is not ready yet (well under 0.1 s); larger ones wait for it while the list says so."""


class SearchActions:
    """For a screen with a session, a search bar, a paper list and a detail pane.

    Typing calls :meth:`query_typed` directly (the search bar is built with it), so the line
    and the filtered list show in the same frame; enter is the Input's Submitted message.
    """

    session: ReadingSession
    search_bar: SearchBar
    refresh_bindings: Callable[[], None]
    paper_list: PaperList
    detail: PaperDetail
    marks_changed: Callable[[], None]

    def action_search(self) -> None:
        self.search_bar.open()
        self.refresh_bindings()
        if self.session.index is None and len(self.session.digest.papers) <= SYNC_INDEX_LIMIT:
            self.session.install_index(PaperIndex.build(self.session.digest.papers, self.session.text_index))

    def action_clear_search(self) -> None:
        if self.search_bar.display or self.session.query is not None:
            self.search_bar.clear()
            self._apply_query(None)
            self.paper_list.focus()
            self.refresh_bindings()  # the footer drops "esc Back"

    def query_typed(self, text: str) -> None:
        """The search line's text changed: filter at once, or say what is wrong with it."""
        try:
            query = parse_query(text)
        except QueryError as error:
            self.search_bar.show_error(f"{error.message} (at character {error.position + 1})")
            return
        self.search_bar.show_error(None)
        self._apply_query(query)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        """Enter keeps the filter and returns to the list (an empty query closes the line)."""
        if message.input.id != "search-input":
            return
        if self.session.query is not None:
            self.paper_list.focus()
        else:
            self.action_clear_search()

    def _apply_query(self, query: Query | None) -> None:
        self.session.set_query(query)
        shown = self.detail.paper
        self.refresh_list()
        if self.detail.paper is shown:
            self.show_detail(keep_scroll=True)  # the same paper: redraw its highlights

    def index_ready(self, index: PaperIndex) -> None:
        """A search index built off the UI thread arrived."""
        session = self.session
        if session.install_index(index) and (session.query is not None or session.muting or session.config.searches):
            self.refresh_list()  # the mute rules and saved searches are queries too
            self.marks_changed()
