"""Read daily arXiv digests (Markdown of every known template, or JSON Lines) into the model.

Digests are untrusted input: every string goes through :func:`reader.core.sanitize.clean`,
sizes are capped, and parsing is one linear pass over the lines (no backtracking
regexes), so a 50 MB file or a 10 MB line costs time in proportion to its size.  Files
are read and decoded CHUNK_SIZE bytes at a time, so memory goes to the papers, not the file.

The only exception any public function lets escape is :class:`DigestError`, whose
message is one line meant for the user.  Damaged entries never fail a parse: they
yield a paper with what they have, and ``Digest.warnings`` says so in a few lines.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date as _date
from itertools import chain, islice, repeat
from pathlib import Path, PurePath
from typing import BinaryIO, NamedTuple

from reader.core.model import SUMMARY_FIELDS, Digest, DigestError, Paper, Section
from reader.core.sanitize import clean

__all__ = ["parse_text", "parse_bytes", "iter_parse", "load", "iter_stream", "preflight", "find_digest", "dump_lines"]

TITLE_LIMIT = 1_000
"""Characters kept of a title, a section name, a category or a URL."""
FIELD_LIMIT = 100_000
"""Characters kept of any other single field (abstract, summary, authors, extra)."""
ENTRY_LIMIT = 100_000
"""Entries read from one file (a real day has about a thousand); bounds memory."""
SECTION_LIMIT = 1_000
"""Sections kept (arXiv has about 150 categories); entries of later sections are listed under
OVERFLOW_SECTION, since the sidebar is redrawn whole on every mark."""
OVERFLOW_SECTION = "Other sections"
EXTRA_LIMIT = 50
"""Extra (fork) fields kept per entry, and no more once they hold FIELD_LIMIT characters; real
templates have fewer than ten. Without a bound, one entry repeating a label a million
times would hold the whole file and take the detail pane minutes to lay out."""
_LISTED_PROBLEMS = 1_000
"""Items remembered per kind of problem; beyond that they are only counted."""

PLACEHOLDERS = frozenset(
    {
        # the generator's fallbacks when the summary step fails (also used by forks)
        "summary generation failed",
        "motivation analysis unavailable",
        "method extraction failed",
        "result analysis unavailable",
        "conclusion extraction failed",
        # the first format's failure marker, and the Korean fork's broken outputs
        "error",
        "?",
        "(duplicate field corrected)",
    }
)
"""Field texts (compared case-insensitively) that mean "no summary", not real text."""
_PLACEHOLDER_LENGTH = max(map(len, PLACEHOLDERS))

_FIELD_LABELS = {
    "tl;dr": "tldr",
    "tldr": "tldr",
    "task": "tldr",  # the first format's one-line summary
    "motivation": "motivation",
    "method": "method",
    "methods": "method",
    "result": "result",
    "results": "result",
    "conclusion": "conclusion",
    "conclusions": "conclusion",
    "abstract": "abstract",
    "main category": "category",
    "catalog": "category",  # DAgentSec: "Catalog: Agent Sec | Source: arXiv"
}
"""Labels of the Paper fields, lower-cased."""

_EXTRA_LABELS = frozenset(
    {
        "background", "data", "keywords", "comment", "comments", "source", "relevance score",
        "read time", "key contributions", "limitations", "ai_comments", "ai_abstract", "摘要翻译",
    }
)
"""Fork fields that may appear without bold markup; bold labels need not be listed."""

_FOLDED_LABELS = frozenset({"comment", "comments"})
"""Fields whose indented lines continue the line (arXiv folds comments), not a paragraph."""

_TRANSLATED_TITLE = "Translated title"
"""Extra label of xmkxabc's ``> *中文标题*`` line under the heading."""

_JSONL_EXTRAS = {"comment": "Comment", "code_url": "Code", "code_stars": "Code stars"}
"""Top-level JSON Lines keys worth showing, with their labels."""

_AI_LABELS = {
    "keywords": "Keywords",
    "importance_score": "Relevance Score",
    "read_time_minutes": "Read time",
    "key_contributions": "Key Contributions",
    "limitations": "Limitations",
}
"""ZL-Asica's extra AI keys, labelled as that fork's Markdown labels them."""

_DUMP_KEYS = (
    "id", "version", "title", "url", "authors", "category", "section",
    "tldr", "motivation", "method", "result", "conclusion", "abstract", "extra",
)
_FILLABLE = ("url", "authors", "category", *SUMMARY_FIELDS, "abstract", "extra")
"""Fields a repeated entry may fill in when the first occurrence lacked them."""

_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7})(v\d+)?", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOC_TITLES = frozenset({"table of contents", "contents", "目录", "目錄", "toc"})
_NONBLANK = re.compile(r"\S")
_BLANK_RUN = re.compile(r"[ \t\r\n]*")
"""Whitespace up to the next text; one character class, so the engine keeps no backtrack state."""
_SNIFF = 65_536
"""Bytes looked at to tell a binary file from text."""
_BOM = b"\xef\xbb\xbf"
_TEXT_BYTE = re.compile(rb"\S")
CHUNK_SIZE = 1 << 20
"""Bytes read (and decoded) at a time by :func:`load` and :func:`iter_stream`."""
_NOT_UTF8 = "The file is not valid UTF-8: undecodable bytes are shown as \ufffd"
_BINARY_BYTES = [bytes([code]) for code in (*range(1, 9), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F)]
"""Control codes that text files lack (tab, newlines, form feed and ESC for colours are allowed)."""
_BAD_RUN = 1_000
"""Bad lines in a row after which a JSON Lines file is given up on."""


