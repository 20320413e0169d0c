"""The state file's format: bytes to a state and back. Pure: no I/O.

The file (``state.toml``) is versioned, sorted and human-readable, so it diffs cleanly and
syncs with git or Syncthing; the same marks always give the same bytes::

    version = 1

    [settings]
    detail_view = 'abstract'

    [stars."2601.10802"]
    title = 'Sparse attention for long documents'
    authors = ['Ada Lovelace', "Flann O'Brien"]
    category = 'cs.CL'
    version = 'v2'
    url = 'https://arxiv.org/abs/2601.10802'
    digest = '2026-01-16'
    starred_at = '2026-01-16T09:15:00Z'
    tldr = 'Attention over long documents at linear cost.'
    abstract = '''
    We study attention over long documents. It's cheap.
    A second paragraph.'''
    extra = [['Keywords', 'attention, long context']]

    [tagged."2601.10802"]
    tags = ['group meeting', 'Later']
    title = 'Sparse attention for long documents'
    digest = '2026-01-16'
    saved_at = '2026-01-16T09:20:00Z'

    [read]
    "2512" = '''
    00012 00345
    10802 10835
    '''
    "2601" = '''
    10802
    '''
    other = ['hep-th/9901001']

Read ids are grouped by their ``yymm`` month into one literal string per month, one line per
block of a thousand numbers. tomllib reads literal strings without a Python loop per
character, so 200,000 read ids load in tens of milliseconds (a TOML array of 200k strings
takes about 0.3 s, basic strings per month about 0.06 s), and a new mark changes one short
line. Ids of any other shape go to ``other``. Star text is written as literal strings too
whenever the text allows it, for the same reason.

A tagged paper has a table of its own in ``[tagged]``: its tags (sorted, one name per tag
without regard to case) and a snapshot of the paper, with the fields of a star table and
``saved_at`` (when it was first tagged) for ``starred_at``. Tags are a table of their own,
not keys of ``[stars]``, so a paper can be tagged and not starred, and a version that knows
no tags keeps the whole table as it keeps any table it does not know.

A paper with a note has a table in ``[noted]`` the same way: ``note`` (a multi-line literal
string whenever the text allows one) and the snapshot, ``saved_at`` being when it was first
noted::

    [noted."2601.10802"]
    note = '''
    Their sparse pattern is what we need for chapter 3.'''
    title = 'Sparse attention for long documents'
    saved_at = '2026-01-16T09:21:00Z'

Forward compatible, and never destructive, since two versions may share one file:

* Tables and keys this version does not know (top-level tables such as ``[notes]``, keys in a
  star table, settings that are not strings or booleans, keys of ``[read]``) are kept as parsed
  and written back with the same value, keys sorted: top-level values after ``version``,
  top-level tables after ``[read]``.
* A known entry that is malformed is loaded as far as it is understood and kept raw: a star
  field of the wrong type (``authors = [1, 2]``) is left out of the star, a star without a
  title or ``starred_at`` is not shown, a read month with something else than numbers shows
  the numbers it has, ``[settings]`` that is not a table is ignored. Each is named in a
  problem (the store shows it) and written back unchanged until this instance changes that
  same entry (marks a paper of that month, stars or unstars that paper, sets that setting);
  then this instance's version of the entry replaces it.
* A file without ``version`` is read as this version if it holds nothing but the tables of a
  state file (an empty file, a hand-written ``[read]``). Any other version than FORMAT_VERSION
  is read the same way, but :attr:`Loaded.writable` is False: the store must not rewrite it.
* Bytes that are not UTF-8 TOML at all (or nest more than MAX_DEPTH deep) raise
  :class:`NotToml`; :func:`looks_like_state` tells whether such bytes were a state file
  (a ``version = N`` line first), so the store moves only its own broken files aside.
* TOML without ``version`` that holds anything else than the tables of a state file (another
  program's TOML) raises :class:`NotState`: the store must neither read nor touch it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache


from reader.core.model import SUMMARY_FIELDS, Noted, Paper, Star, Tagged, tag_key
from reader.core.sanitize import clean
from reader.core.store.marks import OTHER, ReadSet, State, sort_tags

FORMAT_VERSION = 1

_MONTH = re.compile(r"[0-9]{4}")
_NUMBER = re.compile(r"[0-9]{4,5}")
_NUMBERS = re.compile(r"\s*(?:[0-9]{4,5}(?![0-9])\s*)*")
_STAR_TEXT = ("category", "version", "url", "pdf", "digest", "starred_at", *SUMMARY_FIELDS, "abstract")
"""The optional one-string fields of a star table, in file order (title, authors and categories
come first, extra and order last)."""
_STAR_LISTS = ("authors", "categories", "order")
"""The star fields that are lists of strings."""
_STAR_STRINGS = frozenset(("title", *_STAR_TEXT))
_STAR_FIELDS = frozenset(("extra", *_STAR_LISTS, *_STAR_STRINGS))
_MULTILINE = frozenset((*SUMMARY_FIELDS, "abstract"))
"""Star fields whose paragraphs are kept when cleaned."""
_SHORT = 80
"""One-line text up to this length that cannot be a literal string stays a basic string."""
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_LITERAL = re.compile(r"[^'\x00-\x08\x0a-\x1f\x7f]*")
_MULTILINE_LITERAL = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f]*")


MAX_DEPTH = 32
"""Arrays and tables nested deeper than this make a file broken: reading, keeping and writing
back a value recurse once per level, and a hostile ``x = [[[[…]]]]`` must not exhaust the stack."""
_STATE_TABLES = frozenset(("settings", "stars", "tagged", "noted", "read"))
_VERSION_FIRST = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*version[ \t]*=")


class NotToml(Exception):
    """The bytes are not UTF-8 TOML: nothing in them can be read or kept."""


class NotState(Exception):
    """The bytes are TOML, but not a digest-reader state file: they must be left alone."""


def looks_like_state(data: bytes) -> bool:
    """Whether bytes that do not parse were a state file: its first line (comments and blank lines
    aside) sets ``version``, as every file this reader writes begins."""
    return _VERSION_FIRST.match(data) is not None


def _depth_over(value: object, limit: int) -> bool:
    """Whether arrays and tables in ``value`` nest more than ``limit`` deep (no recursion)."""
    level = [value]
    for _ in range(limit + 1):
        level = [item for node in level if isinstance(node, (dict, list)) for item in (node.values() if isinstance(node, dict) else node)]
        if not any(isinstance(node, (dict, list)) for node in level):
            return False
    return True


@dataclass
class Loaded:
    """A parsed state file."""

    state: State
    version: object = FORMAT_VERSION
    """As written in the file (FORMAT_VERSION when it has none)."""
    problems: list[str] = field(default_factory=list)
    """Malformed entries, kept raw (see the module docstring)."""

    @property
    def writable(self) -> bool:
        """Whether this version may rewrite the file: only one of its own version."""
        return type(self.version) is int and self.version == FORMAT_VERSION


# -- bytes -> state ----------------------------------------------------------------


def parse(data: bytes) -> Loaded:
    import tomllib  # only when there is a state file: not on a first start

    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise NotToml(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise NotToml(f"nested more than {MAX_DEPTH} levels deep") from None
    if _depth_over(doc, MAX_DEPTH):
        raise NotToml(f"nested more than {MAX_DEPTH} levels deep")
    if "version" not in doc and (unknown := sorted(doc.keys() - _STATE_TABLES)):
        raise NotState(f"it has no version line and holds {', '.join(map(repr, unknown[:3]))}")
    if not doc and data.strip():  # only comments: a Markdown "# Title" is such a file
        raise NotState("it holds only comments")
    loaded = Loaded(State(), doc.pop("version", FORMAT_VERSION))
    state, problems = loaded.state, loaded.problems
    sections = {
        "settings": _parse_settings,
        "stars": _parse_stars,
        "tagged": _parse_tagged,
        "noted": _parse_noted,
        "read": _parse_read,
    }
    for name, value in doc.items():
        if name not in sections:
            state.raw[name] = _sorted(value)
        elif not isinstance(value, dict):
            state.raw[name] = _sorted(value)
            problems.append(f"{name} is not a table")
        else:
            sections[name](value, state, problems)
    return loaded


def _parse_settings(table: dict, state: State, problems: list[str]) -> None:
    for key, value in table.items():
        if isinstance(value, (str, bool)):
            state.settings[key] = value
        else:
            state.raw_settings[key] = _sorted(value)


def _parse_stars(table: dict, state: State, problems: list[str]) -> None:
    for paper_id, star in table.items():
        where = f"stars.{_key(paper_id)}"
        fields = {key: value for key, value in star.items() if _is_star_field(key, value)} if isinstance(star, dict) else {}
        if "title" not in fields or "starred_at" not in fields:
            state.raw_stars[paper_id] = _sorted(star)
            problems.append(f"{where} {'needs a title and starred_at' if isinstance(star, dict) else 'is not a table'}")
            continue
        raw = {key: value for key, value in star.items() if key not in fields}
        if wrong := sorted(raw.keys() & _STAR_FIELDS):
            problems.append(f"{where}: {', '.join(wrong)} of the wrong type")
        # Keyed by the id the star's paper shows (cleaned), or unstarring it could never find it.
        shown_id = clean(paper_id)
        if raw:
            state.raw_stars[shown_id] = _sorted(raw)
        state.stars[shown_id] = _star(paper_id, fields)


def _parse_tagged(table: dict, state: State, problems: list[str]) -> None:
    def names(tags: object) -> dict[str, str] | None:
        """The tags by key (the first spelling of a tag wins), or None for no list of tags."""
        cleaned = [" ".join(clean(tag).split()) for tag in tags] if _is_strings(tags) else []
        unique = {tag_key(name): name for name in reversed(cleaned) if name}
        return unique or None

    for paper_id, star, unique in _snapshot_entries("tagged", "tags", names, table, state.raw_tagged, problems):
        state.tagged[paper_id] = Tagged(star.paper, sort_tags(unique.values()), star.starred_at or "", star.digest)


def _parse_noted(table: dict, state: State, problems: list[str]) -> None:
    def text(note: object) -> str | None:
        return clean(note, multiline=True) if isinstance(note, str) and note.strip() else None

    for paper_id, star, note in _snapshot_entries("noted", "note", text, table, state.raw_noted, problems):
        state.noted[paper_id] = Noted(star.paper, note, star.starred_at or "", star.digest)


def _snapshot_entries(
    name: str, own: str, read_own: Callable[[object], object], table: dict, raw_entries: dict, problems: list[str]
) -> Iterator[tuple[str, Star, object]]:
    """The readable entries of a table of papers with a mark of their own (``own``, read by
    ``read_own``, None when unreadable) and a snapshot with ``saved_at``: (shown id, snapshot,
    mark). What is not read goes to ``raw_entries``, with a problem for an unreadable entry."""
    for paper_id, entry in table.items():
        where = f"{name}.{_key(paper_id)}"
        fields = {
            key: value
            for key, value in (entry.items() if isinstance(entry, dict) else ())
            if key != "starred_at" and (_is_star_field(key, value) or key == "saved_at" and isinstance(value, str))
        }
        mark = read_own(entry.get(own)) if isinstance(entry, dict) else None
        if "title" not in fields or "saved_at" not in fields or mark is None:
            raw_entries[paper_id] = _sorted(entry)
            problems.append(f"{where} {f'needs a title, saved_at and {own}' if isinstance(entry, dict) else 'is not a table'}")
            continue
        fields[own] = entry[own]
        raw = {key: value for key, value in entry.items() if key not in fields}
        if wrong := sorted(raw.keys() & _STAR_FIELDS):
            problems.append(f"{where}: {', '.join(wrong)} of the wrong type")
        shown_id = clean(paper_id)
        if raw:
            raw_entries[shown_id] = _sorted(raw)
        yield shown_id, _star(paper_id, {**fields, "starred_at": fields["saved_at"]}), mark


def _star(paper_id: str, table: dict) -> Star:
    """The star of a table whose fields all have the right type."""
    # The file may predate cleaning or be edited by hand: its text is as untrusted as a digest's.
    texts = {key: clean(table[key], multiline=key in _MULTILINE) if key in table else None for key in _STAR_TEXT}
    starred_at, digest = texts.pop("starred_at"), texts.pop("digest")
    paper = Paper(
        id=clean(paper_id),
        title=clean(table["title"]),
        authors=tuple(clean(name) for name in table.get("authors", ())),
        categories=tuple(clean(name) for name in table.get("categories", ())),
        order=tuple(clean(name) for name in table.get("order", ())),
        extra=tuple((clean(label), clean(value, multiline=True)) for label, value in table.get("extra", ())),
        **texts,
    )
    return Star(paper, starred_at, digest)


def _is_star_field(key: str, value: object) -> bool:
    """Whether ``key = value`` is a star field this version reads."""
    if key in _STAR_LISTS:
        return _is_strings(value)
    if key == "extra":
        return isinstance(value, list) and all(_is_strings(pair, 2) for pair in value)
    return key in _STAR_STRINGS and isinstance(value, str)


def _parse_read(table: dict, state: State, problems: list[str]) -> None:
    read = state.read
    for key, value in table.items():
        if key == OTHER:
            ids = value if isinstance(value, list) else []
            for paper_id in ids:  # hand-edited files may list compact ids here too
                if isinstance(paper_id, str):
                    read.add(paper_id)
            if not _is_strings(value):
                read.raw[key] = _sorted(value)
                problems.append(f"read.{OTHER} must list ids")
        elif not _MONTH.fullmatch(key):
            read.raw[key] = _sorted(value)
        elif isinstance(value, str) and _NUMBERS.fullmatch(value):
            if numbers := set(value.split()):
                read.months[key] = numbers
        else:
            numbers = {word for word in value.split() if _NUMBER.fullmatch(word)} if isinstance(value, str) else ()
            if numbers:
                read.months[key] = numbers
            read.raw[key] = value
            problems.append(f"read.{key} must be a yymm month of 4- or 5-digit numbers")


def _sorted(value: object) -> object:
    """A raw value with its tables' keys sorted, so it is always written the same way."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _is_strings(value: object, length: int | None = None) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value) and length in (None, len(value))


