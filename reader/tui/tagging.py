"""The tag keys of the main screen: the tag line and the Later toggle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from reader.core.library import is_kept

if TYPE_CHECKING:
    from reader.core.session import ReadingSession
    from reader.tui.widgets.paper_list import PaperList


class TagActions:
    """``T`` (the tag line) and ``L`` (Later) for a screen with a session and a paper list."""

    session: ReadingSession
    paper_list: PaperList
    say: Callable[..., None]
    marks_changed: Callable[[], None]
    refresh_list: Callable[..., None]

    def action_tag(self) -> None:
        from reader.tui.screens.tags import TagScreen  # not needed to start

        paper = self.paper_list.current
        if paper is None:
            return
        screen = TagScreen(paper.title, self.session.tag_names(), self.session.tags_of(paper.id))
        self.app.push_screen(screen, lambda text: self._tags_typed(paper, text))  # type: ignore[attr-defined]

    def _tags_typed(self, paper, text: str | None) -> None:
        if text is None:
            return
        self.say(f"{self.session.edit_tags(paper, text)}: {paper.title}")
        self._tags_changed(paper.id)

    def action_toggle_later(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return
        later = self.session.toggle_later(paper)
        self.say(("Later: " if later else "Not later: ") + paper.title)
        self._tags_changed(paper.id)

    def _tags_changed(self, paper_id: str) -> None:
        self.marks_changed()
        if is_kept(self.session.scope):  # a tag view (or a saved search with tag:) lists what has the tag now
            self.refresh_list(paper_id)
