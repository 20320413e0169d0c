"""The Textual app: it starts things (the main screen, the background jobs, the signal
handlers) and owns what outlives a screen (the mark store, the config, the session).

Reading keys live on :class:`MainScreen`; rules live in :class:`ReadingSession`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen

from reader.core.archive.days import DaySource
from reader.core.config import Config, ConfigError, load_config
from reader.core.loading import Loader, LoadUpdate
from reader.core.model import Digest
from reader.core.sanitize import clean
from reader.core.search import Interests
from reader.core.session import PaperIndex, ReadingSession
from reader.core.store import MarkStore
from reader.tui.keys import GLOBAL_KEYS, READING_KEYS
from reader.tui.links import web_browser
from reader.tui.screens.main import MainScreen
from reader.tui.stylesheets import StyleCache, stylesheet

if TYPE_CHECKING:
    from reader.core.archive.loading import ArchiveLoader
    from reader.core.archive.watch import Watcher


FIRST_BATCH = 60
"""Papers parsed before the first screen of a big digest is shown: more than a screenful."""
EXIT_GRACE = 1.5
"""Seconds an ending app may take to shut Textual down before the process saves the marks and
ends itself (see ``_end_soon``): the shutdown can hang on a terminal that is gone."""
STYLE_SAVE_WAIT = 0.5
"""Seconds an ending app waits for the style cache to be written (see ``StyleCache.save``)."""
SIGNAL_LOCK_WAIT = 1.0
"""After a signal, the longest wait for another process's lock on the state; then a rescue file."""


class LoadProgress(Message):
    """A background load read more of the digest, finished, or failed (posted from its thread)."""

    def __init__(self, update: LoadUpdate) -> None:
        super().__init__()
        self.update = update


class IndexBuilt(Message):
    """The search index a worker built."""

    def __init__(self, index: PaperIndex) -> None:
        super().__init__()
        self.index = index


class InterestsMatched(Message):
    """Which papers match the interests, from a worker."""

    def __init__(self, interests: Interests, matched: dict[str, list[str]]) -> None:
        super().__init__()
        self.interests = interests
        self.matched = matched