def parse_text(text: str, name: str) -> Digest:
    """Parse a whole digest (Markdown or JSON Lines, detected by content).

    ``name`` is the file name; it supplies the date when the text has none.
    Raises DigestError when the text has no papers and is not an empty day.
    """
    return _whole(text, name, [])


def iter_parse(text: str, name: str, batch: int = 500) -> Iterator[Digest]:
    """Parse incrementally so a huge digest can be shown before it is all read.

    Yields the same, growing Digest after every ``batch`` entries and once more,
    complete, at the end.  Raises DigestError as :func:`parse_text` does.
    """
    return _guarded(_iter_parse([text], name, batch, []), name)


def parse_bytes(data: bytes, name: str) -> Digest:
    """Decode a file's bytes (BOM, invalid UTF-8 shown as U+FFFD) and parse them.

    Raises DigestError for an empty or binary file, or text that is not a digest.
    """
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    _check_head(data, name, lambda: False)
    notes: list[str] = []
    return _whole(_decoded([data], notes), name, notes)


def load(path: str | os.PathLike, *, chunk_size: int = CHUNK_SIZE) -> Digest:
    """Read and parse a digest file, or the newest digest of a directory.

    Never blocks on a FIFO (the file type is checked before opening, and the open
    is non-blocking).  Raises DigestError with a one-line message for a missing
    path, a directory without digests, a special file, a permission problem, a file
    that vanished, a binary file or text that is not a digest.  The file is read
    ``chunk_size`` bytes at a time, as :func:`iter_stream` reads it.
    """
    return next(_stream(path, None, chunk_size))


def iter_stream(path: str | os.PathLike, batch: int = 500, *, chunk_size: int = CHUNK_SIZE) -> Iterator[Digest]:
    """:func:`load`, incrementally: yields as :func:`iter_parse` does while the file is read.

    For the app's background load of a big file: the file is read and decoded
    ``chunk_size`` bytes at a time, so the first batch comes after the first chunk
    and the whole file is never in memory.  Raises DigestError as load does (the
    file errors -- missing, special, unreadable, empty, binary -- at once, the parse
    and read errors while iterating).  A UTF-8 warning appears in the batches from
    the chunk holding the first undecodable byte on; the last digest has it wherever
    that byte is.
    """
    return _stream(path, batch, chunk_size)


def preflight(path: str | os.PathLike) -> tuple[Path, int]:
    """Check a digest path without parsing it: the digest file (the newest one, for a
    directory) and its size in bytes.

    Lets the CLI report a missing, special, unreadable or binary file before the
    terminal is taken over, and decide whether to parse in the background.  Raises
    DigestError as :func:`load` does for those; a directory means its newest digest.
    """
    path, shown, size = _resolve(path)
    _refuse_binary(_read_regular(path, shown, _SNIFF), os.path.basename(path))
    return Path(path), size


def find_digest(directory: str | os.PathLike) -> Path:
    """The newest digest (``*.md`` or ``*.jsonl``) in a directory.

    Newest by the YYYY-MM-DD in the file name, then by modification time; on the
    same day the rendered Markdown wins over the AI-enhanced, then the raw JSON Lines.
    READMEs are not digests.  Raises DigestError when there is none.
    """
    folder = Path(directory)
    shown = clean(os.fspath(directory))
    best = None
    with _os_errors(shown, "list"):
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
        key = (_date_in(child.name) or "", lowered.endswith(".md"), "ai_enhanced" in lowered, mtime, child.name)
        if best is None or key > best[0]:
            best = (key, child.name)
    if best is None:
        raise DigestError(f"{shown}: no digest (*.md or *.jsonl) in this directory")
    return folder / best[1]


def dump_lines(digest: Digest) -> Iterator[str]:
    """The ``--dump`` JSON Lines, one object per entry in file order (without newlines).

    Each object is ``Paper.to_dict()`` plus the entry's ``section``, keys in a fixed
    order so dumps diff cleanly.
    """
    for section, paper in digest.entries:
        fields = paper.to_dict()
        fields["section"] = section
        yield json.dumps({key: fields[key] for key in _DUMP_KEYS}, ensure_ascii=False)


# --- shared plumbing ------------------------------------------------------------------------


def _whole(chunks: Iterable[str], name: str, notes: list[str]) -> Digest:
    """Run the incremental parser to the end, without intermediate snapshots."""
    return next(_guarded(_iter_parse(chunks, name, None, notes), name))


def _stream(path: str | os.PathLike, batch: int | None, chunk_size: int) -> Iterator[Digest]:
    """The parse of a file read in chunks; the file's errors are raised before this returns."""
    path, shown, _ = _resolve(path)
    name = os.path.basename(path)
    pieces = _file_pieces(path, shown, name, max(int(chunk_size), 1))
    next(pieces)  # opens and checks the file now; the file is closed when ``pieces`` ends or is dropped
    notes: list[str] = []
    return _guarded(_iter_parse(_decoded(pieces, notes), name, batch, notes), name)


