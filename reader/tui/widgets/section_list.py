"""The sidebar: `All`, each section of the digest, and `Starred`, with their counts.

Drawn with the line API like the paper list: a digest may have 150 sections, and one
line of text per section costs less to show than a widget or a table per section.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from reader.core.library import Count
from reader.tui.widgets.line_view import LineView


class SectionList(LineView):
    """Sections with their counts on the same line (``cs.CV  12/35``), one highlighted."""

    COMPONENT_CLASSES = {"section-list--count", "section-list--cursor"}

    class Chosen(Message):
        """The user clicked line ``index`` (the screen shows that section and moves to its papers)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: list[Count] = []
        self._highlighted = 0

    @property
    def entries(self) -> list[Count]:
        return self._entries

    @property
    def highlighted(self) -> int:
        return self._highlighted

    @property
    def current_key(self) -> str | None:
        return self._entries[self._highlighted].key if self._entries else None

    def show_entries(self, entries: list[Count], current: str | None) -> None:
        """Replace the lines, keeping the highlight on ``current`` when it is still there."""
        if entries == self._entries:
            return
        old = self._entries
        same_lines = [entry.key for entry in entries] == [entry.key for entry in old]
        self._entries = entries
        if same_lines:  # new counts (a mark, a day switch): the highlight stays; only changed lines redraw
            for index, (before, after) in enumerate(zip(old, entries)):
                if before != after:
                    self.refresh_line(index)
            return
        self.set_line_count(len(entries))
        self.refresh()  # other lines (a tag added, a day arrived): every line may have moved
        keys = [entry.key for entry in entries]
        self.highlight(keys.index(current) if current in keys else 0)

    def highlight(self, index: int) -> None:
        """Put the highlight on line ``index`` (clamped) and scroll it into view."""
        self.refresh_line(self._highlighted)
        self._highlighted = max(0, min(index, len(self._entries) - 1))
        self.refresh_line(self._highlighted)
        if self._entries:
            self.scroll_to_region(Region(0, self._highlighted, 1, 1), animate=False, force=True, immediate=True)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        if index >= len(self._entries):
            return self.blank()
        entry = self._entries[index]
        cursor = self.get_component_rich_style("section-list--cursor") if index == self._highlighted else None
        return self.drawn((entry, cursor), lambda: self._line(entry, cursor))

    def _line(self, entry: Count, cursor: Style | None) -> Text:
        """``cs.CV  12/35`` (``◆3 12/35`` with interests) to the view's width."""
        count = f"{entry.unread}/{entry.total}" if entry.unread != entry.total else str(entry.total)
        if entry.interesting:
            count = f"◆{entry.interesting} {count}"
        width = self.scrollable_content_region.width
        label = Text(entry.label, no_wrap=True, end="")
        label.truncate(max(width - len(count) - 1, 1), overflow="ellipsis", pad=True)
        line = label + Text(" ") + Text(count, style=self.get_component_rich_style("section-list--count"))
        line.truncate(width, overflow="ellipsis", pad=True)
        if cursor is not None:
            line.stylize(cursor)
        return line

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + int(self.scroll_offset.y)
        if index < len(self._entries):
            self.post_message(self.Chosen(index))

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()  # the highlight's colour follows the focus

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        self.set_line_count(len(self._entries))
