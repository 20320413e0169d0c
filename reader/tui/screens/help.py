"""The `?` screen: every key of the reader's one binding table, with its description."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from reader.tui.keys import ALL_KEYS
from reader.tui.screens.dialog import Dialog


def describe_keys(key: str, display: str | None) -> str:
    """``j,down`` -> ``j / ↓``: how a binding's keys read in the help table."""
    if display:
        return display
    names = {"down": "↓", "up": "↑", "left": "←", "right": "→", "question_mark": "?"}
    return " / ".join(names.get(part, part) for part in key.split(","))


class HelpScreen(Dialog[None]):
    """Lists the same bindings the footer and the command palette use."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 1))  # one cell after a key, two after a description: 80 columns hold every row
        for _ in range(2):
            table.add_column(style="bold", no_wrap=True)
            table.add_column()
        cells = [(Text(describe_keys(binding.key, binding.key_display)), Text(binding.description)) for binding in ALL_KEYS]
        half = (len(cells) + 1) // 2
        for left, right in zip(cells[:half], [*cells[half:], (Text(), Text())], strict=False):
            table.add_row(left[0], left[1] + Text(" "), *right)
        yield Footer()  # the dialog's own keys; the main screen's are off while it is open
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            yield Static(table)
            yield Static("Ctrl+P: the same actions in the command palette. Esc closes.", id="help-note")

    def on_resize(self) -> None:
        self.call_after_refresh(self._hint_more)

    def _hint_more(self) -> None:
        """Say so on the frame when the keys do not all fit (a small terminal)."""
        body = self.query_one("#help-body", VerticalScroll)
        body.border_subtitle = "↓ more: scroll with ↓ or the wheel" if body.max_scroll_y > 0 else ""