def _file_pieces(path: str | os.PathLike, shown: str, name: str, size: int) -> Iterator[bytes | None]:
    """A regular file's bytes in pieces of ``size``, without its BOM; first yields None once checked.

    The check (regular file after the open, not empty, not binary) looks at the first
    ``_SNIFF`` bytes, and reads on only while they are all blank.
    """
    with _open_regular(path, shown) as handle:
        head = _read_some(handle, shown, _SNIFF + len(_BOM))
        if head.startswith(_BOM):
            head = head[len(_BOM):]
        _check_head(head, name, lambda: _text_further(handle, shown, size))
        yield None
        for start in range(0, len(head), size):
            yield head[start:start + size]
        del head
        while piece := _read_some(handle, shown, size):
            yield piece


def _check_head(head: bytes, name: str, text_further: Callable[[], bool]) -> None:
    """DigestError for an empty or binary file, given its first bytes (BOM removed).

    ``text_further`` says whether anything but whitespace follows ``head``: it is asked
    only when ``head`` is all whitespace.
    """
    if not _TEXT_BYTE.search(head) and not text_further():
        raise DigestError(f"{_display_name(name)} is empty")
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


def _decoded(pieces: Iterable[bytes], notes: list[str]) -> Iterator[str]:
    """The text of UTF-8 byte pieces, a character possibly split between two; empty texts are not yielded.

    Decoded strictly until the first undecodable byte, then with U+FFFD replacements from
    the piece holding it on, which gives the text a whole decode with replacements gives,
    and the one warning about it (first in ``notes``).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    for piece in chain(pieces, [None]):  # None: the end, where a cut-off character is undecodable
        final = piece is None
        try:
            text = decoder.decode(piece or b"", final)
        except UnicodeDecodeError:
            # the decoder keeps its buffered bytes when it raises: decode the piece again
            decoder.errors = "replace"
            notes.insert(0, _NOT_UTF8)
            text = decoder.decode(piece or b"", final)
        if text:
            yield text


def _guarded(digests: Iterator[Digest], name: str) -> Iterator[Digest]:
    """Keep the promise that only DigestError escapes, even on a parser bug."""
    try:
        yield from digests
    except DigestError:
        raise
    except Exception as error:  # noqa: BLE001 - the API promises DigestError only
        raise DigestError(
            f"{_display_name(name)}: internal error while parsing ({type(error).__name__})"
        ) from error


def _iter_parse(chunks: Iterable[str], name: str, batch: int | None, notes: list[str]) -> Iterator[Digest]:
    """The one parser behind every entry point: pick the format, feed lines, yield batches.

    ``chunks`` is the text in pieces of any size (a whole text is one piece); a line may
    span pieces.  With ``batch`` None only the finished digest is yielded.
    """
    builder = _Builder(name, notes)
    chunks = iter(chunks)
    first, blank_lines, start = _first_text(chunks)
    if first is not None:
        parse = _parse_jsonl if first == "{" else _parse_markdown
        lines = _lines(chain(start, chunks), squeeze=parse is _parse_markdown)
        if parse is _parse_jsonl:  # the blank lines before the text count in line numbers
            lines = chain(repeat("", blank_lines), lines)
        step = max(batch, 1) if batch is not None else ENTRY_LIMIT + 1
        due = step
        for count in parse(lines, builder):
            if count >= ENTRY_LIMIT:
                builder.notes.append(f"Only the first {ENTRY_LIMIT:,} entries are read")
                break
            if count >= due:
                due += step
                yield builder.snapshot()
        for _ in chunks:  # read to the end when the parse stopped early: the UTF-8 warning is about the whole file
            if _NOT_UTF8 in notes:
                break
    yield builder.finish(blank=first is None)


def _first_text(chunks: Iterator[str]) -> tuple[str | None, int, list[str]]:
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


def _lines(chunks: Iterable[str], squeeze: bool) -> Iterator[str]:
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

@contextmanager
def _os_errors(shown: str, doing: str) -> Iterator[None]:
    """What the OS says about a path, as the one-line DigestError users get."""
    try:
        yield
    except FileNotFoundError:
        raise DigestError(f"{shown}: no such file or directory") from None
    except PermissionError:
        raise DigestError(f"{shown}: permission denied") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise DigestError(f"{shown}: cannot {doing} ({getattr(error, 'strerror', None) or error})") from None


def _resolve(path: str | os.PathLike) -> tuple[str | os.PathLike, str, int]:
    """(file, its name safe to show, its size): a directory means its newest digest.

    Only stat is used, so a FIFO is refused before anything could block on it.
    """
    shown = clean(os.fspath(path))
    with _os_errors(shown, "read"):
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            path = find_digest(path)
            shown = clean(os.fspath(path))
            info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise DigestError(f"{shown} is not a regular file (a FIFO, socket or device)")
    return path, shown, info.st_size


def _read_regular(path: str | os.PathLike, shown: str, size: int) -> bytes:
    """Read ``size`` bytes of a file that stat called regular (see :func:`_open_regular`)."""
    with _open_regular(path, shown) as handle:
        return _read_some(handle, shown, size)


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
    """DigestError for NUL bytes or more than 5% control codes, which text in any encoding lacks.

    Undecodable bytes alone do not count: a GBK or Latin-1 digest is still text.
    """
    if b"\x00" in sample or sum(map(sample.count, _BINARY_BYTES)) * 20 > len(sample):
        raise DigestError(f"{_display_name(name)} is not a digest (binary file)")


def _display_name(name: str) -> str:
    """The file name alone, safe to show."""
    return clean(PurePath(name).name or name or "digest")


def _date_in(text: str) -> str | None:
    """The last real calendar date written as YYYY-MM-DD in ``text``."""
    for found in reversed(_DATE.findall(text)):
        try:
            return _date.fromisoformat(found).isoformat()
        except ValueError:
            continue
    return None


def _identify(url: str | None, raw_id: str | None, title: str) -> tuple[str, str | None, bool]:
    """(id without version, version, made_up): from the id, the URL, else a stable hash."""
    for candidate in (raw_id, _arxiv_tail(url)):
        if candidate and len(candidate) <= 64:
            found = _ARXIV_ID.fullmatch(candidate.strip())
            if found:
                return found.group(1), found.group(2), False
    basis = url or raw_id or title
    digest = hashlib.sha1(basis.encode("utf-8", errors="surrogatepass")).hexdigest()
    return "noid-" + digest[:10], None, True


def _arxiv_tail(url: str | None) -> str | None:
    """``2601.10802v2`` out of ``https://arxiv.org/abs/2601.10802v2`` (also pdf/html links)."""
    if not url:
        return None
    start = url.lower().find("arxiv.org/")
    if start < 0:
        return None
    rest = url[start + len("arxiv.org/"):]
    for kind in ("abs/", "pdf/", "html/"):
        if rest.startswith(kind):
            tail = rest[len(kind):].split("?", 1)[0].split("#", 1)[0].strip("/")
            return tail.removesuffix(".pdf")
    return None


