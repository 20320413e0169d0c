"""Day sources: which digest file a path the user gives means.

A file means itself; a folder means its newest digest.  Decided here, before the parser,
which reads only the file it is given.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

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
    folder = Path(directory)
    shown = clean(os.fspath(directory))
    best = None
    with os_errors(shown, "list"):
        children = list(os.scandir(folder))
    for child in children:
        lowered = child.name.lower()
        if not lowered.endswith((".md", ".jsonl")) or lowered.startswith("readme"):
            continue
        try:
            if not child.is_file():
                continue
            mtime = child.stat().st_mtime
        except OSError:
            continue
        key = (date_in(child.name) or "", lowered.endswith(".md"), "ai_enhanced" in lowered, mtime, child.name)
        if best is None or key > best[0]:
            best = (key, child.name)
    if best is None:
        raise DigestError(f"{shown}: no digest (*.md or *.jsonl) in this directory")
    return folder / best[1]
