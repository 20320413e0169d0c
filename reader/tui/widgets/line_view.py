"""What the paper list and the detail pane share: line-API drawing of plain ``Text``."""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


LINES_KEPT = 1024
"""Lines a view keeps drawn, by what they show: a search keystroke taken back, a paper seen again,
a page scrolled back or a day switched back to draws nothing again."""


class LineView(ScrollView, can_focus=True, inherit_bindings=False):
    """A scrollable view that draws one ``Text`` per line; keys come from the app's table."""

    _base_style: Style | None = None
    """The view's own style for the lines of one drawing pass (see :meth:`render_lines`)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: LRUCache[tuple, Strip] = LRUCache(LINES_KEPT)

    def drawn(self, shows: tuple, text: Callable[[], Text]) -> Strip:
        """The strip of a line that shows ``shows`` (plain, hashable data: everything the line
        depends on), drawn from ``text()`` the first time and kept."""
        key = (*shows, self.scrollable_content_region.width, self._base_style)
        strip = self._drawn.get(key)
        if strip is None:
            strip = self.strip(text())
            self._drawn.set(key, strip)
        return strip

    def refresh_line(self, index: int) -> None:
        """Redraw line ``index`` (of all the lines, not of the screen) if it is in view."""
        y = index - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def notify_style_update(self) -> None:
        """A theme or focus change restyles lines that show the same: draw them again."""
        super().notify_style_update()
        self._drawn.clear()

    def set_line_count(self, lines: int) -> None:
        """Change how many lines there are without a screen layout.

        Assigning ``virtual_size`` lays out the whole screen (a frame of its own); only
        the scrollbar depends on it, so it is updated alone. Textual's own ScrollView
        does the same when its size changes.
        """
        size = Size(self.scrollable_content_region.width, lines)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draw the lines of ``crop``, working out the view's style once for all of them:
        Textual computes it by walking the ancestors each time, a tenth of a keystroke."""
        self._base_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base_style = None

    def strip(self, text: Text) -> Strip:
        """One line of text, cut or padded to the view's width, over the view's background."""
        base = self._base_style or self.rich_style
        segments = Segment.apply_style(text.render(self.app.console), base)
        return Strip(list(segments)).adjust_cell_length(self.scrollable_content_region.width, base)

    def blank(self) -> Strip:
        return Strip.blank(self.scrollable_content_region.width, self._base_style or self.rich_style)