def _cut(text: str, limit: int) -> tuple[str, bool]:
    """Text cut to ``limit`` characters (marked with an ellipsis), and whether it was."""
    if len(text) <= limit:
        return text, False
    return text[:limit] + "…", True


def _join(lines: list[str], folded: bool = False) -> str:
    """Rejoin a field's lines: hard wraps become spaces, paragraphs stay apart.

    A blank line, or (arXiv's convention) a line indented by two spaces, starts a
    paragraph (``\\n\\n``); tab-indented and bulleted lines are list items, and a line
    after CJK text is a deliberate break (``\\n``).
    In ``folded`` fields (comments) an indented line merely continues the previous one.
    """
    if len(lines) == 1:  # most fields are one line
        return lines[0].strip()
    parts: list[str] = []
    gap = False
    for line in lines:
        text = line.strip()
        if not text:
            gap = bool(parts)
            continue
        if parts:
            if gap:
                parts.append("\n\n")
            elif (
                line[0] == "\t"
                or text[:2] in ("- ", "* ", "• ")
                or (line[0] == " " and _numbered(text))
                or parts[-1][-1] >= "\u3000"  # CJK text is never hard-wrapped: a real break
            ):
                parts.append("\n")
            elif line.startswith("  ") and not folded:
                parts.append("\n\n")
            else:
                parts.append(" ")
        parts.append(text)
        gap = False
    return "".join(parts)


def _numbered(text: str) -> bool:
    """Whether a line starts like ``1. `` or ``12) ``."""
    digits = 0
    while digits < 3 and text[digits:digits + 1].isdigit():
        digits += 1
    return digits > 0 and text[digits:digits + 2] in (". ", ") ")


def _text_or_none(text: str) -> str | None:
    """None for empty and placeholder texts (see PLACEHOLDERS), else the text."""
    text = text.strip()
    if not text or (len(text) <= _PLACEHOLDER_LENGTH and text.lower() in PLACEHOLDERS):
        return None
    return text


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _some(items: Iterable[str], count: int, shown: int = 5) -> str:
    """A short list for a warning: the first few of ``count`` items, then how many more."""
    head = ", ".join(islice(items, shown))
    return head if count <= shown else f"{head} and {count - shown:,} more"


