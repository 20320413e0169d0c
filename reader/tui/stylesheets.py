"""Where the app's ``.tcss`` files are (installed, or in a source checkout), and their parsed
rules kept from one start to the next."""

from __future__ import annotations

import os
import pickle
import sys
import threading
from contextlib import suppress
from pathlib import Path

import textual.css
from textual.css.stylesheet import Stylesheet

from reader.core.store.ondisk import STALE_TEMP_SECONDS, remove_stale_temp_files, write_atomic


def stylesheet(name: str) -> str:
    """``name`` from the installed package (the wheel maps styles/ to reader/styles/), or from
    styles/ beside the package when it runs from a source checkout. A path, not
    importlib.resources: that import costs every start a few ms."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "styles" / name
    return str(installed if installed.exists() else package.parent / "styles" / name)


_PARSING = tuple(sorted(Path(textual.css.__file__).parent.glob("*.py")))
"""The files of Textual whose code makes the parsed rules: its CSS package (parser, tokenizer,
style builder, scalars, colours' parsing)."""


class _Recording(dict):
    """Textual's parse cache of a stylesheet (a key holds the CSS text and where it is from),
    remembering which keys this start asked for or filled: what the next start will ask for."""

    def __init__(self, rules: dict) -> None:
        super().__init__(rules)
        self.asked: set = set()

    def __getitem__(self, key: tuple) -> list:
        rules = super().__getitem__(key)
        self.asked.add(key)
        return rules

    def __setitem__(self, key: tuple, rules: list) -> None:
        super().__setitem__(key, rules)
        self.asked.add(key)


class StyleCache:
    """The rules Textual parsed from the stylesheets of a start (ours and its widgets'), kept in a
    file so the next start skips the parse: 15 ms of each start, for rules that only change with
    the CSS, the theme's variables, Textual or Python.

    The app fills the stylesheet before anything is styled, and saves at its first frame and at its
    end (see :meth:`save`): after the first start, a start writes nothing. The file is disposable: one that is missing, unreadable or of another version
    is ignored, and the rules are parsed as before.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._loaded: frozenset = frozenset()
        self.writer: threading.Thread | None = None
        """The thread writing the file, if a save started one."""

    def _version(self, sheet: Stylesheet) -> bytes:
        """One line of what the rules depend on besides the CSS (the file's first): the theme's
        variables, Python, and the Textual install (its CSS package's files by size and time;
        ``textual.__version__`` would cost 14 ms of importlib.metadata)."""
        files = [(info.st_size, info.st_mtime_ns) for info in map(os.stat, _PARSING)]
        return repr((sys.version, sorted(sheet._variables.items()), files)).encode("utf-8", "backslashreplace")

    def fill(self, sheet: Stylesheet) -> None:
        """Give ``sheet`` the rules an earlier start saved (before anything is styled)."""
        rules: dict = {}
        with suppress(Exception):  # any damage: parse as if there were no cache
            version, _, saved = self.path.read_bytes().partition(b"\n")
            if version == self._version(sheet):  # (nothing of another version is unpickled)
                rules = pickle.loads(saved)
                rules = rules if isinstance(rules, dict) else {}
        sheet._parse_cache = _Recording(rules)
        self._loaded = frozenset(rules)

    def save(self, sheet: Stylesheet, *, final: bool = False, wait: float = 0.0) -> None:
        """Keep the rules ``sheet`` was asked for, when some are new to the file; the ``final`` save
        (the app's end) also drops the file's rules that were not asked for (a stylesheet edited,
        another install). Taken now, pickled and written by a thread (``writer``), which is given
        ``wait`` seconds to end."""
        cache = sheet._parse_cache
        if not isinstance(cache, _Recording) or cache.asked <= self._loaded and not (final and cache.asked != self._loaded):
            return
        keep = cache.asked if final else cache.asked | self._loaded
        rules = {key: dict.__getitem__(cache, key) for key in keep if key in cache}
        self._loaded = frozenset(rules)
        self.writer = threading.Thread(target=self._write, args=(self._version(sheet), rules), name="style-cache", daemon=True)
        self.writer.start()
        self.writer.join(wait)

    def _write(self, version: bytes, rules: dict) -> None:
        with suppress(Exception):  # a full disk or a read-only cache folder costs only the speed-up
            self.path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temp_files(self.path, older_than=STALE_TEMP_SECONDS)
            write_atomic(self.path, version + b"\n" + pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