class DigestReader(App[int]):
    """Read a day of arXiv papers from the keyboard."""

    CSS_PATH = stylesheet("reader.tcss")
    TITLE = "digest-reader"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = list(GLOBAL_KEYS)

    def __init__(
        self,
        *,
        store: MarkStore,
        config: Config,
        digest: Digest | None = None,
        path: Path | None = None,
        sample: bool = False,
        config_path: Path | None = None,
        open_url: Callable[[str], object] | None = None,
        days: DaySource | None = None,
        index_path: Path | None = None,
        style_cache: Path | None = None,
    ) -> None:
        super().__init__()
        self._style_cache = StyleCache(style_cache) if style_cache is not None else None
        """The parsed stylesheets, kept between starts (the CLI's; tests parse as before)."""
        if self._style_cache is not None:
            self._style_cache.fill(self.stylesheet)
        self.store = store
        self.config_path = config_path
        self.path = path
        deliver = lambda update: self.post_message(LoadProgress(update))  # noqa: E731
        self._days: ArchiveLoader | None = None
        """Every day of a folder (several paths, a glob): read in the background, watched."""
        self._watcher: Watcher | None = None
        if days is not None:  # an archive's machinery (sqlite3, watchfiles) is imported only for one
            from reader.core.archive.index import ArchiveIndex
            from reader.core.archive.loading import ArchiveLoader
            from reader.core.archive.watch import Watcher

            self._days = ArchiveLoader(days, deliver, index=ArchiveIndex(index_path) if index_path is not None else None)
            self._watcher = Watcher(days.folders, self._days.refresh)
            digest = self._days.listing()
        loading = (digest is None and path is not None) or self._days is not None
        self.session = ReadingSession(store, config, digest or Digest(name=clean(path.name) if path else "digest"), loading=loading)
        self.main = MainScreen(self.session, sample=sample, open_url=open_url or web_browser)
        self._loader: Loader | ArchiveLoader = self._days or Loader(deliver, first_batch=FIRST_BATCH)
        self._completed = False
        self._notices_shown = 0
        self._previous_handlers: dict[int, object] = {}
        self._terminal = False
        """Started on a real terminal (set at mount): when it is gone (no longer a tty), the app
        ends (``_pick_up_other_instances``); when the app ends, ``_end_soon`` guards the shutdown."""

    def on_mount(self) -> None:
        self._previous_handlers = {signum: signal.signal(signum, self._on_signal) for signum in (signal.SIGTERM, signal.SIGHUP)}
        for warning in self.session.config.warnings:  # e.g. a config that cannot be reached: the defaults apply
            self.notify(warning, title="Config", severity="warning", timeout=10, markup=False)
        self._show_new_notices()
        self._terminal = not self.is_headless and os.isatty(0)
        self.call_after_refresh(self._first_frame_shown)
        if self._days is not None:
            self.session.open_archive(datetime.now())
            self._days.start()  # the newest day first
            if self._watcher is not None:
                self._watcher.start()
        elif self.session.loading:
            self._loader.start(self.path)  # at once: the first papers may make the first frame
        else:
            self.call_after_refresh(self._digest_complete)  # the first paint waits for nothing
        self.set_interval(2.0, self._pick_up_other_instances)

    def _first_frame_shown(self) -> None:
        """The start is over: what exists now lives as long as the app, so the collector skips
        it from now on, and collects again (``digest-reader`` switches it off for the start)."""
        gc.freeze()
        gc.enable()
        if self._style_cache is not None:
            self._style_cache.save(self.stylesheet)

    def get_default_screen(self) -> Screen:
        return self.main

    def on_unmount(self) -> None:
        """Stop a load, and give the process its signal handlers back (tests run many apps in one
        process). A real terminal's app keeps them and starts the countdown of ``_end_soon``
        instead: what follows is Textual's driver shutdown, which can hang on a terminal that is gone."""
        self._loader.cancel()
        if self._watcher is not None:
            self._watcher.stop()
        if self._style_cache is not None:  # with the styles of what the first frame did not show (the footer's keys)
            self._style_cache.save(self.stylesheet, final=True, wait=STYLE_SAVE_WAIT)
        if self._terminal:  # a real terminal: the handlers stay, a SIGHUP during the shutdown still saves
            self._end_soon()
            return
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)

    def _end_soon(self) -> None:
        """End the process after EXIT_GRACE unless it ended by then: the marks saved first (or
        rescued, said on stderr, exit status 1). A clean exit does not wait for the daemon timer."""
        if getattr(self, "_ender", None) is None:
            self._ender = threading.Timer(EXIT_GRACE, self._end_now)
            self._ender.daemon = True
            self._ender.start()

    def _end_now(self) -> None:
        """Save (never waiting long), rescue what could not be saved, say so, end the process."""
        self.store.flush(lock_wait=SIGNAL_LOCK_WAIT)
        self.store.rescue()
        note = self.store.unsaved_note()
        if note is not None:
            with contextlib.suppress(OSError):  # stderr may be the terminal that is gone
                os.write(2, f"digest-reader: error: {note}\n".encode("utf-8", "replace"))
        os._exit(1 if note is not None else 0)

    # -- background jobs ------------------------------------------------------------
    # Threads report with messages: posting never waits, so a thread can never hold up the
    # app's shutdown (call_from_thread would wait for a loop that is closing).

    def on_load_progress(self, message: LoadProgress) -> None:
        update = message.update
        if update.load_id != self._loader.current:
            return  # a load nobody wants any more
        if update.error is not None:
            self.notify(update.error, title="Cannot read digest", severity="error", markup=False)
        elif update.digest is not None:
            self.session.set_digest(update.digest)
        if update.done:
            self.session.loading = False
        if self.main.is_mounted:  # else the screen draws the session as it mounts
            self.main.refresh_all()
        if self._days is not None:
            self.call_after_refresh(self._days.shown.set)  # the loader waits for this frame before reading on
        if update.done:
            self._digest_complete()

    def _digest_complete(self) -> None:
        """The whole digest is here (or an archive's day changed): warn once, and prepare
        interests and search off the UI thread."""
        if not self._completed:
            self._announce_warnings()
            rebuilt = self._days.index.rebuilt if self._days is not None and self._days.index is not None else None
            if rebuilt is not None:  # a damaged or foreign cache file: nothing lost, but say why it took long
                self.notify(rebuilt, title="Index rebuilt", severity="warning", timeout=8, markup=False)
        self._completed = True
        self._match_interests()
        self._build_index()
        gc.freeze()  # spare the loaded papers every full collection; a later digest's old papers are still freed by refcount

    @work(thread=True, exclusive=True, group="interests")
    def _match_interests(self) -> None:
        """Match every paper against the interests off the UI thread (for the sidebar counts)."""
        papers, interests, full = self.session.digest.papers, self.session.interests, self.session.full
        if interests:
            matched = {paper.id: interests.matches(full(paper)) for paper in papers}
            self.post_message(InterestsMatched(interests, matched))

    def on_interests_matched(self, message: InterestsMatched) -> None:
        if self.session.cache_interests(message.interests, message.matched):
            self.main.refresh_all()

    @work(thread=True, exclusive=True, group="index")
    def _build_index(self) -> None:
        """Index the digest for search once the list is shown, so the first `/` answers at once."""
        self.post_message(IndexBuilt(PaperIndex.build(self.session.digest.papers, self.session.text_index)))

    def on_index_built(self, message: IndexBuilt) -> None:
        self.main.index_ready(message.index)

    def _announce_warnings(self) -> None:
        """Show parser warnings once, as one notification rather than a wall of text."""
        warnings = self.session.digest.warnings
        if not warnings:
            return
        shown = "\n".join(warnings[:3])
        if len(warnings) > 3:
            shown += f"\n… and {len(warnings) - 3} more (digest-reader --dump shows them all)"
        self.notify(shown, title="Digest warnings", severity="warning", timeout=8, markup=False)

    # -- actions that outlive a screen ----------------------------------------------

    def action_reload_config(self) -> None:
        """Take edits of the config file; a broken file keeps the previous settings."""
        if self.config_path is None:
            return
        try:
            config = load_config(self.config_path)
        except ConfigError as error:
            self.notify(f"{error}\nThe previous settings stay.", title="Config not reloaded", severity="error", timeout=10, markup=False)
            return
        interests_changed = self.session.reconfigure(config)
        self.main.settings_changed()
        if interests_changed:
            self._match_interests()
        for warning in config.warnings:
            self.notify(warning, title="Config", severity="warning", markup=False)
        self.notify(clean(f"Reloaded {self.config_path}"), timeout=3, markup=False)

    async def action_quit(self) -> None:
        self.store.flush()
        self.exit(0)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every reading key, described as in the footer."""
        from reader.tui.screens.help import describe_keys

        yield from super().get_system_commands(screen)
        for binding in READING_KEYS:
            if binding.id == "quit":
                continue
            yield SystemCommand(
                binding.description,
                f"key: {describe_keys(binding.key, binding.key_display)}",
                lambda action=binding.action: self.main.run_action(action),
            )

    # -- outside events -------------------------------------------------------------

    def _pick_up_other_instances(self) -> None:
        """Another instance (or a sync tool) may have saved marks: show them. And a terminal
        that is gone (closed with no SIGHUP reaching this process) ends the app, marks saved."""
        if self._terminal and not os.isatty(0):
            self._end_now()
        if self.store.refresh():
            self.session.sync_read()
            self.main.marks_changed()
        self._show_new_notices()

    def _show_new_notices(self) -> None:
        """Tell the user (once) about store problems, e.g. a save that failed or a file moved aside."""
        for notice in self.store.notices[self._notices_shown :]:
            self.notify(notice, title="Marks", severity="warning", timeout=10, markup=False)
        self._notices_shown = len(self.store.notices)

    def _on_signal(self, signum: int, frame: object) -> None:
        """SIGTERM or a closed terminal (SIGHUP): save the marks, then leave.

        After SIGHUP there is no terminal to give back, and Textual's shutdown could wait
        forever on its output thread to it: the marks are saved (or rescued) and the process
        ends at once. After SIGTERM the app leaves cleanly, giving the terminal back, within
        EXIT_GRACE seconds (see ``_end_soon``).
        """
        if signum == signal.SIGHUP:
            self._end_now()
        self.store.flush(lock_wait=SIGNAL_LOCK_WAIT)
        self._end_soon()
        self.call_later(self.exit, 0)