class _Builder:
    """Collects entries into a Digest: one Paper per id, sections in file order, warnings."""

    def __init__(self, name: str, notes: list[str]) -> None:
        self.file_name = _display_name(name)
        self.digest = Digest(name=self.file_name, date=_date_in(self.file_name))
        self.notes = notes
        self.index: dict[str, int] = {}
        self.sections: dict[str, Section] = {}
        self.listed: dict[str, set[str]] = {}
        self.entry_spots: dict[str, list[int]] = {}
        self.section_spots: dict[str, list[tuple[Section, int]]] = {}
        self.problems: dict[str, dict[str, None]] = {}
        self.unlisted: dict[str, int] = {}
        self.abstracts = 0
        self.lacking: dict[str, None] = {}  # ids of papers without an abstract, in order
        self.toc_seen = False
        self.prose_seen = False
        self.heading_date: str | None = None

    def problem(self, kind: str, item: str) -> None:
        """Remember a damaged entry under ``kind``; warnings summarise these per kind."""
        items = self.problems.setdefault(kind, {})
        if len(items) < _LISTED_PROBLEMS:
            items[item] = None
        elif item not in items:
            self.unlisted[kind] = self.unlisted.get(kind, 0) + 1

    def add(self, section: str, paper: Paper) -> int:
        """Add one entry; a repeated id keeps the first Paper, filled from the repeat.

        ``entries`` gets every entry; a section lists a paper once, however often it repeats there.
        """
        digest = self.digest
        if paper.abstract:
            self.abstracts += 1
        spot = self.index.get(paper.id)
        if spot is None:
            self.index[paper.id] = len(digest.papers)
            digest.papers.append(paper)
            if not paper.abstract:
                self.lacking[paper.id] = None
        else:
            paper = self._fill(spot, paper)
        shelf = self.sections.get(section)
        if shelf is None and len(self.sections) >= SECTION_LIMIT:
            self.problem("section cut", _cut(section, 40)[0])
            section = OVERFLOW_SECTION
            shelf = self.sections.get(section)
        if shelf is None:
            shelf = self.sections[section] = Section(section)
            self.listed[section] = set()
            digest.sections.append(shelf)
        if paper.id not in self.listed[section]:
            self.listed[section].add(paper.id)
            self.section_spots.setdefault(paper.id, []).append((shelf, len(shelf.papers)))
            shelf.papers.append(paper)
        self.entry_spots.setdefault(paper.id, []).append(len(digest.entries))
        digest.entries.append((section, paper))
        return len(digest.entries)

    def _fill(self, spot: int, later: Paper) -> Paper:
        """Give the first occurrence the fields only a later occurrence has, everywhere it is listed."""
        first = self.digest.papers[spot]
        missing = {name: getattr(later, name) for name in _FILLABLE if not getattr(first, name) and getattr(later, name)}
        if not missing:
            return first
        merged = replace(first, **missing)
        if merged.abstract:
            self.lacking.pop(first.id, None)
        self.digest.papers[spot] = merged
        for index in self.entry_spots[first.id]:
            self.digest.entries[index] = (self.digest.entries[index][0], merged)
        for shelf, index in self.section_spots[first.id]:
            shelf.papers[index] = merged
        return merged

    def snapshot(self) -> Digest:
        """The digest so far, its warnings brought up to date."""
        digest = self.digest
        if self.heading_date:
            digest.date = self.heading_date
        digest.name = digest.date or self.file_name
        digest.warnings[:] = self._warnings()
        return digest

    def finish(self, blank: bool) -> Digest:
        """The complete digest; DigestError when it has no entries and is not an empty day."""
        if not self.digest.entries:
            if blank:
                raise DigestError(f"{self.file_name} is empty")
            if not self.toc_seen or self.prose_seen:
                raise DigestError(f"{self.file_name} is not a digest (no papers found)")
        return self.snapshot()

    def _warnings(self) -> list[str]:
        """A few summarised lines, never one per entry."""
        found = dict(self.problems)
        if self.abstracts:  # a template without abstracts (xmkxabc) is not damage
            found["no abstract"] = self.lacking
        lines = list(self.notes)
        for kind, template in _WARNINGS.items():
            items = found.get(kind)
            if items:
                count = len(items) + self.unlisted.get(kind, 0)
                lines.append(template(count) + ": " + _some(items, count))
        return lines


_WARNINGS = {
    "truncated": lambda n: _plural(n, "entry is", "entries are") + " cut off (the details block never closes)",
    "no abstract": lambda n: _plural(n, "entry has", "entries have") + " no abstract",
    "no id": lambda n: _plural(n, "entry has", "entries have") + " no arXiv id (a made-up id is used)",
    "no title": lambda n: _plural(n, "entry has", "entries have") + " no title",
    "title cut": lambda n: _plural(n, "title", "titles") + f" longer than {TITLE_LIMIT:,} characters cut",
    "field cut": lambda n: _plural(n, "field", "fields") + f" longer than {FIELD_LIMIT:,} characters cut",
    "extra cut": lambda n: _plural(n, "entry has", "entries have")
    + f" more extra fields than shown (at most {EXTRA_LIMIT} and {FIELD_LIMIT:,} characters are kept)",
    "bad line": lambda n: _plural(n, "line is", "lines are") + " not a JSON paper record (skipped)",
    "section cut": lambda n: _plural(n, "section", "sections")
    + f" beyond the first {SECTION_LIMIT:,} listed under {OVERFLOW_SECTION!r}",
}
"""Warning text per kind of problem, in the order warnings are listed."""


# --- Markdown -------------------------------------------------------------------------------


