"""What the paper list and the detail pane share: line-API drawing of plain ``Text``."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


class LineView(ScrollView, can_focus=True, inherit_bindings=False):
    """A scrollable view that draws one ``Text`` per line; keys come from the app's table."""

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

    def strip(self, text: Text) -> Strip:
        """One line of text, cut or padded to the view's width, over the view's background."""
        width = self.scrollable_content_region.width
        return Strip(list(text.render(self.app.console))).adjust_cell_length(width).apply_style(self.rich_style)

    def blank(self) -> Strip:
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)
