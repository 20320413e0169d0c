"""The search line above the paper list, with the query's error (if any) beneath it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static


class SearchBar(Vertical):
    """An input that reports each change and its enter/escape; the app does the filtering."""

    BINDINGS = [Binding("escape", "clear", "Clear search", id="clear-search")]

    class Changed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """Enter (keep the filter) or escape (clear it)."""

        def __init__(self, keep: bool) -> None:
            super().__init__()
            self.keep = keep

    def compose(self) -> ComposeResult:
        yield Input(placeholder='words "a phrase" -exclude cat:cs.CL author:Name is:unread is:starred id:2601.1', id="search-input")
        yield Static(id="search-error")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def show_error(self, message: str | None) -> None:
        """Say what is wrong with the query under the line (plain text, never markup)."""
        error = self.query_one("#search-error", Static)
        error.update(Text(message or ""))
        error.display = bool(message)

    def on_mount(self) -> None:
        self.show_error(None)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done(keep=True))

    def action_clear(self) -> None:
        self.post_message(self.Done(keep=False))