def _parse_markdown(lines: Iterable[str], builder: _Builder) -> Iterator[int]:
    """The line-based state machine over every Markdown template; yields the entry count."""
    entry: _Entry | None = None
    section: str | None = None
    for line in lines:
        line = line.rstrip()
        if not line:
            if entry is not None:
                entry.feed_blank()
            continue
        if line[0] == "#":
            if line.startswith("### ["):
                if entry is not None:
                    yield entry.commit(builder, section)
                entry = _Entry(line)
                continue
            level = len(line) - len(line.lstrip("#"))
            if line[level:level + 1] == " " and (level <= 2 or entry is None):
                if entry is not None:
                    yield entry.commit(builder, section)
                    entry = None
                text = line[level + 1:].strip()
                if level <= 2:
                    section = None if _document_heading(text, builder) else _section_name(text)
                else:
                    _document_heading(text, builder)
                continue
        if entry is not None:
            entry.feed(line)
        else:
            _preamble_facts(line, builder)
    if entry is not None:
        yield entry.commit(builder, section)


def _document_heading(text: str, builder: _Builder) -> bool:
    """Whether a heading is about the file (its TOC, its dated title), not a section."""
    if text.lower() in _TOC_TITLES:
        builder.toc_seen = True
        return True
    if not builder.digest.entries and builder.heading_date is None:
        builder.heading_date = _date_in(text[:200])
        return builder.heading_date is not None
    return False


def _preamble_facts(line: str, builder: _Builder) -> None:
    """Lines outside entries: tell an empty day (TOC markup only) from a README."""
    text = line.strip()
    if text[:1] == "<":
        builder.toc_seen = builder.toc_seen or "toc" in text[:40].lower()
    elif text[:1] not in ("-", "*", "[", ">", "|", "=", "_"):
        builder.prose_seen = True


def _section_name(text: str) -> str | None:
    """``cs.CV [[Back]](#toc)`` -> ``cs.CV``; None for an empty heading."""
    back = text.find("[[")
    if back >= 0:
        text = text[:back]
    text = text.rstrip("# ").strip()
    return clean(_cut(text, TITLE_LIMIT)[0]) if text else None


def _split_heading(line: str) -> tuple[str, str | None]:
    """(title, url) of ``### [N] [Title](url)`` or ``### [Title](url)``; title as written."""
    rest = line[4:].strip()
    close = rest.find("] [", 0, 16)
    if close > 1 and rest[1:close].isdigit():
        rest = rest[close + 2:]
    if rest.endswith(")"):
        middle = rest.rfind("](")
        if middle > 0:
            return rest[1:middle], rest[middle + 2:-1].strip(" <>")
    return rest[1:].removesuffix("]"), None


class _Label(NamedTuple):
    """A labelled line: ``key`` is a Paper field name or ``"extra"``, ``name`` the label as written."""

    key: str
    name: str
    value: str
    bold: bool
    quoted: bool


def _label(line: str) -> _Label | None:
    """Read a field label: ``X: v``, ``**X:** v``, ``**X**: v``, ``**X: v**``, ``> **X:** v``.

    Plain labels count only when known (so prose like ``Note: ...`` stays text); any
    short bold label counts.  Only a bounded prefix is searched, so long lines are cheap.
    """
    text = line
    quoted = text[0] == ">"
    if quoted:
        text = text[1:].lstrip()
    if text.startswith("**"):
        end = text.find("**", 2, 240)
        if end < 3:
            return None
        inner, rest = text[2:end].strip(), text[end + 2:]
        if inner.endswith(":"):
            label, value = inner[:-1], rest
        elif rest.startswith(":"):
            label, value = inner, rest[1:]
        elif ":" in inner and not rest.strip():
            label, value = inner.split(":", 1)
        else:
            return None
        bold = True
    else:
        colon = text.find(":", 1, 40)
        if colon < 0:
            return None
        label, value, bold = text[:colon], text[colon + 1:], False
    label = label.strip()
    lowered = label.lower()
    key = _FIELD_LABELS.get(lowered)
    if key is None:
        if not (lowered in _EXTRA_LABELS or (bold and 0 < len(label) <= 40 and "[" not in label and "*" not in label)):
            return None
        key = "extra"
    return _Label(key, label, value, bold, quoted)


