"""The paper list: one line per paper, drawn with the line API so it scales to any size.

Only the visible rows are ever rendered, so 10,000 papers cost no more than 40. The
list knows nothing about read or starred state: the screen gives it a ``row_info``
callable that says how each paper looks.
"""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from reader.core.model import Paper
from reader.core.session import RowInfo
from reader.tui.widgets.line_view import LineView


MARKS_WIDTH = 4
"""Cells before a title: star, unread dot, interest mark and a space (an empty list's message starts there too)."""
CATEGORY_WIDTH = 11
"""Cells of the category column (``cs.CV``, ``astro-ph.GA``; longer ones end in …)."""
NARROW_CATEGORY_WIDTH = 6
"""The category column of a row narrower than WIDE_ROW: ``cs.CV`` still fits."""
WIDE_ROW = 90
AUTHORS_WIDTH = 24
AUTHORS_FROM = 100
"""The first author shows at the right of a row this wide or wider."""


class PaperList(LineView):
    """A virtualized, keyboard-driven list of papers with a cursor."""

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--star",
        "paper-list--dot",
        "paper-list--interest",
        "paper-list--match",
        "paper-list--empty",
        "paper-list--meta",
        "paper-list--score",
    }

    class Highlighted(Message):
        """The cursor moved to another paper (or the list became empty: ``paper`` is None)."""

        def __init__(self, paper: Paper | None) -> None:
            super().__init__()
            self.paper = paper

    class Chosen(Message):
        """The user clicked a paper (the app moves the focus to its detail)."""

        def __init__(self, paper: Paper) -> None:
            super().__init__()
            self.paper = paper

    def __init__(self, row_info: Callable[[Paper], RowInfo], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._row_info = row_info
        self._papers: list[Paper] = []
        self._cursor = 0
        self._drawn_info: dict[int, RowInfo] = {}
        """What each line of the screen showed when last drawn (see :meth:`refresh_marks`); a
        scroll draws every line again."""
        self.empty_message = "No papers."

    @property
    def papers(self) -> list[Paper]:
        return self._papers

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def current(self) -> Paper | None:
        """The paper under the cursor."""
        return self._papers[self._cursor] if self._papers else None

    def show(self, papers: list[Paper], keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on paper id ``keep`` if it is still listed."""
        self._papers = papers
        self._drawn_info.clear()
        index = 0
        if keep is not None:
            index = next((i for i, paper in enumerate(papers) if paper.id == keep), 0)
        self.set_line_count(len(papers))
        self._cursor = -1
        self.move_to(index)
        self.refresh()

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped, never wrapping) and tell the app."""
        index = max(0, min(index, len(self._papers) - 1))
        changed = index != self._cursor
        if self._cursor >= 0:
            self.refresh_line(self._cursor)
        self._cursor = index
        self.refresh_line(index)
        if self._papers:
            self.scroll_to_region(
                Region(0, index, 1, 1), animate=False, force=True, immediate=True
            )
        if changed or not self._papers:
            self.post_message(self.Highlighted(self.current))

    def move_by(self, delta: int) -> None:
        self.move_to(self._cursor + delta)

    def refresh_marks(self) -> None:
        """Marks changed (a star, a read, all read): redraw the rows in view whose look changed."""
        top = int(self.scroll_offset.y)
        for index in range(top, min(top + self.size.height, len(self._papers))):
            if self._drawn_info.get(index - top) != self._row_info(self._papers[index]):
                self.refresh_line(index)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        if not self._papers:
            if y == 0:
                return self.strip(Text(" " * MARKS_WIDTH + self.empty_message, style=self.get_component_rich_style("paper-list--empty")))
            return self.blank()
        if index >= len(self._papers):
            return self.blank()
        info = self._drawn_info[y] = self._row_info(self._papers[index])
        width = self.scrollable_content_region.width
        cursor = self.get_component_rich_style("paper-list--cursor") if index == self._cursor else None

        def row() -> Text:
            text = self._row_text(info, width)
            if cursor is not None:
                text.stylize(cursor)
            return text

        return self.drawn((info, cursor), row)

    def _row_text(self, info: RowInfo, width: int) -> Text:
        """``★•◆ 56/100 cs.CV     Title #✎  译名…   First Author et al.``: marks, a fork's relevance
        score, the category where the list mixes them, the title (``#`` if the paper is tagged,
        ``✎`` if it has a note) and a fork's translation of it, and the first author where the
        row has room."""
        style = self.get_component_rich_style
        row = Text(no_wrap=True, end="")
        row.append("★" if info.starred else " ", style("paper-list--star"))
        row.append("•" if not info.read else " ", style("paper-list--dot"))
        row.append("◆" if info.interesting else " ", style("paper-list--interest"))
        row.append(" ")
        if info.relevance:
            row.append(f"{info.relevance:>6} ", style("paper-list--score"))
        if info.category:
            category = Text(info.category, style("paper-list--meta"), no_wrap=True, end="")
            category.truncate(CATEGORY_WIDTH if width >= WIDE_ROW else NARROW_CATEGORY_WIDTH, overflow="ellipsis", pad=True)
            row.append_text(category)
            row.append(" ")
        title_start = len(row)
        row.append(info.title, style("paper-list--read" if info.read else "paper-list--unread"))
        for start, end in info.highlights:
            row.stylize(style("paper-list--match"), title_start + start, title_start + end)
        if info.tagged or info.noted:  # after the title: the columns before it stay as they are
            row.append(" " + "#" * info.tagged + "✎" * info.noted, style("paper-list--meta"))
        if info.translated_title:
            row.append(f"  {info.translated_title}", style("paper-list--meta"))
        if info.authors and width >= AUTHORS_FROM:
            row.truncate(width - AUTHORS_WIDTH - 2, overflow="ellipsis", pad=True)
            authors = Text(info.authors, style("paper-list--meta"), no_wrap=True, end="")
            authors.truncate(AUTHORS_WIDTH, overflow="ellipsis")
            row.append("  ")
            row.append_text(authors)
        row.truncate(width, overflow="ellipsis", pad=True)
        return row

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._papers:
            return
        index = offset.y + int(self.scroll_offset.y)
        if index < len(self._papers):
            self.move_to(index)
            self.post_message(self.Chosen(self._papers[index]))

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh_line(self._cursor)

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh_line(self._cursor)

    def _on_resize(self, event: events.Resize) -> None:
        self.set_line_count(len(self._papers))
