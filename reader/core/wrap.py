"""Line breaking that suits mixed Chinese/Japanese/Korean and Latin text.

Textual breaks lines only at spaces, so a label such as ``TL;DR:`` is left alone on its
line and a long CJK run is folded at the edge mid-word. Here a line may break at a
space or between two wide Chinese or Japanese characters (Korean breaks at spaces only), never before closing punctuation such as
``，`` or ``)`` and never after an opening one; a run with no break opportunity that is
wider than the line is folded. Widths are terminal cells, so CJK characters count two.
"""

from __future__ import annotations

import functools

from rich.cells import get_character_cell_size
from rich.text import Text

_NO_LINE_START = set("，。、；：！？）」』】》〉〕］｝…‥・ー々〜～,.;:!?)]}%'\"’”·")
_NO_LINE_END = set("（「『【《〈〔［｛([{‘“")


def _is_hangul(char: str) -> bool:
    """Korean is written with spaces between words: it breaks there, like Latin text."""
    code = ord(char)
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F or 0xA960 <= code <= 0xA97F or 0xD7B0 <= code <= 0xD7FF


def _can_break(before: str, after: str, before_wide: bool, after_wide: bool) -> bool:
    """Whether a line may end between ``before`` and ``after``."""
    if after == " ":
        return False
    if before == " ":
        return True
    if not (before_wide or after_wide) or _is_hangul(before) or _is_hangul(after):
        return False
    return after not in _NO_LINE_START and before not in _NO_LINE_END


@functools.lru_cache(maxsize=1024)
def break_offsets(text: str, width: int) -> tuple[int, ...]:
    """The offsets at which lines after the first start, so that each line fits ``width`` cells.

    Spaces at the end of a line may overflow (they are trimmed when shown). Remembered for
    the paragraphs of the last papers shown: the detail pane is drawn again for each search
    keystroke, star and view switch, and the breaks only change with the text or the width.
    """
    if width <= 0 or not text:
        return ()
    offsets: list[int] = []
    line_start = 0
    line_width = 0
    opportunity = -1
    previous = ""
    previous_wide = False
    for index, char in enumerate(text):
        char_width = get_character_cell_size(char)
        wide = char_width == 2
        if index > line_start and _can_break(previous, char, previous_wide, wide):
            opportunity = index
        while char != " " and line_width + char_width > width and index > line_start:
            # Break at the last opportunity; if what it carries over still does not fit
            # with this character (a word glued to closing punctuation), fold right here.
            new_start = opportunity if opportunity > line_start else index
            offsets.append(new_start)
            line_width = sum(get_character_cell_size(c) for c in text[new_start:index])
            line_start = new_start
            opportunity = -1
        line_width += char_width
        previous, previous_wide = char, wide
    return tuple(offsets)


def wrap(text: Text, width: int) -> list[Text]:
    """Wrap one paragraph of styled text into lines of at most ``width`` cells.

    Leading spaces of continuation lines and trailing spaces of every line are dropped,
    so a break at a space never shows as a gap.
    """
    lines = text.divide(break_offsets(text.plain, width)) if text.plain else [text]
    result = []
    for number, line in enumerate(lines):
        line.rstrip()
        if number:
            stripped = len(line.plain) - len(line.plain.lstrip(" "))
            if stripped:
                line = line[stripped:]
        result.append(line)
    return result
