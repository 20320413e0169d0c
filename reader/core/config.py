"""The user's settings (``config.toml``) and where digest-reader keeps its files.

Every key is optional; with no file at all the defaults below apply::

    mark_read = "auto"          # or "manual": only the read key marks papers read
    mark_read_delay = 1.5       # seconds
    export_dir = "~/papers"     # where exports are written; default: the home folder
    digests = "~/arxiv/data"    # the folder `digest-reader` opens with no PATH; default: the bundled sample
    interests = ["diffusion", "retrieval"]
    authors = ["Yann LeCun"]
    raw_latex = false           # true: show $x^2$ as written instead of rendering it
    mute = ["-cat:cs.CV survey", "author:Someone"]  # search queries whose papers are hidden

    [searches]                  # saved searches: sidebar entries (the reader's S adds one)
    diffusion = "diffusion -survey cat:cs.CV"

The auto rule: a paper becomes read once it has been shown in the detail pane for
``mark_read_delay`` seconds without a break. The app starts a timer when a paper is shown
and marks it when the timer fires; if the timer has not fired yet when the user moves
away (a busy app), the paper is still marked when it was shown for at least the delay.
Skimming past a paper in less time leaves it unread; a delay of 0 marks every paper shown.

Paths: the state file is ``--state FILE``, else ``$DIGEST_READER_STATE``, else
``state.toml`` in platformdirs' user data folder; ``config.toml`` is ``--config FILE``, else
``$DIGEST_READER_CONFIG``, else beside the state file.
"""

from __future__ import annotations

import errno
import math
import os
import reprlib
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from platformdirs import user_data_dir

from reader.core.mute import RuleError, parse_rules
from reader.core.sanitize import clean

APP_NAME = "digest-reader"
MAX_CONFIG_BYTES = 1024 * 1024
"""A config file larger than this is not read (a link to /dev/zero, a stray big file)."""
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxstring, _SHORT.maxother = 3, 6, 60, 60
STATE_ENV = "DIGEST_READER_STATE"
CONFIG_ENV = "DIGEST_READER_CONFIG"


class Paths(NamedTuple):
    """Where the marks and the config live (``digest-reader --paths``)."""

    state: Path
    config: Path


def resolve_paths(state: str | None = None, config: str | None = None) -> Paths:
    """The files to use, given the ``--state`` and ``--config`` options (None when not given).

    An option given as an empty string is a ValueError, not the default: ``--state "$UNSET"``
    must not quietly use (and change) the user's real marks. An empty variable is unset.
    """
    for name, value in (("--state", state), ("--config", config)):
        if value is not None and not value.strip():
            raise ValueError(f"{name} needs a file name, not an empty string")
    state_path = _chosen(state, STATE_ENV) or Path(user_data_dir(APP_NAME)) / "state.toml"
    config_path = _chosen(config, CONFIG_ENV) or state_path.with_name("config.toml")
    return Paths(state_path, config_path)


def _chosen(option: str | None, env: str) -> Path | None:
    value = option or os.environ.get(env)
    return user_path(value).absolute() if value else None


def cache_file(name: str) -> Path:
    """``name`` in the platformdirs cache folder, or beside the file ``$DIGEST_READER_CACHE``
    names (the archive index's): every cache is disposable and rebuilt when missing."""
    chosen = os.environ.get("DIGEST_READER_CACHE")
    if chosen:
        return Path(chosen).expanduser().parent / name
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("digest-reader")) / name


def user_path(value: str | os.PathLike) -> Path:
    """A path the user typed, ``~`` expanded; ValueError with a reason a user understands
    when it cannot name a file (``~nosuchuser/x``, a NUL byte)."""
    text = os.fspath(value)
    if "\0" in text:
        raise ValueError(f"{text!r} is not a usable path (it contains a NUL byte)")
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~user of a user that does not exist
        raise ValueError(f"{text}: no such user's home folder") from None


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and what is wrong, in one line."""


@dataclass(slots=True)
class Config:
    """The settings; the defaults are what the app does without a config file."""

    mark_read: Literal["auto", "manual"] = "auto"
    mark_read_delay: float = 1.5
    export_dir: str | None = None
    """Folder for exports, ``~`` expanded; None: the exporter's default (the home folder)."""
    digests: str | None = None
    """The folder of digests opened with no PATH, ``~`` expanded; None: the bundled sample."""
    interests: list[str] = field(default_factory=list)
    """Keywords that make a paper interesting."""
    authors: list[str] = field(default_factory=list)
    """Authors whose papers are interesting."""
    raw_latex: bool = False
    mute: list[str] = field(default_factory=list)
    """Search queries whose papers the lists and counts leave out (see :mod:`reader.core.mute`)."""
    searches: dict[str, str] = field(default_factory=dict)
    """Saved searches by name, each a sidebar entry (see :mod:`reader.core.saved`)."""
    warnings: list[str] = field(default_factory=list)
    """Problems that did not stop loading (unknown keys), for the app to show."""


