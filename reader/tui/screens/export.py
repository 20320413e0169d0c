"""The `e` dialog: pick a format and a target path, then export or copy the starred list.

Rendering and writing are the core's (:mod:`reader.core.export`); the dialog collects the
choice, runs it, and stays open with the reason shown when a path cannot be written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Static

from reader.core.export import FORMATS, ExportError, default_path, render, write
from reader.core.model import Star
from reader.core.parse.builder import plural
from reader.tui.screens.dialog import Dialog


class ExportScreen(Dialog[str | None]):
    """Choose format and path for exporting the starred papers."""

    BINDINGS = [
        Binding("enter", "confirm", "Export", id="export-confirm", priority=True),
        Binding("ctrl+y", "copy", "Copy to clipboard", id="export-copy-key", priority=True),
        Binding("escape,q", "dismiss", "Close", id="close-export"),
    ]

    def __init__(
        self,
        stars: list[Star],
        export_dir: str | None,
        tags: Mapping[str, Sequence[str]] | None = None,
        notes: Mapping[str, str] | None = None,
    ) -> None:
        """Export ``stars`` with their ``tags`` (paper id -> names) and ``notes`` (paper id ->
        text); each format proposes a file in ``export_dir`` (None: home)."""
        super().__init__()
        self._stars = stars
        self._tags = tags or {}
        self._notes = notes or {}
        self._formats = {name: fmt.description for name, fmt in FORMATS.items()}
        today = date.today()
        self._default_paths = {name: default_path(name, export_dir, today) for name in FORMATS}
        self._format = next(iter(self._formats))

    def compose(self) -> ComposeResult:
        if self.app.is_web:  # served to a browser (--serve): the file goes to the viewer, so only its name is asked
            self._default_paths = {name: Path(path.name) for name, path in self._default_paths.items()}
        yield Footer()  # the dialog's own keys; the main screen's are off while it is open
        with VerticalScroll(id="export-body") as body:
            body.border_title = f"Export {plural(len(self._stars), 'starred paper', 'starred papers')}"
            with RadioSet(id="export-format"):
                for index, (name, description) in enumerate(self._formats.items()):
                    yield RadioButton(Text(f"{name:9} {description}"), value=index == 0, name=name)
            yield Label("File name (your browser downloads it):" if self.app.is_web else "Save to:")
            yield Input(str(self._default_paths[self._format]), id="export-path")
            yield Static(id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-save")
                yield Button("Copy to clipboard", id="export-copy")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.show_error(None)
        self.query_one(RadioSet).focus()

    @property
    def path_input(self) -> Input:
        return self.query_one("#export-path", Input)

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#export-error", Static)
        error.update(Text(message or ""))
        error.display = bool(message)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._choose(event.pressed.name or self._format)

    def _choose(self, name: str) -> None:
        """A new format: move the path to that format's default unless the user typed their own."""
        previous_default = str(self._default_paths[self._format])
        self._format = name
        if self.path_input.value == previous_default:
            self.path_input.value = str(self._default_paths[self._format])

    def action_confirm(self) -> None:
        """enter: on a format, export in that format; on a button, press it; in the path, export."""
        focused = self.focused
        if isinstance(focused, Button):
            focused.press()
            return
        if isinstance(focused, RadioSet) and focused._selected is not None:
            button = list(focused.query(RadioButton))[focused._selected]
            button.value = True
            self._choose(button.name or self._format)
        self._export(to_clipboard=False)

    def action_copy(self) -> None:
        self._export(to_clipboard=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-cancel":
            self.dismiss(None)
        else:
            self._export(to_clipboard=event.button.id == "export-copy")

    def _export(self, *, to_clipboard: bool) -> None:
        text = self.path_input.value.strip()
        if not to_clipboard and not text:
            self.show_error("Give a path to write to.")
            return
        content = render(self._stars, self._format, self._tags, self._notes)
        count = len(self._stars)
        if to_clipboard:
            self.app.copy_to_clipboard(content)
            self.dismiss(f"Copied {count} papers as {self._format} to the clipboard.")
            return
        if self.app.is_web:  # the viewer's browser downloads it; nothing is written on the server
            name = re.sub(r"[^\w.-]+", "_", Path(text).name).lstrip(".") or self._default_paths[self._format].name  # a header-safe name
            self.app.deliver_text(io.StringIO(content), save_filename=name, encoding="utf-8")
            self.dismiss(f"Sent {count} papers to your browser as {name}")
            return
        try:
            write(content, text)
        except ExportError as error:
            self.show_error(str(error))
            return
        self.dismiss(f"Exported {count} papers to {text}")
