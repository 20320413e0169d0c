"""Digest files: checked without blocking, read and decoded in chunks, binaries refused.

Every OS error becomes the one-line DigestError users get.  Only stat is used before
opening, and the open is non-blocking, so a FIFO never blocks a load.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from reader.core.model import DigestError
from reader.core.parse.fields import display_name
from reader.core.sanitize import clean

CHUNK_SIZE = 1 << 20
"""Bytes read (and decoded) at a time by :func:`reader.core.parse.load` and ``iter_stream``."""
NOT_UTF8 = "The file is not valid UTF-8: undecodable bytes are shown as \ufffd"
_SNIFF = 65_536
"""Bytes looked at to tell a binary file from text."""
BOM = b"\xef\xbb\xbf"
_TEXT_BYTE = re.compile(rb"\S")
_BINARY_BYTES = [bytes([code]) for code in (*range(1, 9), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F)]
"""Control codes that text files lack (tab, newlines, form feed and ESC for colours are allowed)."""
_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf",
    b"\x7fELF", b"MZ", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"%PDF", b"\x00asm", b"SQLite format 3",
    b"RIFF", b"OggS", b"ID3", b"\x28\xb5\x2f\xfd",
)
"""How images, archives, compiled files, PDFs, databases and media begin: never a digest."""
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
"""How UTF-16 text begins (a fork wrote its JSON Lines so): read as text, not refused as binary."""
NUL_SIGN = "\u2400"
"""What a stray NUL byte in a text file is shown as (one visible ␀, not a refused file)."""


def preflight(path: str | os.PathLike) -> tuple[Path, int]:
    """Check a digest file without parsing it: the file and its size in bytes.

    Lets the CLI report a missing, special, unreadable or binary file before the
    terminal is taken over, and decide whether to parse in the background.  Raises
    DigestError as :func:`reader.core.parse.load` does for those.
    """
    _, size = regular_file(path)
    read_pieces(path, _SNIFF).close()  # opened and checked, then closed
    return Path(path), size


def regular_file(path: str | os.PathLike) -> tuple[str, int]:
    """(the path safe to show, the size) of a file that must be regular; DigestError otherwise.

    Only stat is used, so a FIFO is refused before anything could block on it.  Which
    file a folder means is decided before the parser (see :mod:`reader.core.sources`).
    """
    shown = clean(os.fspath(path))
    with os_errors(shown, "read"):
        info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise DigestError(f"{shown} is a directory, not a digest file")
    if not stat.S_ISREG(info.st_mode):
        raise DigestError(f"{shown} is not a regular file (a FIFO, socket or device)")
    return shown, info.st_size


def read_pieces(path: str | os.PathLike, size: int) -> Iterator[bytes]:
    """A digest file's bytes in pieces of ``size``, without its BOM.

    The file's errors (missing, special, unreadable, empty, binary) are raised before this
    returns; the file is closed when the pieces end or are dropped.
    """
    shown, _ = regular_file(path)
    pieces = _pieces(path, shown, os.path.basename(path), max(int(size), 1))
    next(pieces)  # opens and checks the file now
    return pieces


def _pieces(path: str | os.PathLike, shown: str, name: str, size: int) -> Iterator[bytes | None]:
    """A regular file's bytes in pieces of ``size``, without its BOM; first yields None once checked.

    The check (regular file after the open, not empty, not binary) looks at the first
    ``_SNIFF`` bytes, and reads on only while they are all blank.
    """
    with _open_regular(path, shown) as handle:
        head = _read_some(handle, shown, _SNIFF + len(BOM))
        if head.startswith(UTF16_BOMS):
            yield from _utf16_pieces(chain([head], iter(lambda: _read_some(handle, shown, size), b"")), name)
            return
        if head.startswith(BOM):
            head = head[len(BOM):]
        check_head(head, name, lambda: _text_further(handle, shown, size))
        yield None
        for start in range(0, len(head), size):
            yield head[start:start + size]
        del head
        while piece := _read_some(handle, shown, size):
            yield piece


def _utf16_pieces(raw: Iterator[bytes], name: str) -> Iterator[bytes | None]:
    """UTF-16 pieces (BOM first) as UTF-8 ones, checked like any file's: first yields None once
    checked. Pieces of only whitespace before the text are dropped; undecodable units become U+FFFD."""
    pieces = utf8_of_utf16(raw)
    head = b""
    for head in pieces:
        if _TEXT_BYTE.search(head):
            break
    check_head(head, name, lambda: False)
    yield None
    yield head
    yield from pieces


def utf8_of_utf16(raw: Iterable[bytes]) -> Iterator[bytes]:
    """UTF-16 text with its BOM, re-encoded as UTF-8 piece by piece, so one decoder reads every file."""
    decoder = codecs.getincrementaldecoder("utf-16")("replace")
    for piece in chain(raw, [None]):
        if text := decoder.decode(piece or b"", piece is None):
            yield text.encode("utf-8")


def check_head(head: bytes, name: str, text_further: Callable[[], bool]) -> None:
    """DigestError for an empty or binary file, given its first bytes (BOM removed).

    ``text_further`` says whether anything but whitespace follows ``head``: it is asked
    only when ``head`` is all whitespace.
    """
    if not _TEXT_BYTE.search(head) and not text_further():
        if name.lower().endswith(".jsonl"):  # JSON Lines of no records: a day with no papers
            return
        raise DigestError(f"{display_name(name)} is empty")
    _refuse_binary(head[:_SNIFF], name)


def _text_further(handle: BinaryIO, shown: str, size: int) -> bool:
    """Whether anything but whitespace follows; reads on, then goes back to where it was."""
    offset = handle.tell()
    try:
        while piece := _read_some(handle, shown, max(size, _SNIFF)):
            if _TEXT_BYTE.search(piece):
                return True
        return False
    finally:
        handle.seek(offset)


def _read_some(handle: BinaryIO, shown: str, size: int) -> bytes:
    """Up to ``size`` bytes (fewer only at the end of the file)."""
    try:
        return handle.read(size)
    except OSError as error:
        raise DigestError(f"{shown}: cannot read ({error.strerror or error})") from None


def decoded(pieces: Iterable[bytes], notes: list[str]) -> Iterator[str]:
    """The text of UTF-8 byte pieces, a character possibly split between two; empty texts are not yielded.

    Decoded strictly until the first undecodable byte, then with U+FFFD replacements from
    the piece holding it on, which gives the text a whole decode with replacements gives,
    and the one warning about it (first in ``notes``).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    nuls, note = 0, -1
    for piece in chain(pieces, [None]):  # None: the end, where a cut-off character is undecodable
        final = piece is None
        try:
            text = decoder.decode(piece or b"", final)
        except UnicodeDecodeError:
            # the decoder keeps its buffered bytes when it raises: decode the piece again
            decoder.errors = "replace"
            notes.insert(0, NOT_UTF8)
            note += note >= 0
            text = decoder.decode(piece or b"", final)
        if piece and b"\x00" in piece:  # a NUL byte is U+0000 and nothing else in UTF-8; bytes are searched at memchr speed
            nuls += text.count("\x00")
            text = text.replace("\x00", NUL_SIGN)
            if note < 0:
                note = len(notes)
                notes.append("")
            notes[note] = f"{nuls:,} NUL byte{'s' if nuls > 1 else ''} in the file shown as {NUL_SIGN}"
        if text:
            yield text


