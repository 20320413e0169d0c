"""Read daily arXiv digests (Markdown of every known template, or JSON Lines) into the model.

Digests are untrusted input: every string goes through :func:`reader.core.sanitize.clean`,
sizes are capped, and parsing is one linear pass over the lines (no backtracking
regexes), so a 50 MB file or a 10 MB line costs time in proportion to its size.  Files
are read and decoded CHUNK_SIZE bytes at a time, so memory goes to the papers, not the file.

The only exception any public function lets escape is :class:`DigestError`, whose
message is one line meant for the user.  Damaged entries never fail a parse: they
yield a paper with what they have, and ``Digest.warnings`` says so in a few lines.

The parts: ``files`` (checking, reading and decoding a file), ``lines`` (text into lines),
``markdown`` and ``jsonl`` (the two readers), ``builder`` (entries into a Digest) and
``fields`` (field text both readers share).  Which file a folder means is decided by the
caller, with :mod:`reader.core.sources`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import chain, repeat
from typing import Protocol

from reader.core.model import Digest, DigestError
from reader.core.parse.builder import ENTRY_LIMIT, OVERFLOW_SECTION, SECTION_LIMIT, Builder
from reader.core.parse.fields import EXTRA_LIMIT, FIELD_LIMIT, PLACEHOLDERS, TITLE_LIMIT, display_name
from reader.core.parse.files import BOM, CHUNK_SIZE, NOT_UTF8, UTF16_BOMS, check_head, decoded, preflight, read_pieces, utf8_of_utf16
from reader.core.parse.lines import first_text, split_lines
from reader.core.parse.markdown import parse_markdown

__all__ = [
    "parse_text", "parse_bytes", "parse_read", "iter_parse", "load", "iter_stream", "iter_progress", "preflight",
    "Progress", "DigestError", "CHUNK_SIZE", "TITLE_LIMIT", "FIELD_LIMIT", "EXTRA_LIMIT", "ENTRY_LIMIT",
    "SECTION_LIMIT", "OVERFLOW_SECTION", "PLACEHOLDERS",
]


class Progress(Protocol):
    """A parse under way, as :func:`iter_progress` yields it."""

    finished: bool
    """Whether the parse is over (the last progress of a file)."""

    @property
    def entry_count(self) -> int:
        """Entries read so far."""

    def snapshot(self) -> Digest:
        """The digest so far, for the caller to keep: later batches do not change it."""


def parse_text(text: str, name: str) -> Digest:
    """Parse a whole digest (Markdown or JSON Lines, detected by content).

    ``name`` is the file name; it supplies the date when the text has none.
    Raises DigestError when the text has no papers and is not an empty day.
    """
    return _whole([text], name, [])


def iter_parse(text: str, name: str, batch: int = 500) -> Iterator[Digest]:
    """Parse incrementally so a huge digest can be shown before it is all read.

    Yields a snapshot after every ``batch`` entries and the complete digest at the end;
    each is the caller's to keep.  Raises DigestError as :func:`parse_text` does.
    """
    return _snapshots(_guarded(_steps([text], name, batch, []), name))


def parse_bytes(data: bytes, name: str) -> Digest:
    """Decode a file's bytes (BOM, invalid UTF-8 shown as U+FFFD) and parse them.

    Raises DigestError for an empty or binary file, or text that is not a digest.
    """
    data = b"".join(utf8_of_utf16([data])) if data.startswith(UTF16_BOMS) else data.removeprefix(BOM)
    check_head(data, name, lambda: False)
    notes: list[str] = []
    return _whole(decoded([data], notes), name, notes)


def parse_read(data: bytes, name: str) -> Digest:
    """Parse the bytes :func:`~reader.core.parse.files.read_pieces` gave for file ``name`` (its BOM
    gone, UTF-16 already UTF-8): what :func:`load` makes of that file."""
    notes: list[str] = []
    return _whole(decoded([data], notes), name, notes)


def load(path: str | os.PathLike, *, chunk_size: int = CHUNK_SIZE) -> Digest:
    """Read and parse a digest file.

    Never blocks on a FIFO (the file type is checked before opening, and the open
    is non-blocking).  Raises DigestError with a one-line message for a missing
    path, a directory, a special file, a permission problem, a file that vanished, a
    binary file or text that is not a digest.  The file is read ``chunk_size`` bytes at
    a time, as :func:`iter_stream` reads it.
    """
    return next(iter_progress(path, None, chunk_size=chunk_size)).snapshot()


def iter_stream(path: str | os.PathLike, batch: int = 500, *, chunk_size: int = CHUNK_SIZE) -> Iterator[Digest]:
    """:func:`load`, incrementally: yields snapshots as :func:`iter_parse` does while the file is read.

    The file is read and decoded ``chunk_size`` bytes at a time, so the first batch
    comes after the first chunk and the whole file is never in memory.  Raises
    DigestError as load does (the file errors -- missing, special, unreadable, empty,
    binary -- at once, the parse and read errors while iterating).  A UTF-8 warning
    appears in the batches from the chunk holding the first undecodable byte on; the
    last digest has it wherever that byte is.
    """
    return _snapshots(iter_progress(path, batch, chunk_size=chunk_size))


def iter_progress(path: str | os.PathLike, batch: int | None, *, chunk_size: int = CHUNK_SIZE) -> Iterator[Progress]:
    """:func:`iter_stream` without the snapshots, for a caller that wants only some of them.

    Yields the parse's progress after every ``batch`` entries (never, for None) and
    once more, finished, at the end; a snapshot costs a pass over the papers, so a
    loader takes one only when it shows it.  Errors as :func:`iter_stream`.
    """
    notes: list[str] = []
    pieces = read_pieces(path, chunk_size)
    name = os.path.basename(path)
    return _guarded(_steps(decoded(pieces, notes), name, batch, notes), name)


def _whole(chunks: Iterable[str], name: str, notes: list[str]) -> Digest:
    """Run the parser to the end, without intermediate snapshots."""
    return next(_guarded(_steps(chunks, name, None, notes), name)).snapshot()


def _snapshots(progress: Iterator[Progress]) -> Iterator[Digest]:
    return (step.snapshot() for step in progress)


def _guarded(steps: Iterator[Builder], name: str) -> Iterator[Builder]:
    """Keep the promise that only DigestError escapes, even on a parser bug."""
    try:
        yield from steps
    except DigestError:
        raise
    except Exception as error:  # noqa: BLE001 - the API promises DigestError only
        raise DigestError(f"{display_name(name)}: internal error while parsing ({type(error).__name__})") from error


def _steps(chunks: Iterable[str], name: str, batch: int | None, notes: list[str]) -> Iterator[Builder]:
    """The one parser behind every entry point: pick the format, feed lines, yield the builder.

    ``chunks`` is the text in pieces of any size (a whole text is one piece); a line may
    span pieces.  The builder is yielded after every ``batch`` entries (never, for None)
    and, finished, at the end.
    """
    builder = Builder(name, notes)
    chunks = iter(chunks)
    first, blank_lines, start = first_text(chunks)
    if first is not None:
        if first == "{":  # JSON Lines (json is imported only for them: not on every start)
            from reader.core.parse.jsonl import parse_jsonl

            parse = parse_jsonl  # the blank lines before the text count in line numbers:
            lines = chain(repeat("", blank_lines), split_lines(chain(start, chunks), squeeze=False))
        else:
            parse, lines = parse_markdown, split_lines(chain(start, chunks), squeeze=True)
        due = step = max(batch or 1, 1)
        for count in parse(lines, builder):
            if builder.full():
                break
            if batch is not None and count >= due:
                due += step
                yield builder
        for _ in chunks:  # read to the end when the parse stopped early: the UTF-8 warning is about the whole file
            if NOT_UTF8 in notes:
                break
    builder.finish(blank=first is None)
    yield builder