# -- state -> bytes ------------------------------------------------------------------


def dump(state: State) -> bytes:
    """The file's bytes: the same state always gives the same bytes."""
    out = [f"version = {FORMAT_VERSION}\n"]
    settings = dict(sorted({**state.raw_settings, **state.settings}.items()))
    written = {
        "settings": bool(settings),
        "stars": bool(state.stars or state.raw_stars),
        "tagged": bool(state.tagged or state.raw_tagged),
        "noted": bool(state.noted or state.raw_noted),
        "read": _has_read(state.read),
    }
    raw = {key: value for key, value in state.raw.items() if not written.get(key)}  # a known section wins
    out += (f"{_key(key)} = {_value(value)}\n" for key, value in raw.items() if not isinstance(value, dict))
    if settings:
        _table("settings", settings, out)
    if written["stars"]:
        _stars(state, out)
    if written["tagged"]:
        _snapshot_tables("tagged", {paper_id: ("tags", list(entry.tags), entry) for paper_id, entry in state.tagged.items()}, state.raw_tagged, out)
    if written["noted"]:
        _snapshot_tables("noted", {paper_id: ("note", entry.text, entry) for paper_id, entry in state.noted.items()}, state.raw_noted, out)
    if written["read"]:
        out += _read_table(state.read)
    for key, value in raw.items():
        if isinstance(value, dict):
            _table(_key(key), value, out)
    # A lone surrogate (from a malformed JSON digest) must not stop every later save.
    return "".join(out).encode("utf-8", "replace")


