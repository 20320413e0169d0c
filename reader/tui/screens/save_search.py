"""The save-search line: a name for the search on show; enter saves it, escape closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label

from reader.tui.screens.dialog import Dialog


class SaveSearchScreen(Dialog[str | None]):
    """Ask a name for ``query``; dismissed with the name, or None."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="cancel-save-search")]

    def __init__(self, query: str) -> None:
        super().__init__()
        self._query = query

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="save-search-body") as body:
            body.border_title = "Save the search"
            yield Label(self._query, id="save-search-query")
            yield Input(placeholder="a name for the sidebar (enter saves it in the config)", id="save-search-name")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value if event.value.strip() else None)
