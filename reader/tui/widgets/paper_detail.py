"""The detail pane: one paper's title, authors, ids and its summary or abstract.

Drawn with the line API over text wrapped by :mod:`reader.core.wrap`, so Chinese, Japanese
and Korean paragraphs fill the pane to its edge, and a 100,000-character abstract
costs only the lines on screen. All digest text enters as plain ``Text``, never markup.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.strip import Strip

from reader.core.model import Paper
from reader.core.search import Query, highlight_spans, term_spans
from reader.core.session import ReadingSession
from reader.core.wrap import wrap
from reader.tui.widgets.line_view import LineView

MEASURE = 100
"""Cells a line of the detail pane may take, however wide the terminal: longer lines read badly."""
PAPERS_KEPT = 32
"""Papers kept laid out (by paper, options and width): going back to one, or a search keystroke
taken back, lays out nothing again."""


class DetailOptions(NamedTuple):
    """How to present a paper: which view, how to show math, what to highlight."""

    view: str = "summary"
    """``summary`` or ``abstract``."""
    math: Callable[[str], str] = str
    """Turns LaTeX into what is shown (identity for raw LaTeX)."""
    query: Query | None = None
    """The search whose words are marked as matches (one with words to mark), if any."""
    keywords: tuple[str, ...] = ()
    """The user's interest keywords the paper matches, marked where they occur."""
    starred: bool = False
    read: bool = False
    tags: tuple[str, ...] = ()
    note: str | None = None
    """The user's note on the paper, shown first."""
    days: tuple[str, ...] = ()
    """The days an archive's paper appeared on (none for one digest)."""


def detail_options(session: ReadingSession, paper: Paper | None) -> DetailOptions:
    """How the session says ``paper`` is shown: its view, math, search and interest marks."""
    query = session.query
    return DetailOptions(
        view=session.view,
        math=session.math,
        query=query if query and query.highlights else None,
        keywords=tuple(session.interest_keywords(paper)) if paper else (),
        starred=bool(paper and session.is_starred(paper.id)),
        read=bool(paper and session.is_read(paper.id)),
        tags=session.tags_of(paper.id) if paper else (),
        note=session.note_of(paper.id) if paper else None,
        days=session.days_of(paper) if paper else (),
    )