def _has_read(read: ReadSet) -> bool:
    return bool(read.months or read.other or read.raw)


def _table(header: str, table: dict, out: list[str]) -> None:
    """Add ``[header]`` with the table's values in its order, then its sub-tables under their own headers."""
    values = [f"{_key(key)} = {_value(value)}\n" for key, value in table.items() if not isinstance(value, dict)]
    if values or not table:
        out.append(f"\n[{header}]\n")
        out += values
    if len(values) < len(table):
        for key, value in table.items():
            if isinstance(value, dict):
                _table(f"{header}.{_key(key)}", value, out)


def _read_table(read: ReadSet) -> Iterator[str]:
    yield "\n[read]\n"
    for key in sorted(read.months.keys() | read.raw.keys() - {OTHER}):
        if key in read.raw:
            yield f"{_key(key)} = {_value(read.raw[key])}\n"
        else:
            yield f"\"{key}\" = '''\n{_number_lines(read.months[key])}\n'''\n"
    if OTHER in read.raw:
        yield f"{OTHER} = {_value(read.raw[OTHER])}\n"
    elif read.other:
        yield f"{OTHER} = {_value(sorted(read.other))}\n"


@lru_cache(maxsize=4096)  # the same few field names in every star
def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _basic_string(key)


def _value(value: object) -> str:
    """Any TOML value on one line (but for multi-line strings); tables become inline tables."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(_value, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(key)} = {_value(item)}" for key, item in value.items()) + "}"
    import tomli_w  # (this module writes strings, lists and tables itself)

    return tomli_w.dumps({"v": value})[len("v = ") : -1]  # booleans, numbers, dates and times


def _string(text: str) -> str:
    """A literal string when the text allows one, since tomllib reads those without a loop per
    character; long or multi-line text with an apostrophe gets a multi-line literal string."""
    if _LITERAL.fullmatch(text):
        return f"'{text}'"
    if (
        (len(text) > _SHORT or "\n" in text)
        and _MULTILINE_LITERAL.fullmatch(text)
        and "'''" not in text
        and not text.endswith("'")
    ):
        return f"'''\n{text}'''"  # the newline right after the opening quotes is not part of the text
    return _basic_string(text)


def _basic_string(text: str) -> str:
    """A basic (escaped) TOML string, for text no literal string can hold: tomli-w's escaping."""
    import tomli_w

    return tomli_w.dumps({"v": text})[len("v = ") : -1]