@contextmanager
def os_errors(shown: str, doing: str) -> Iterator[None]:
    """What the OS says about a path, as the one-line DigestError users get."""
    try:
        yield
    except FileNotFoundError:
        raise DigestError(f"{shown}: no such file or directory") from None
    except PermissionError:
        raise DigestError(f"{shown}: permission denied") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise DigestError(f"{shown}: cannot {doing} ({getattr(error, 'strerror', None) or error})") from None



def _open_regular(path: str | os.PathLike, shown: str) -> BinaryIO:
    """Open a file that stat called regular, re-checking after a non-blocking open."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise DigestError(f"{shown}: the file vanished before it could be read") from None
    except PermissionError:
        raise DigestError(f"{shown}: permission denied") from None
    except OSError as error:
        raise DigestError(f"{shown}: cannot open ({error.strerror or error})") from None
    handle = os.fdopen(fd, "rb")
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError as error:
        handle.close()
        raise DigestError(f"{shown}: cannot read ({error.strerror or error})") from None
    if not regular:
        handle.close()
        raise DigestError(f"{shown} is not a regular file (a FIFO, socket or device)")
    return handle


def _refuse_binary(sample: bytes, name: str) -> None:
    """DigestError for a known binary signature, more than 1% NUL bytes or more than 5% control codes.

    Text in any encoding lacks those; a stray NUL (an LLM's ``\\u0000`` in one abstract) does
    not make a file binary: it is shown as ␀ (see :func:`decoded`).  Undecodable bytes alone
    do not count: a GBK or Latin-1 digest is still text.
    """
    if (
        sample.startswith(_MAGIC)
        or sample.count(b"\x00") * 100 > len(sample)
        or sum(map(sample.count, _BINARY_BYTES)) * 20 > len(sample)
    ):
        raise DigestError(f"{display_name(name)} is not a digest (binary file)")

