"""The note key of the main screen: the note editor for the current paper."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from reader.core.library import is_kept

if TYPE_CHECKING:
    from reader.core.model import Paper
    from reader.core.session import ReadingSession
    from reader.tui.widgets.paper_list import PaperList


class NoteActions:
    """``a`` (annotate) for a screen with a session and a paper list."""

    session: ReadingSession
    paper_list: PaperList
    say: Callable[..., None]
    marks_changed: Callable[[], None]
    refresh_list: Callable[..., None]

    def action_note(self) -> None:
        from reader.tui.screens.note import NoteScreen  # not needed to start

        paper = self.paper_list.current
        if paper is None:
            return
        note = self.session.note_of(paper.id)
        screen = NoteScreen(paper.title, note)
        self.app.push_screen(screen, lambda text: self._note_written(paper, text, note))  # type: ignore[attr-defined]

    def _note_written(self, paper: Paper, text: str | None, over: str | None) -> None:
        """Save ``text``, written over the note ``over`` the editor opened with (another window
        may have saved a change since: both are then kept)."""
        if text is None:
            return
        self.say(f"{self.session.set_note(paper, text, over)}: {paper.title}")
        self.marks_changed()
        if self.session.query is not None or is_kept(self.session.scope):  # has:note and its words may match, or no longer
            self.refresh_list(paper.id)
