"""The note key of the main screen: the note editor for the current paper."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

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
        screen = NoteScreen(paper.title, self.session.note_of(paper.id))
        self.app.push_screen(screen, lambda text: self._note_written(paper, text))  # type: ignore[attr-defined]

    def _note_written(self, paper: Paper, text: str | None) -> None:
        if text is None:
            return
        self.say(f"{self.session.set_note(paper, text)}: {paper.title}")
        self.marks_changed()
        if self.session.query is not None:  # has:note and the note's words may match, or no longer
            self.refresh_list(paper.id)
