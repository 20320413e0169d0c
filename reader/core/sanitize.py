"""Make untrusted digest text safe to show in a terminal.

Every string that comes from a digest goes through :func:`clean` before it reaches the
model, so no control character or escape sequence can travel to the terminal, a file
or the clipboard. Control characters are shown visibly (as Unicode control pictures,
e.g. ``␛`` for ESC) rather than dropped, so a reader can see that something was there.
"""

from __future__ import annotations

import re

_BIDI_AND_INVISIBLE = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_TABLE[0x7F] = "\u2421"  # ␡
_TABLE.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_TABLE.update({ord(char): "\ufffd" for char in _BIDI_AND_INVISIBLE})
# Lone surrogates (a JSON digest may write "\ud800") cannot be encoded as UTF-8: the terminal
# driver, ``--dump`` and every file write would fail on them, so they become U+FFFD too.
_TABLE.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
_TABLE[ord("\t")] = " "
_TABLE[ord("\r")] = ""
_MULTILINE_TABLE = dict(_TABLE)
_MULTILINE_TABLE[ord("\n")] = "\n"

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI_AND_INVISIBLE + "\ud800-\udfff]")
_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + _BIDI_AND_INVISIBLE + "\ud800-\udfff]")
"""What ``clean(multiline=True)`` changes: a paragraph's newlines alone need no copy of the text."""
_SCHEMES = ("http://", "https://")


def clean(text: str, *, multiline: bool = False) -> str:
    """Replace control characters, C1 codes, bidi overrides and lone surrogates with visible stand-ins.

    With ``multiline`` newlines are kept (abstract paragraphs); otherwise they are
    shown as ``␊`` too, since a title or author is one line.
    """
    if not (_UNSAFE_BUT_NEWLINE if multiline else UNSAFE).search(text):
        return text
    return text.translate(_MULTILINE_TABLE if multiline else _TABLE)


def is_safe_url(url: str | None) -> bool:
    """Only plain http(s) URLs with no whitespace or control characters may be opened or copied."""
    if not url:
        return False
    lowered = url.strip().lower()
    return (
        lowered.startswith(_SCHEMES)
        and lowered.partition("://")[2] != ""  # something after the scheme, for http as for https
        and not UNSAFE.search(url)
        # any whitespace, not only ASCII space: U+2028, U+00A0, U+3000 have no place in a link
        and not any(char.isspace() for char in url)
    )
