"""Saved searches: ``[searches]`` in the config, and adding one to the user's config file.

Each saved search is a sidebar entry (its key is :func:`search_scope`) listing the digest's
papers that match it now, with its unread count, so it follows the marks as they change.

Adding a search rewrites the config file the user may have written by hand, so it touches
nothing else: the new ``name = "query"`` line goes right under the ``[searches]`` header (or
replaces the line of the same name), or a ``[searches]`` table is appended at the end. The new
text must parse to exactly the old settings plus that search, or the file is left alone and
the user is told to add it by hand (a ``searches`` written as an inline or dotted table, say).
The file is replaced atomically and keeps its permissions.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from reader.core.sanitize import clean
from reader.core.search import parse_query
from reader.core.store.ondisk import write_atomic

SEARCH = "\x00search:"
"""Sidebar keys of saved searches start with this, then the search's name."""
_HEADER = r"\s*\[\s*searches\s*\]\s*(#.*)?"
_TABLE_START = r"\s*\["


def search_scope(name: str) -> str:
    """The sidebar key of saved search ``name``."""
    return SEARCH + name


def search_of(scope: str) -> str | None:
    """The name of a saved search's sidebar key, else None."""
    return scope[len(SEARCH) :] if scope.startswith(SEARCH) else None


class SavedSearchError(Exception):
    """The search could not be saved; one line for the user (the file is as it was)."""


def add_search(path: Path, name: str, query: str) -> str:
    """Save ``query`` as ``name`` in the config file at ``path`` (made if missing); returns the
    name as saved. Raises :class:`SavedSearchError`, leaving the file untouched."""
    import tomllib  # TOML only when a search is saved: not on every start

    import tomli_w

    name = " ".join(clean(name).split())
    if not name:
        raise SavedSearchError("A saved search needs a name.")
    parse_query(query)  # the caller saves a search that runs; a QueryError here is a bug
    try:
        text = path.read_bytes().decode("utf-8")
        old = tomllib.loads(text)
    except FileNotFoundError:
        text, old = "", {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SavedSearchError(clean(f"Cannot read {path} to add the search: {exc}")) from None
    line = tomli_w.dumps({name: query})
    new_text = _with_search(text, name, line, "searches" in old)
    searches = old.get("searches", {})
    expected = {**old, "searches": {**searches, name: query}} if isinstance(searches, dict) else None
    try:
        safe = tomllib.loads(new_text) == expected
    except tomllib.TOMLDecodeError:
        safe = False
    if not safe:
        raise SavedSearchError(clean(f'{path} was left as it is: add the line {line.strip()} under [searches] by hand.'))
    try:
        _replace(path, new_text.encode("utf-8"))
    except OSError as exc:
        raise SavedSearchError(clean(f"Cannot write {path}: {exc.strerror or exc}")) from None
    return name


def _with_search(text: str, name: str, line: str, has_table: bool) -> str:
    """The config text with ``line`` (``name = "query"``) in its ``[searches]`` table."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"  # a file ending without a newline (on [searches] itself, say)
    header = next((number for number, written in enumerate(lines) if re.fullmatch(_HEADER, written.rstrip("\r\n"))), None)
    if header is None:
        if has_table:  # searches = {...} or searches.x = "...": no header to add under; the check refuses
            return text + line
        separator = "" if not text or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
        return f"{text}{separator}[searches]\n{line}"
    for number in range(header + 1, len(lines)):
        if re.match(_TABLE_START, lines[number]):
            break
        if name in _single(lines[number]):
            return "".join([*lines[:number], line, *lines[number + 1 :]])
    return "".join([*lines[: header + 1], line, *lines[header + 1 :]])


def _single(line: str) -> dict:
    """The key and value of one config line, if it is a whole ``key = value`` line."""
    import tomllib

    try:
        return tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return {}


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path`` (over the
    file a link points to: the link stays)."""
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    write_atomic(path, data, mode)
