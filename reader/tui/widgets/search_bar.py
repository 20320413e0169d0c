"""The search line above the paper list, with the query's error (if any) beneath it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

PLACEHOLDER = 'words "a phrase" -exclude cat:cs.CL author:Name is:unread is:starred id:2601.1'


class SearchBar(Vertical):
    """The query input and its error line.

    The app listens to the Input's own Changed and Submitted messages (one hop less per
    keystroke than a message of this widget's); escape is the app's clear-search key.
    """

    _error: str | None = ""
    """The message on show, so an unchanged one costs no redraw (it starts unlike any)."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER, id="search-input")
        yield Static(id="search-error")

    def on_mount(self) -> None:
        self.show_error(None)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def open(self) -> None:
        """Show the line and put the cursor in it now (``Widget.focus()`` would defer it,
        and letters typed right after `/` would still reach the list's keys)."""
        self.display = True
        self.screen.set_focus(self.input)

    def clear(self) -> None:
        """Empty and hide the line."""
        self.input.value = ""
        self.show_error(None)
        self.display = False

    def show_error(self, message: str | None) -> None:
        """Say what is wrong with the query under the line (plain text, never markup)."""
        if message == self._error:
            return
        self._error = message
        error = self.query_one("#search-error", Static)
        error.update(Text(message or ""))
        error.display = bool(message)
