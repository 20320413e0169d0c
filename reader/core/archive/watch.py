"""Watching an archive's folders: the next morning's ``git pull`` adds a day while the reader
runs. ``watchfiles`` (the OS's file events, a maintained library) tells when a digest file
appears, changes or goes; the callback then rescans (see ``ArchiveLoader.refresh``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.sources import is_digest_name

if TYPE_CHECKING:
    from watchfiles import Change

GROUP_MS = 400
"""Changes closer together than this (a pull writing many files) come as one."""


def is_digest_change(change: Change, path: str) -> bool:
    """Only digest files matter (editors' and git's temporary files do not)."""
    return is_digest_name(path.rsplit("/", 1)[-1])


class Watcher:
    """Calls ``changed()`` from its own daemon thread after digest files in ``folders`` change."""

    def __init__(self, folders: list[Path], changed: Callable[[], object]) -> None:
        self.folders = folders
        self._changed = changed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.folders and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="archive-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        from watchfiles import watch  # with anyio, a few ms that a single digest's start does not pay

        try:
            for _ in watch(
                *self.folders,
                watch_filter=is_digest_change,
                debounce=GROUP_MS * 4,
                step=GROUP_MS // 4,
                stop_event=self._stop,
                recursive=False,
                raise_interrupt=False,
                rust_timeout=1000,
            ):
                self._changed()
        except (OSError, RuntimeError):
            return  # a folder that went away: the archive stays as it was read