def _number_lines(numbers: set[str]) -> str:
    """Sorted numbers, one line per block of a thousand, so one mark changes one short line."""
    ordered = sorted(numbers)
    lines = []
    start = 0
    while start < len(ordered):
        end = bisect_left(ordered, ordered[start][:-3] + ":", start)  # ":" sorts right after "9"
        lines.append(" ".join(ordered[start:end]))
        start = end
    return "\n".join(lines)


def _stars(state: State, out: list[str]) -> None:
    """Add each star's table, one at a time (building them all at once would wake the garbage
    collector, which then walks the read set just copied); entries that are no table first."""
    loose = {paper_id: value for paper_id, value in sorted(state.raw_stars.items()) if not isinstance(value, dict)}
    if loose:
        _table("stars", loose, out)
    for paper_id in sorted(state.stars.keys() | state.raw_stars.keys() - loose.keys()):
        _table(f"stars.{_key(paper_id)}", _star_table(state.stars.get(paper_id), state.raw_stars.get(paper_id)), out)


def _star_table(star: Star | None, raw: dict | None) -> dict:
    """The star's fields in file order, then the raw keys it does not write, sorted."""
    if star is None:
        return raw
    paper = star.paper
    own = {"digest": star.digest, "starred_at": star.starred_at}
    table: dict[str, object] = {"title": paper.title}
    if paper.authors:
        table["authors"] = list(paper.authors)
    if paper.categories:
        table["categories"] = list(paper.categories)
    for key in _STAR_TEXT:
        if (value := own[key] if key in own else getattr(paper, key)) is not None:
            table[key] = value
    if paper.extra:
        table["extra"] = [list(pair) for pair in paper.extra]
    if paper.order:
        table["order"] = list(paper.order)
    if raw:
        table.update((key, value) for key, value in raw.items() if key not in table)
    return table


def _snapshot_tables(name: str, entries: dict[str, tuple[str, object, Tagged | Noted]], raw_entries: dict, out: list[str]) -> None:
    """Add each entry's table (its own mark first, then the snapshot as a star table has it)."""
    loose = {paper_id: value for paper_id, value in sorted(raw_entries.items()) if not isinstance(value, dict)}
    if loose:
        _table(name, loose, out)
    for paper_id in sorted(entries.keys() | raw_entries.keys() - loose.keys()):
        raw = raw_entries.get(paper_id)
        if paper_id not in entries:
            table = raw
        else:
            own, mark, entry = entries[paper_id]
            table = {own: mark}
            table.update(("saved_at" if key == "starred_at" else key, value) for key, value in _star_table(entry.as_star(), None).items())
            if raw:
                table.update((key, value) for key, value in raw.items() if key not in table)
        _table(f"{name}.{_key(paper_id)}", table, out)
