"""The search line above the paper list, with the query's error (if any) beneath it."""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, Static

PLACEHOLDER = 'words "a phrase" -exclude cat:cs.CL author:Name is:unread is:starred id:2601.1'


class QueryInput(Input):
    """An Input that hands each new value to ``on_change`` as it is typed, in the same call.

    A Changed message would reach the screen only after the Input had been drawn, so the
    filtered list would land a frame later; called here, both show in one frame.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0))
    """Input sets its virtual size on every keystroke; Widget's reactive then lays out the whole
    screen (a frame of its own). The line has a fixed size, so a repaint is all it needs."""

    def __init__(self, on_change: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_change = on_change
        self._reported = ""

    def watch_value(self, value: str) -> None:
        if value != self._reported:
            self._reported = value
            self._on_change(value)


class SearchBar(Vertical):
    """The query input and its error line.

    Typing reaches the screen through ``on_change`` (see :class:`QueryInput`); enter is the
    Input's Submitted message; escape is the screen's clear-search key.
    """

    _error: str | None = ""
    """The message on show, so an unchanged one costs no redraw (it starts unlike any)."""

    def __init__(self, on_change: Callable[[str], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._on_change = on_change

    def compose(self) -> ComposeResult:
        yield QueryInput(self._on_change, placeholder=PLACEHOLDER, id="search-input")
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
