"""The save-search key of the main screen: the search on show becomes a saved search."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from reader.core.saved import SavedSearchError, add_search

if TYPE_CHECKING:
    from reader.core.session import ReadingSession


class SaveSearchActions:
    """``S`` for a screen with a session; the app's ``config_path`` and ``reload_config`` do the rest."""

    session: ReadingSession
    say: Callable[..., None]

    def action_save_search(self) -> None:
        from reader.tui.screens.save_search import SaveSearchScreen  # not needed to start

        query = self.session.query
        if query is None or not query.text.strip():
            self.say("Search first (/), then S saves the search.")
            return
        config_path = getattr(self.app, "config_path", None)  # type: ignore[attr-defined]
        if config_path is None:
            self.say("No config file to save searches in.")
            return
        self.app.push_screen(SaveSearchScreen(query.text), lambda name: self._named(Path(config_path), query.text, name))  # type: ignore[attr-defined]

    def _named(self, config_path: Path, query: str, name: str | None) -> None:
        if name is None:
            return
        try:
            saved = add_search(config_path, name, query)
        except SavedSearchError as error:
            self.say(str(error), 8)
            return
        self.app.action_reload_config()  # type: ignore[attr-defined]  # the sidebar gets its entry
        self.say(f"Saved the search as {saved}: it is in the sidebar.")