class _Entry:
    """One ``### [`` entry being read: its heading, then header lines, fields and details."""

    __slots__ = (
        "title", "url", "authors", "fields", "extra", "in_details", "summary", "started",
        "key", "name", "lines", "size", "quoted", "cut", "overflow", "extra_size", "extra_dropped",
    )

    def __init__(self, heading: str) -> None:
        self.title, self.url = _split_heading(heading)
        self.authors: tuple[str, ...] = ()
        self.fields: dict[str, str | None] = {}
        self.extra: list[tuple[str, str]] = []
        self.extra_size = 0
        self.extra_dropped = False
        self.in_details: bool | None = None  # None: no details block seen
        self.summary = ""
        self.started = False  # a field label has been seen: header lines are over
        self.key: str | None = None  # the open field, if any
        self.name = ""
        self.lines: list[str] = []
        self.size = 0
        self.overflow = False  # text of the open field was dropped for the field limit
        self.quoted = False
        self.cut: list[str] = []

    def feed_blank(self) -> None:
        """A blank line matters only inside a field: it separates paragraphs."""
        if self.key is not None:
            self.lines.append("")

    def feed(self, line: str) -> None:
        """One non-blank line inside the entry."""
        stripped = line.lstrip() if line[0] in " \t" else line
        if stripped[0] == "<":
            tag = stripped[:12].lower()
            if tag.startswith("<details"):
                self._close()
                self.in_details = True
                return
            if tag.startswith("</details"):
                self._close()
                self.in_details = False
                return
            if tag.startswith("<summary"):
                self.summary = stripped[stripped.find(">") + 1:].split("<", 1)[0].strip().lower()
                return
        # an abstract's own text may start like a label ("Background: ..."): only bold
        # standard labels end it
        in_abstract = self.key == "abstract" or (self.in_details and self.summary == "abstract")
        found = _label(line) if not in_abstract or line[0] in "*>" else None
        if found and (not in_abstract or (found.bold and found.key != "extra")):
            self._close()
            self._open(found)
        elif self.key is not None:
            self._append(line[1:].removeprefix(" ") if self.quoted and line[0] == ">" else line)
        elif not self.started and not self.in_details:
            self._header(stripped)
        elif self.in_details and self.summary == "abstract" and "abstract" not in self.fields:
            self._open(_Label("abstract", "Abstract", line, False, False))

    def _header(self, text: str) -> None:
        """Lines between the heading and the first field: authors, xmkxabc's translated title."""
        if text.startswith("> *") and not text.startswith("> **"):
            translated, was_cut = _cut(text[3:].rstrip("*").strip(), FIELD_LIMIT)
            if was_cut:
                self.cut.append(_TRANSLATED_TITLE)
            self._add_extra(_TRANSLATED_TITLE, clean(translated))
        elif text[0] == "*" and text[:2] != "**" and not self.authors:
            bar = text.find("* | ")
            names, rest = (text[1:bar], text[bar + 4:]) if bar > 0 else (text[1:].removesuffix("*"), "")
            names, was_cut = _cut(names, FIELD_LIMIT)
            if was_cut:
                self.cut.append("authors")
            self.authors = tuple(clean(part.strip()) for part in names.split(",") if part.strip())
            self._segments(rest)

    def _segments(self, text: str) -> None:
        """``**Main category: X**`` or ``Source: arXiv`` parts after a `` | ``, each a one-line field."""
        for part in text.split(" | ") if text else ():
            found = _label(part.strip()) if part.strip() else None
            if found:
                self._open(found)
                self._close()

    def _open(self, found: _Label) -> None:
        """Start a field; a category is one line, so it is set at once."""
        self.started = True
        if found.key == "category":
            value, _, rest = found.value.partition(" | ")
            category = _cut(clean(value.strip().strip("*").strip()), TITLE_LIMIT)[0]
            self.fields.setdefault("category", category or None)
            self._segments(rest)
            return
        self.key, self.name, self.quoted = found.key, found.name, found.quoted
        self.lines, self.size, self.overflow = [], 0, False
        self._append(found.value.lstrip())

    def _append(self, line: str) -> None:
        """Keep a field line, but never more than the field limit, however long the input.

        Whether text was dropped is remembered: the kept part may end in spaces that the
        join strips, and the field must still be marked as cut.
        """
        if self.size <= FIELD_LIMIT:
            self.lines.append(line[:FIELD_LIMIT + 1])
            self.size += len(line)
            if len(line) > FIELD_LIMIT + 1 and _NONBLANK.search(line, FIELD_LIMIT + 1):
                self.overflow = True
        elif _NONBLANK.search(line):
            self.overflow = True

    def _close(self) -> None:
        """Finish the open field: rejoin, cap, drop placeholders, store."""
        if self.key is None:
            return
        key, name = self.key, clean(self.name)
        self.key = None
        text, was_cut = _cut(_join(self.lines, name.lower() in _FOLDED_LABELS), FIELD_LIMIT)
        if self.overflow and not was_cut:
            text, was_cut = text.rstrip() + "…", True
        if was_cut:
            self.cut.append(name)
        value = _text_or_none(clean(text, multiline=True))
        if key != "extra" and key not in self.fields:
            self.fields[key] = value
        elif value is not None:
            self._add_extra(name, value)

    def _add_extra(self, name: str, value: str) -> None:
        """Keep an extra field while the entry's extras stay within EXTRA_LIMIT and FIELD_LIMIT."""
        if len(self.extra) >= EXTRA_LIMIT or self.extra_size >= FIELD_LIMIT:
            self.extra_dropped = True
            return
        self.extra.append((name, value))
        self.extra_size += len(value)

    def commit(self, builder: _Builder, section: str | None) -> int:
        """Make the Paper, note what is damaged, and add it under its section."""
        self._close()
        title, was_cut = _cut(self.title.strip(), TITLE_LIMIT)
        title = clean(title)
        url = clean(self.url) if self.url and len(self.url) <= TITLE_LIMIT else None
        paper_id, version, made_up = _identify(url, None, title)
        if was_cut:
            builder.problem("title cut", paper_id)
        if not title:
            builder.problem("no title", paper_id)
            title = "(untitled)"
        if made_up:
            builder.problem("no id", paper_id)
        if self.in_details:
            builder.problem("truncated", paper_id)
        for name in self.cut:
            builder.problem("field cut", f"{paper_id} {name}")
        if self.extra_dropped:
            builder.problem("extra cut", paper_id)
        fields = self.fields
        paper = Paper(
            id=paper_id,
            title=title,
            version=version,
            url=url,
            authors=self.authors,
            category=fields.get("category"),
            tldr=fields.get("tldr"),
            motivation=fields.get("motivation"),
            method=fields.get("method"),
            result=fields.get("result"),
            conclusion=fields.get("conclusion"),
            abstract=fields.get("abstract"),
            extra=tuple(self.extra),
        )
        return builder.add(section or paper.category or "Papers", paper)


