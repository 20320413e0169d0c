"""The view and filter keys of the main screen: summary/abstract, unread only, interests, muted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from reader.core.session import ReadingSession


class FilterActions:
    """``t``, ``u``, ``m`` and ``M`` for a screen with a session and a paper list."""

    session: ReadingSession
    say: Callable[..., None]
    notify: Callable[..., None]
    refresh_list: Callable[..., None]
    show_detail: Callable[..., None]
    _refresh_sidebar: Callable[[], None]

    def action_toggle_view(self) -> None:
        self.session.toggle_view()
        self.show_detail()

    def action_unread_only(self) -> None:
        self._toggle_filter("unread_only", "Showing unread papers only")

    def action_interests_only(self) -> None:
        if self.session.interests is None:
            self.notify("No interests configured: add `interests` or `authors` to the config file (digest-reader --paths shows where).", timeout=6, markup=False)
            return
        self._toggle_filter("interests_only", "Showing papers that match your interests")

    def action_toggle_muted(self) -> None:
        if not self.session.muting:
            self.say("No mute rules: add mute = [\"query\", …] to the config file.", 5)
            return
        self._toggle_filter("show_muted", "Showing muted papers too")
        self._refresh_sidebar()

    def _toggle_filter(self, name: str, when_on: str) -> None:
        on = self.session.toggle_filter(name)
        self.refresh_list()
        self.say(when_on if on else "Showing all papers")
