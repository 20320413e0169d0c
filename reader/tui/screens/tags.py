"""The tag line: one input for the current paper's tags, with completion from the tags in use.

``name`` puts a tag on, ``-name`` takes one off, and several go at once separated by commas.
The dialog only collects the text; :meth:`ReadingSession.edit_tags` does what it says.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label

from reader.tui.screens.dialog import Dialog


def suggestions(names: list[str], current: tuple[str, ...]) -> list[str]:
    """What the line completes to: a tag the paper lacks, or ``-tag`` for one it has."""
    have = {name.casefold() for name in current}
    return [name for name in names if name.casefold() not in have] + [f"-{name}" for name in current]


class TagScreen(Dialog[str | None]):
    """Type a tag (enter puts it on), ``-tag`` to take one off; escape closes."""

    BINDINGS = [Binding("escape", "dismiss", "Close", id="close-tags")]

    def __init__(self, title: str, names: list[str], current: tuple[str, ...]) -> None:
        super().__init__()
        self._title = title
        self._names = names
        self._current = current

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="tags-body") as body:
            body.border_title = "Tags"
            yield Label(self._title, id="tags-paper")
            yield Label("Tags: " + (", ".join(self._current) or "none"), id="tags-current")
            yield Input(
                placeholder="a tag (→ completes), -tag takes it off, commas for several",
                suggester=SuggestFromList(suggestions(self._names, self._current), case_sensitive=False),
                id="tags-input",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value if event.value.strip() else None)
