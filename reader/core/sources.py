"""Day sources: which digest file a path the user gives means.

A file means itself; a folder means its newest digest (for one day), or its digests one
per day (:mod:`reader.core.archive.days`).  Decided here, before the parser, which reads
only the file it is given.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

from reader.core.model import DigestError
from reader.core.parse.fields import date_in
from reader.core.parse.files import os_errors
from reader.core.sanitize import clean


def digest_file(path: str | os.PathLike) -> Path:
    """The digest a user path means: the path itself, or a folder's newest digest.

    Raises DigestError with the usual one-line message for a missing path or a folder
    that cannot be listed or has no digest; whether the file is readable is the parser's to say.
    """
    with os_errors(clean(os.fspath(path)), "read"):
        folder = stat.S_ISDIR(os.stat(path).st_mode)
    return find_digest(path) if folder else Path(path)


def find_digest(directory: str | os.PathLike) -> Path:
    """The newest digest (``*.md`` or ``*.jsonl``) in a directory.

    Newest by the YYYY-MM-DD in the file name, then by modification time; on the
    same day the rendered Markdown wins over the AI-enhanced, then the raw JSON Lines.
    READMEs are not digests.  Raises DigestError when there is none.
    """
    candidates = digest_candidates(directory)
    if not candidates:
        raise DigestError(f"{clean(os.fspath(directory))}: no digest (*.md or *.jsonl) in this directory")
    return max(candidates, key=preference).path


class Candidate(NamedTuple):
    """A file of a folder that may be a digest, with what decides between files of one day."""

    path: Path
    mtime: float
    date: str | None
    """The YYYY-MM-DD in its name, if any."""


def preference(candidate: Candidate) -> tuple:
    """Newer first; on the same day the rendered Markdown, then the AI-enhanced records, then the raw crawl."""
    lowered = candidate.path.name.lower()
    return (candidate.date or "", lowered.endswith(".md"), "ai_enhanced" in lowered, candidate.mtime, candidate.path.name)


def is_digest_name(name: str) -> bool:
    """Whether a file name can be a day's digest: ``*.md`` or ``*.jsonl``, not a README nor a
    hidden file (an editor's or git's temporary file)."""
    lowered = name.lower()
    return lowered.endswith((".md", ".jsonl")) and not lowered.startswith(("readme", "."))


def digest_candidates(directory: str | os.PathLike) -> list[Candidate]:
    """The regular ``*.md`` and ``*.jsonl`` files of a directory, READMEs left out (DigestError if it cannot be listed)."""
    folder = Path(directory)
    with os_errors(clean(os.fspath(directory)), "list"):
        children = list(os.scandir(folder))
    found = []
    for child in children:
        if not is_digest_name(child.name):
            continue
        try:
            if not child.is_file():
                continue
            mtime = child.stat().st_mtime
        except OSError:
            continue
        found.append(Candidate(folder / child.name, mtime, date_in(child.name)))
    return found
