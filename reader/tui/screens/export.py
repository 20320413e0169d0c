"""The `e` dialog: pick a format and a target path, then export or copy the starred list.

The dialog only collects the choice; the app renders and writes (and tells the dialog
what went wrong, so it stays open with the reason shown).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static


class ExportScreen(ModalScreen[None]):
    """Choose format and path for exporting the starred papers."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="close-export")]

    class Requested(Message):
        """Export ``fmt`` to ``path`` (as typed), or to the clipboard when ``path`` is None."""

        def __init__(self, dialog: ExportScreen, fmt: str, path: str | None) -> None:
            super().__init__()
            self.dialog = dialog
            self.fmt = fmt
            self.path = path

    def __init__(self, formats: dict[str, str], default_paths: dict[str, Path], count: int) -> None:
        """``formats`` maps format names to descriptions; ``default_paths`` gives each a target."""
        super().__init__()
        self._formats = formats
        self._default_paths = default_paths
        self._count = count
        self._format = next(iter(formats))

    def compose(self) -> ComposeResult:
        with Vertical(id="export-body"):
            yield Static(f"Export {self._count} starred papers", id="export-title", markup=False)
            with RadioSet(id="export-format"):
                for index, (name, description) in enumerate(self._formats.items()):
                    yield RadioButton(Text(f"{name:9} {description}"), value=index == 0, name=name)
            yield Label("Save to:")
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
        """A new format: move the path to that format's default unless the user typed their own."""
        previous_default = str(self._default_paths[self._format])
        self._format = event.pressed.name or self._format
        if self.path_input.value == previous_default:
            self.path_input.value = str(self._default_paths[self._format])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._request(to_clipboard=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-cancel":
            self.dismiss(None)
        else:
            self._request(to_clipboard=event.button.id == "export-copy")

    def _request(self, *, to_clipboard: bool) -> None:
        text = self.path_input.value.strip()
        if not to_clipboard and not text:
            self.show_error("Give a path to write to.")
            return
        path = None if to_clipboard else text
        self.post_message(self.Requested(self, self._format, path))
