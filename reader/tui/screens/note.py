"""The note editor: a multi-line text for the current paper's note.

ctrl+s saves (an empty note removes it), escape closes without saving. The dialog only
collects the text; :meth:`ReadingSession.set_note` keeps it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, TextArea

from reader.tui.screens.dialog import Dialog


class NoteScreen(Dialog[str | None]):
    """Edit a note; dismissed with the text to save, or None to leave the note as it was."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save-note", priority=True),
        Binding("escape", "dismiss", "Cancel", id="cancel-note"),
    ]

    def __init__(self, title: str, note: str | None) -> None:
        super().__init__()
        self._title = title
        self._note = note or ""

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="note-body") as body:
            body.border_title = "Note"
            body.border_subtitle = "ctrl+s saves · escape cancels · empty removes it"
            yield Label(self._title, id="note-paper")
            yield TextArea(self._note, soft_wrap=True, placeholder="Why this paper matters…", id="note-text")

    def on_mount(self) -> None:
        text = self.query_one(TextArea)
        text.move_cursor(text.document.end)  # go on writing where the note ends

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)
