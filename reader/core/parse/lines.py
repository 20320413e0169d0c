"""Text pieces into lines, one at a time: how both readers see a file of any size."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_NONBLANK = re.compile(r"\S")
_BLANK_LINES = re.compile(r"\n[\r\n][ \t\r\n]*\n")
"""Two or more blank (or whitespace) lines, up to the last newline of the run: squeezed to one blank line.
Greedy over one character class, then back to the run's last newline: linear in the run's length,
and a start that fails leaves at most one newline after it in the run to start again from."""


def first_text(chunks: Iterator[str]) -> tuple[str | None, int, list[str]]:
    """(first character that is not whitespace, blank lines before its line, the chunks from its line on).

    Consumes ``chunks`` up to the one holding that character, dropping a BOM at the start
    and keeping only a count of the blank lines before: Markdown ignores blank lines
    before the text, and JSON Lines only counts them.  The first character is None for
    a blank text.
    """
    blank_lines = 0
    start: list[str] = []  # the blank beginning of the first line of text
    at_start = True
    for chunk in chunks:
        if at_start and chunk:
            chunk, at_start = chunk.removeprefix("\ufeff"), False
        found = _NONBLANK.search(chunk)
        if found:
            start.append(chunk)
            return found.group(), blank_lines, start
        newline = chunk.rfind("\n")
        if newline >= 0:
            blank_lines += chunk.count("\n")
            start = [chunk[newline + 1:]]
        elif chunk:
            start.append(chunk)
    return None, blank_lines, start


def split_lines(chunks: Iterable[str], squeeze: bool) -> Iterator[str]:
    """The lines of the text in ``chunks``, split on LF only and made one at a time.

    ``str.splitlines`` would also split on form feeds and U+2028 inside a title, so each chunk
    is split on LF at C speed; only one chunk's lines are held at a time, never the file's.
    With ``squeeze`` a run of blank lines comes out as one (Markdown treats them alike; a run
    split between chunks may come out as two), squeezed at C speed before the split, so
    megabytes of newlines cost next to nothing and make no list.  A line spanning chunks is
    joined once, so a line longer than a chunk costs time in proportion to its length.
    """
    carried: list[str] = []  # the line begun in earlier chunks
    for text in chunks:
        if squeeze:
            text = _BLANK_LINES.sub("\n\n", text)
        if "\n" not in text:
            carried.append(text)
            continue
        lines = text.split("\n")
        if carried:
            carried.append(lines[0])
            lines[0] = "".join(carried)
        carried = [lines.pop()]
        yield from lines
    yield "".join(carried)
