"""The state file as last written, parsed, so thousands of saved papers load in milliseconds.

tomllib reads a state of 1,000 tagged and 1,000 noted papers (8 MB, a dozen keys per saved
copy) in about 0.4 s. After a save of a state that holds many saved papers, that state is
pickled next to the SHA-256 of the bytes written, in the cache folder; a start that finds the
file with exactly those bytes takes the state from there. The TOML file stays the only truth:
the cache serves only the bytes it was written for, and a missing, stale or unreadable cache
is ignored (the file is parsed as before). It lives in the user's own cache folder, which is
as private as the state itself, so loading a pickle from it trusts nothing new.
"""

from __future__ import annotations

import dataclasses
import os
from contextlib import suppress
from pathlib import Path

from reader.core.model import Noted, Paper, Star, Tagged
from reader.core.store import ondisk
from reader.core.store.fileformat import FORMAT_VERSION
from reader.core.store.marks import ReadSet, State

MIN_SAVED = 200
"""Saved papers (stars, tagged, noted) from which a state is cached: fewer parse fast enough."""
_SHAPE = repr(
    (
        FORMAT_VERSION,
        ReadSet.__slots__,
        [(kind.__name__, kind._fields) for kind in (Paper, Star, Tagged, Noted)],
        [field.name for field in dataclasses.fields(State)],
    )
).encode()
"""What the pickled objects look like: a reader whose model changed never takes an older cache."""


class ParseCache:
    """One pickled state, keyed by the bytes of the file it was parsed from (or written as)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, data: bytes) -> State | None:
        """The state of a file of exactly ``data``, if this cache holds it."""
        try:
            with open(self.path, "rb") as file:
                if file.read(32) != _key(data):
                    return None
                import pickle  # only where a cache exists: most states are too small to have one

                state = pickle.load(file)
        except Exception:  # noqa: BLE001 - missing, half-written, or from another version: parse the file
            return None
        return state if isinstance(state, State) else None

    def store(self, data: bytes, state: State) -> None:
        """Keep ``state`` as the parse of ``data`` when it is worth it and holds nothing raw (whose
        notices only a parse gives); otherwise drop an older cache. Never raises."""
        with suppress(Exception):
            if len(state.stars) + len(state.tagged) + len(state.noted) < MIN_SAVED or _has_raw(state):
                with suppress(FileNotFoundError):
                    os.unlink(self.path)
                return
            import pickle

            self.path.parent.mkdir(parents=True, exist_ok=True)
            ondisk.write_atomic(self.path, _key(data) + pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def _key(data: bytes) -> bytes:
    import hashlib  # only with a state file: not on a first start

    return hashlib.sha256(_SHAPE + data).digest()


def _has_raw(state: State) -> bool:
    """Whether the state keeps anything it did not understand (malformed entries among them)."""
    return bool(state.raw or state.raw_stars or state.raw_settings or state.raw_tagged or state.raw_noted or state.read.raw)
