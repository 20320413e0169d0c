"""The one-line header: which digest is open and its counts, as plain text, and the status line.

Short messages (starred, copied, marked read) show here in place of the counts for a few
seconds: a toast would cover the text being read.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget


class DigestHeader(Widget):
    """Shows ``digest-reader · <name> · counts`` or a passing message; digest text never becomes markup.

    One line drawn with the line API: it changes on every search keystroke, and a Static
    rebuilds its whole content for that."""

    COMPONENT_CLASSES = {"digest-header--app", "digest-header--name", "digest-header--status"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._name = ""
        self._details = ""
        self._status: str | None = None
        self._status_timer: Timer | None = None
        self._line = Text()

    @property
    def status(self) -> str | None:
        """The message on show, if any."""
        return self._status

    def show(self, name: str, details: str) -> None:
        self._name, self._details = name, details
        self._draw()

    def say(self, message: str, seconds: float) -> None:
        """Show ``message`` in place of the counts for ``seconds`` (a newer message replaces it)."""
        self._status = message
        if self._status_timer is not None:
            self._status_timer.stop()
        self._status_timer = self.set_timer(seconds, self._end_status)
        self._draw()

    def _end_status(self) -> None:
        self._status = None
        self._draw()

    def _draw(self) -> None:
        style = self.get_component_rich_style
        text = Text(no_wrap=True, end="")
        text.append(" digest-reader ", style=style("digest-header--app"))
        text.append(f" {self._name} ", style=style("digest-header--name"))
        if self._status is None:
            text.append(f" {self._details}")
        else:
            text.append(f" {self._status}", style=style("digest-header--status"))
        self._line = text
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width, base = self.size.width, self.rich_style
        if y:
            return Strip.blank(width, base)
        line = self._line.copy()
        line.truncate(width, overflow="ellipsis")
        return Strip(list(Segment.apply_style(line.render(self.app.console), base))).adjust_cell_length(width, base)
