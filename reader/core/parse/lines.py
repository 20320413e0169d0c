"""Text pieces into lines, one at a time: how both readers see a file of any size."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_NONBLANK = re.compile(r"\S")
_BLANK_RUN = re.compile(r"[ \t\r\n]*")
"""Whitespace up to the next text; one character class, so the engine keeps no backtrack state."""


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

    ``str.splitlines`` would also split on form feeds and U+2028 inside a title, and a
    list of lines would cost memory per line, which a file of blank lines makes huge.
    With ``squeeze`` a run of blank lines comes out as one (Markdown treats them alike;
    a run split between chunks may come out as two), found at C speed so megabytes of
    newlines cost next to nothing.  A line spanning chunks is joined once, so a line
    longer than a chunk costs time in proportion to its length.
    """
    carried: list[str] = []  # the line begun in earlier chunks
    for text in chunks:
        end = text.find("\n")
        if end < 0:
            carried.append(text)
            continue
        if carried:
            carried.append(text[:end])
            yield "".join(carried)
            carried = []
        else:
            yield text[:end]
        while True:
            start = end + 1
            if squeeze and text[start:start + 1] in ("\n", "\r"):
                last = text.rfind("\n", start, _BLANK_RUN.match(text, start).end())
                if last >= 0:
                    yield ""
                    start = last + 1
            end = text.find("\n", start)
            if end < 0:
                break
            yield text[start:end]
        carried.append(text[start:])
    yield "".join(carried)