def _mark_read(value: object) -> str:
    if value not in ("auto", "manual"):
        raise ValueError('"auto" or "manual"')
    return str(value)


def _delay(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError("a number of seconds, 0 or more")
    return float(value)


def _folder(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a folder path")
    try:
        return str(user_path(value))
    except ValueError:
        raise ValueError("a folder path (~user must name a user of this machine)") from None


def _words(value: object) -> list[str]:
    """A list of strings; blank entries are dropped, since they would match every paper."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("a list of strings")
    return [item.strip() for item in value if item.strip()]


def _rules(value: object) -> list[str]:
    """A list of search queries; one that does not parse raises RuleError (which names it)."""
    if isinstance(value, str):
        raise ValueError("a list of search queries")
    rules = _words(value)
    parse_rules(rules)
    return rules


def _searches(value: object) -> dict[str, str]:
    """A table of names and search queries; one that does not parse raises RuleError."""
    if not isinstance(value, dict) or not all(isinstance(query, str) for query in value.values()):
        raise ValueError('a table of names and search queries ([searches] then name = "query")')
    searches = {" ".join(clean(name).split()): query.strip() for name, query in value.items()}
    if "" in searches:
        raise ValueError("a table whose names are not blank")
    parse_rules(list(searches.values()), "saved search")
    return searches


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


_KEYS: dict[str, Callable[[object], object]] = {
    "mark_read": _mark_read,
    "mark_read_delay": _delay,
    "export_dir": _folder,
    "digests": _folder,
    "interests": _words,
    "authors": _words,
    "raw_latex": _flag,
    "mute": _rules,
    "searches": _searches,
}


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read ``path``; a missing file gives the defaults, anything unusable raises ConfigError.

    A path that cannot lead to a file (a plain file where a folder should be) is no config:
    the defaults, with a warning. Everything a message shows of the file or its path is
    cleaned, and it is one line.
    """
    path = Path(path)
    shown = clean(str(path))
    try:
        data = _read_small(path)
    except FileNotFoundError:
        return Config()
    except NotADirectoryError:
        return Config(warnings=[f"{shown} cannot be reached (a part of its path is not a folder); the default settings apply"])
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read it: {clean(exc.strerror or str(exc))}") from None
    import tomllib  # only when there is a config: not on a first start

    try:
        text = data.decode("utf-8")
        doc = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:  # its message ends with "(at line L, column C)" or "(at end of document)"
        raise ConfigError(f"{shown}: {clean(_with_position(str(exc), text))}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: values nested too deeply") from None
    values: dict[str, object] = {}
    warnings = []
    for key, value in doc.items():
        check = _KEYS.get(key)
        if check is None:
            warnings.append(f"{shown}{_line_of(key, text)}: {_unknown(key)}")
            continue
        try:
            values[key] = check(value)
        except RuleError as exc:
            raise ConfigError(f"{shown}{_line_with(exc.rule, text)}: {clean(str(exc))}") from None
        except ValueError as exc:
            raise ConfigError(f"{shown}: {key} must be {exc}, not {clean(_SHORT.repr(value))}") from None
    return Config(**values, warnings=warnings)


def _with_position(message: str, text: str) -> str:
    """tomllib says "(at end of document)" for what is left open (an array, a string): say
    the line and column where the document ends, as for every other error."""
    if not message.endswith("(at end of document)"):
        return message
    lines = text.split("\n")
    return message.removesuffix("(at end of document)") + f"(at line {len(lines)}, column {len(lines[-1]) + 1}, the end of the file)"


def _line_of(key: str, text: str) -> str:
    """`` line N`` where a top-level ``key =`` or table ``[key]`` is written (for a message), else nothing."""
    for number, line in enumerate(text.splitlines(), 1):
        written = line.strip()
        for form in (key, f'"{key}"', f"'{key}'"):
            if written.startswith(form) and written[len(form) :].lstrip().startswith("=") or written.startswith(f"[{form}]"):
                return f" line {number}"
    return ""


def _line_with(value: str, text: str) -> str:
    """`` line N`` of the first line that holds ``value`` as a TOML string, else nothing."""
    for number, line in enumerate(text.splitlines(), 1):
        if any(f"{quote}{value}{quote}" in line for quote in ('"', "'")):
            return f" line {number}"
    return ""


def _unknown(key: str) -> str:
    """``unknown key interest ignored; did you mean interests?``"""
    from difflib import get_close_matches  # only for a config with a typo

    message = f"unknown key {clean(_SHORT.repr(key))} ignored"
    close = get_close_matches(key, list(_KEYS), n=1, cutoff=0.6)
    return message + (f"; did you mean {close[0]}?" if close else "")


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is (from its ``st_mode``), for a message."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _read_small(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_CONFIG_BYTES; opened without blocking, so a
    FIFO is refused at once rather than waited on."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, f"it is {file_kind(info.st_mode)}, not a regular file")
        data = file.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise OSError(errno.EFBIG, f"it is larger than {MAX_CONFIG_BYTES // 1024} KB")
    return data