# --- JSON Lines -----------------------------------------------------------------------------


def _parse_jsonl(lines: Iterable[str], builder: _Builder) -> Iterator[int]:
    """One paper per JSON object line (raw crawl or AI-enhanced); yields the entry count.

    Gives up after ``_BAD_RUN`` bad lines in a row: that is no JSON Lines digest, and
    failing JSON parses are slow enough that a huge such file should not be ground through.
    """
    bad_run = 0
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        record = None
        if line[-1] == "}":
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                pass
        paper = _record_paper(record, builder) if isinstance(record, dict) else None
        if paper is None:
            builder.problem("bad line", str(number))
            bad_run += 1
            if bad_run >= _BAD_RUN:
                builder.notes.append(f"Reading stopped at line {number:,}: {_BAD_RUN:,} lines in a row are not paper records")
                return
            continue
        bad_run = 0
        yield builder.add(paper.category or "Papers", paper)



def _record_paper(record: dict, builder: _Builder) -> Paper | None:
    """A Paper from one record; None when it has neither an id nor a title."""
    raw_id, title = _string(record.get("id")), _string(record.get("title"))
    url = _string(record.get("abs"))
    if not (raw_id or title):
        return None
    title, title_cut = _cut(" ".join(part.strip() for part in (title or "").split("\n")).strip(), TITLE_LIMIT)
    title = clean(title)
    url = clean(url) if url and len(url) <= TITLE_LIMIT else None
    paper_id, version, made_up = _identify(url, raw_id, title)
    if made_up:
        builder.problem("no id", paper_id)
    if title_cut:
        builder.problem("title cut", paper_id)
    if not title:
        builder.problem("no title", paper_id)
        title = "(untitled)"
    categories = record.get("categories")
    if isinstance(categories, str):
        categories = categories.split()
    category = _string(categories[0]) if isinstance(categories, list) and categories else None
    authors = record.get("authors")
    if isinstance(authors, str):
        authors = authors.split(",")
    ai = record.get("AI") if isinstance(record.get("AI"), dict) else {}
    cut: list[str] = []

    def field(value: object, name: str, wrapped: bool = False) -> str | None:
        text = _string(value)
        if text is None:
            return None
        text, was_cut = _cut(_join(text.split("\n")) if wrapped else text, FIELD_LIMIT)
        if was_cut:
            cut.append(name)
        return _text_or_none(clean(text, multiline=True))

    summary = {name: field(ai.get(name), name) for name in SUMMARY_FIELDS}
    abstract = field(record.get("summary"), "abstract", wrapped=True)
    extra = []
    for key, value in record.items():
        if key == "AI":
            for name, item in ai.items():
                if name not in SUMMARY_FIELDS:
                    label = _AI_LABELS.get(name) or _labelled(name)
                    extra.append((label, field(_ai_text(name, item), label)))
        elif key in _JSONL_EXTRAS:
            label = _JSONL_EXTRAS[key]
            extra.append((label, field(_ai_text(key, value), label)))
    for name in cut:
        builder.problem("field cut", f"{paper_id} {name}")
    kept, size = [], 0
    for label, text in extra:
        if text:
            if len(kept) >= EXTRA_LIMIT or size >= FIELD_LIMIT:
                builder.problem("extra cut", paper_id)
                break
            kept.append((label, text))
            size += len(text)
    names = authors if isinstance(authors, list) else ()
    return Paper(
        id=paper_id,
        title=title,
        version=version,
        url=url or (None if made_up else f"https://arxiv.org/abs/{paper_id}"),
        authors=tuple(clean(name.strip())[:TITLE_LIMIT] for name in names if isinstance(name, str) and name.strip()),
        category=_cut(clean(category), TITLE_LIMIT)[0] if category else None,
        abstract=abstract,
        extra=tuple(kept),
        **summary,
    )


def _string(value: object) -> str | None:
    """A record value as text when it is text (or a number, as ids sometimes are)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _ai_text(name: str, value: object) -> str | None:
    """An extra AI value as text: keyword lists joined, other lists numbered, minutes in min."""
    if isinstance(value, list):
        items = [str(item) for item in value if item is not None]
        if name == "keywords":
            return ", ".join(items)
        return "\n".join(f"{number}. {item}" for number, item in enumerate(items, 1))
    if name == "read_time_minutes" and isinstance(value, (int, float)):
        return f"{value} min"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return _string(value)


def _labelled(key: str) -> str:
    """``code_stars`` -> ``Code stars``: a JSON key as a display label."""
    return clean(key.replace("_", " ").strip().capitalize())[:TITLE_LIMIT]