class PaperDetail(LineView):
    """A scrollable, wrapped view of one paper."""

    COMPONENT_CLASSES = {
        "paper-detail--title",
        "paper-detail--authors",
        "paper-detail--meta",
        "paper-detail--label",
        "paper-detail--tab",
        "paper-detail--tab-active",
        "paper-detail--note",
        "paper-detail--user-note",
        "paper-detail--match",
        "paper-detail--interest",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._blocks: list[Text] = []
        self._lines: list[Text] = []
        self._wrapped_width = -1
        self._shown: tuple = ()
        """What is shown, as the layout caches know it: (paper, options)."""
        self._laid_out: LRUCache[tuple, list[Text]] = LRUCache(PAPERS_KEPT * 2)
        """Blocks by (paper, options), and wrapped lines by (paper, options, width)."""
        self.paper: Paper | None = None

    def show_paper(self, paper: Paper | None, options: DetailOptions, *, keep_scroll: bool = False) -> None:
        """Show ``paper`` (or an empty pane) as ``options`` say."""
        self.paper = paper
        self._shown = (paper, options)
        blocks = self._laid_out.get(self._shown) if paper else []
        if blocks is None:
            blocks = self._compose_blocks(paper, options)
            self._laid_out.set(self._shown, blocks)
        self._blocks = blocks
        self._lines = []
        self._wrapped_width = -1
        self._rewrap()
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _compose_blocks(self, paper: Paper, options: DetailOptions) -> list[Text]:
        style = self.get_component_rich_style

        keywords, query = list(options.keywords), options.query

        def marked(text: str, base: str = "") -> Text:
            result = Text(text, style=base)
            for start, end in term_spans(text, keywords) if keywords else ():
                result.stylize(style("paper-detail--interest"), start, end)
            for start, end in highlight_spans(text, query) if query else ():
                result.stylize(style("paper-detail--match"), start, end)
            return result

        def labelled(label: str, body: str) -> list[Text]:
            paragraphs = [part for part in body.split("\n") if part.strip()]
            first = Text()
            first.append(f"{label}: ", style=style("paper-detail--label"))
            first.append_text(marked(options.math(paragraphs[0]) if paragraphs else ""))
            return [first, *(marked(options.math(part)) for part in paragraphs[1:]), Text()]

        blocks = []
        if options.note:  # first: why the user kept this paper
            blocks.append(Text.assemble(("Note", style("paper-detail--label")), ("  a edits", style("paper-detail--note"))))
            blocks += [marked(line, style("paper-detail--user-note")) for line in options.note.split("\n")]
            blocks.append(Text())
        blocks.append(marked(options.math(paper.title), style("paper-detail--title")))
        if paper.authors:
            blocks.append(marked(", ".join(paper.authors), style("paper-detail--authors")))
        meta = f"arXiv:{paper.id}{paper.version or ''}" if paper.has_arxiv_id else "no arXiv id"
        if paper.category:
            meta += f"  ·  {paper.category}"
        cross_listed = [category for category in paper.categories if category != paper.category]
        if cross_listed:
            meta += " (also " + ", ".join(cross_listed) + ")"
        marks = [mark for mark, on in (("★ starred", options.starred), ("read", options.read)) if on]
        if marks:
            meta += "  ·  " + "  ".join(marks)
        if options.tags:
            meta += "  ·  tags: " + ", ".join(options.tags)
        blocks.append(Text(meta, style=style("paper-detail--meta")))
        if options.days:
            blocks.append(Text("on " + ", ".join(options.days), style=style("paper-detail--meta")))
        blocks.append(Text())

        showing_summary = options.view == "summary" and paper.has_summary
        tabs = Text()
        for name, label in (("summary", " Summary "), ("abstract", " Abstract ")):
            active = name == ("summary" if showing_summary else "abstract")
            tabs.append(label, style("paper-detail--tab-active" if active else "paper-detail--tab"))
            tabs.append(" ")
        tabs.append("  t switches", style("paper-detail--note"))
        blocks += [tabs, Text()]

        if showing_summary:  # the summary and a fork template's own fields, in the file's order
            for label, value in paper.in_file_order():
                blocks += labelled(label, value)
            return blocks
        if options.view == "summary":
            blocks += [Text("This digest has no summary for this paper; showing the abstract.", style=style("paper-detail--note")), Text()]
        if paper.abstract:
            blocks += labelled("Abstract", paper.abstract)
        else:
            blocks += [Text("This digest has no abstract for this paper.", style=style("paper-detail--note")), Text()]
        for label, value in paper.extra:  # a fork template's own fields, under the abstract too
            blocks += labelled(label, value)
        return blocks

    def _rewrap(self) -> None:
        """Wrap the blocks to the pane's width, once per width; not before the first layout
        (at width 0 every character would become a line)."""
        width = min(self.scrollable_content_region.width, MEASURE)
        if width == self._wrapped_width or width <= 0:
            return
        self._wrapped_width = width
        key = (*self._shown, width)
        lines = self._laid_out.get(key)
        if lines is None:
            lines = [line for block in self._blocks for line in wrap(block, width)]
            self._laid_out.set(key, lines)
        self._lines = lines
        self.set_line_count(len(self._lines))

    def render_line(self, y: int) -> Strip:
        self._rewrap()
        index = int(self.scroll_offset.y) + y
        if index >= len(self._lines):
            return self.blank()
        return self.drawn((*self._shown, index), lambda: self._lines[index])

    @property
    def lines(self) -> list[Text]:
        """The pane's wrapped lines, styled, as a terminal of this width shows them."""
        self._rewrap()
        return list(self._lines)

    def page(self, direction: int) -> None:
        """Scroll one screenful down (1) or up (-1)."""
        if direction > 0:
            self.scroll_page_down(animate=False)
        else:
            self.scroll_page_up(animate=False)

    def notify_style_update(self) -> None:
        """A theme change restyles the text laid out before: lay it out again."""
        super().notify_style_update()
        self._laid_out.clear()

    def _on_resize(self, event: events.Resize) -> None:
        self._rewrap()
