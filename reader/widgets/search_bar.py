"""The search line above the paper list, with the query's error (if any) beneath it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static


class SearchBar(Vertical):
    """The query input (the app filters on its Input.Changed) and the query's error line."""

    BINDINGS = [Binding("escape", "clear", "Clear search", id="clear-search")]

    _error: str | None = ""
    """The message on show, so an unchanged one costs no redraw (it starts unlike any)."""

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
        if message == self._error:
            return
        self._error = message
        error = self.query_one("#search-error", Static)
        error.update(Text(message or ""))
        error.display = bool(message)

    def on_mount(self) -> None:
        self.show_error(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done(keep=True))

    def action_clear(self) -> None:
        self.post_message(self.Done(keep=False))
