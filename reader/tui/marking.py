"""The mark keys of the main screen: star, read, all read, and undo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from reader.core.library import STARRED

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.core.session import ReadingSession
    from reader.tui.widgets.paper_list import PaperList


class MarkActions:
    """``s``, ``r``, ``A`` and ``U`` for a screen with a session and a paper list."""

    session: ReadingSession
    paper_list: PaperList
    say: Callable[..., None]
    marks_changed: Callable[[], None]
    _read_timer: Timer | None

    def action_star(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return
        starred = self.session.toggle_star(paper)
        self.say(("★ Starred: " if starred else "Unstarred: ") + paper.title)
        if self.session.scope == STARRED:
            self.paper_list.show(self.session.visible(), keep=paper.id)
        self.marks_changed()

    def action_toggle_read(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return
        if self._read_timer is not None:
            self._read_timer.stop()
        self.session.toggle_read(paper)
        self.marks_changed()

    def action_mark_all_read(self) -> None:
        changed = self.session.mark_all_read(self.paper_list.papers)
        if not changed:
            self.say("Everything here is read already.")
            return
        self.marks_changed()
        self.say(f"Marked {len(changed)} papers read. U undoes it.", 8)

    def action_undo(self) -> None:
        step = self.session.undo()
        if step is None:
            self.say("Nothing to undo.")
            return
        if step.star is not None:
            self.say(f"★ Starred again: {step.star.paper.title}")
            if self.session.scope == STARRED:
                self.paper_list.show(self.session.visible(), keep=step.star.paper.id)
        else:
            self.say(f"{len(step.read_ids)} papers are unread again.")
        self.marks_changed()
