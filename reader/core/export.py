"""Export starred papers to reference managers, notes and spreadsheets.

Works from :class:`~reader.core.model.Star` snapshots alone, so no digest file is needed.
Every string passes through :func:`~reader.core.sanitize.clean` on the way out, because a
state file written by an older version might still hold control characters.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from itertools import count, product
from pathlib import Path
from string import ascii_lowercase
from urllib.parse import quote

from reader.core.config import file_kind, user_path
from reader.core.model import Star
from reader.core.sanitize import clean, is_safe_url


class ExportError(Exception):
    """An export cannot be done; the message is one line for the user."""


def _ordered(stars: Iterable[Star]) -> list[Star]:
    """Stars by starred_at then id, each paper once (its first star), so output is deterministic."""
    seen: set[str] = set()
    ordered = []
    for star in sorted(stars, key=lambda star: (star.starred_at, star.paper.id)):
        if star.paper.id not in seen:
            seen.add(star.paper.id)
            ordered.append(star)
    return ordered


@dataclass(frozen=True, slots=True)
class Format:
    """An export format: the file extension and how to turn ordered stars into text."""

    extension: str
    body: Callable[..., str]
    """``body(stars, tags, notes)``: the papers' tags (paper id -> names) and notes (paper id -> text)."""
    description: str = ""
    """What reads it, for the export dialog."""

    def render(
        self, stars: Iterable[Star], tags: Mapping[str, Sequence[str]] | None = None, notes: Mapping[str, str] | None = None
    ) -> str:
        """The whole file for these stars, in the deterministic export order."""
        return self.body(_ordered(stars), tags or {}, notes or {})


# --- shared helpers -------------------------------------------------------------------

def _one_line(text: str | None) -> str:
    """Cleaned text on one line: paragraph breaks and runs of whitespace become one space."""
    return " ".join(clean(text or "", multiline=True).split())


def _authors(star: Star) -> list[str]:
    """The paper's non-empty author names, cleaned, one line each."""
    return [name for name in map(_one_line, star.paper.authors) if name]


# Safe in a URL and in every format (no braces, backslash, brackets, parentheses, quotes).
_URL_SAFE = "/:?=&%#~.-_+!,;@*'"


def _url(star: Star) -> str:
    """The paper's http(s) URL, else its arXiv abstract page, percent-encoded for every format;
    "" for a paper with neither (no arXiv id: the parser's ``noid-…`` key is no address)."""
    paper = star.paper
    if is_safe_url(paper.url):
        url = paper.url
    elif paper.has_arxiv_id:
        url = f"https://arxiv.org/abs/{paper.id}"
    else:
        return ""
    return quote(_one_line(url), safe=_URL_SAFE)


def _arxiv_id(star: Star) -> str:
    """The arXiv id to cite, or "" for a paper without one (never the made-up ``noid-…`` key)."""
    return star.paper.id if star.paper.has_arxiv_id else ""


_NEW_ID = re.compile(r"(?:arXiv:)?(\d{2})\d{2}\.\d{4,5}(?:v\d+)?", re.IGNORECASE)
_OLD_ID = re.compile(r"(?:arXiv:)?[a-z-]+(?:\.[a-z-]+)?/(\d{2})\d{5}(?:v\d+)?", re.IGNORECASE)


def _year(arxiv_id: str) -> str | None:
    """The submission year an arXiv id encodes (2601.10802 -> 2026, hep-th/9901001 -> 1999)."""
    if match := _NEW_ID.fullmatch(arxiv_id):
        return str(2000 + int(match[1]))
    if match := _OLD_ID.fullmatch(arxiv_id):
        yy = int(match[1])
        return str(1900 + yy if yy >= 91 else 2000 + yy)  # old-style ids began in 1991
    return None


def _split_name(name: str) -> tuple[str, str]:
    """(surname, given names) of a display name: "Last, First" as written, else the last word."""
    if "," in name:
        last, _, first = name.partition(",")
        return last.strip(), first.strip()
    first, _, last = name.rpartition(" ")
    return last, first


# --- BibTeX ---------------------------------------------------------------------------

# Letters NFKD does not decompose into ASCII, folded the way citation keys usually are.
_FOLD = str.maketrans({
    "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l",
    "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i",
})
_LATEX_MARKUP = re.compile(r"\$[^$]*\$|\\[A-Za-z]+")
_STOPWORDS = frozenset(
    "a an the on of in for to and or at by from with via is are do does how what why".split()
)


def _ascii_words(text: str) -> list[str]:
    """Lowercase ASCII words of text without its math and LaTeX commands (Müller -> muller)."""
    folded = unicodedata.normalize("NFKD", _LATEX_MARKUP.sub(" ", text).translate(_FOLD))
    return re.findall(r"[a-z0-9]+", folded.encode("ascii", "ignore").decode().lower())


def _base_key(star: Star) -> str:
    """Google-Scholar-like key: surname, year, first significant title word (krumpl2026iconic)."""
    authors = _authors(star)
    surname = "".join(_ascii_words(_split_name(authors[0])[0])) if authors else ""
    word = next((w for w in _ascii_words(_one_line(star.paper.title)) if w not in _STOPWORDS), "")
    return f"{surname or 'anon'}{_year(star.paper.id) or ''}{word}"


def _suffixes() -> Iterator[str]:
    """a, b, ..., z, aa, ab, ...: as many disambiguating suffixes as needed."""
    return ("".join(letters) for n in count(1) for letters in product(ascii_lowercase, repeat=n))


def _keys(stars: list[Star]) -> dict[str, str]:
    """A unique key per paper id; on a collision the lowest arXiv id keeps the plain key.

    Suffixes follow arXiv id order, not starring order, so keys do not depend on the order
    papers were starred in, and a newer colliding paper is the one that gets the suffix.
    """
    by_id = sorted(star.paper.id for star in stars)
    base = {star.paper.id: _base_key(star) for star in stars}
    taken = set(base.values())
    used: set[str] = set()
    keys = {}
    for paper_id in by_id:
        key = base[paper_id]
        if key in used:
            key = next(key + suffix for suffix in _suffixes() if key + suffix not in taken)
            taken.add(key)
        used.add(key)
        keys[paper_id] = key
    return keys


# A control word (\textsc), a control symbol (\{ \% \, \\ or backslash-space), a stray
# backslash, or any other single character.
_TEX_TOKEN = re.compile(r"\\(?:[A-Za-z]+|[ -/:-@\[-`{-~])?|.", re.DOTALL)
_OPENERS = {"}": "{", "\\}": "\\{"}
_BRACES = {"{", "}", "\\{", "\\}"}
# Bare % & # are errors anywhere in LaTeX, so they are escaped even inside math. A space after
# a forced line break keeps it from touching a brace: bibtexparser would read \\{ as \{.
_MATH_ESCAPES = {"%": r"\%", "&": r"\&", "#": r"\#", "\\\\": "\\\\ "}
_TEXT_ESCAPES = {
    **_MATH_ESCAPES,
    "_": r"\_", "$": r"\$", "\\": r"\textbackslash{}", "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}", "{": r"\textbraceleft{}", "\\{": r"\textbraceleft{}",
    "}": r"\textbraceright{}", "\\}": r"\textbraceright{}",
}


def _paired(tokens: list[str], indexes: Iterable[int]) -> set[int]:
    """Indexes of the braces among tokens[indexes] that pair up, plain with plain, escaped with escaped.

    Keeping only such pairs balances a value both for BibTeX, which counts escaped braces
    too, and for bibtexparser, which skips them.
    """
    open_at: dict[str, list[int]] = {"{": [], "\\{": []}
    paired: set[int] = set()
    for index in indexes:
        token = tokens[index]
        if token in open_at:
            open_at[token].append(index)
        elif token in _OPENERS and open_at[_OPENERS[token]]:
            paired.update((open_at[_OPENERS[token]].pop(), index))
    return paired


def _math_spans(tokens: list[str]) -> set[int]:
    """Indexes of tokens inside $...$ pairs whose braces all pair up; those are kept verbatim."""
    dollars = [index for index, token in enumerate(tokens) if token == "$"]
    inside: set[int] = set()
    for start, end in zip(dollars[::2], dollars[1::2]):
        span = range(start, end + 1)
        braces = {index for index in span if tokens[index] in _BRACES}
        if braces <= _paired(tokens, span):
            inside.update(span)
    return inside


def _tex(text: str | None) -> str:
    """Text as a BibTeX value: LaTeX and $math$ kept, special characters escaped outside math."""
    tokens = _TEX_TOKEN.findall(_one_line(text))
    math = _math_spans(tokens)
    kept = _paired(tokens, (index for index in range(len(tokens)) if index not in math))
    return "".join(
        _MATH_ESCAPES.get(token, token) if index in math
        else token if index in kept
        else _TEXT_ESCAPES.get(token, token)
        for index, token in enumerate(tokens)
    )


_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def _bib_name(name: str) -> str:
    """One name for the author list; braced when a comma or "and" would split it wrongly."""
    value = _tex(name)
    return f"{{{value}}}" if "," in name or _AND.search(name) else value


def _bibtex(stars: list[Star], tags: Mapping[str, Sequence[str]], notes: Mapping[str, str]) -> str:
    """One @misc entry per paper, as Google Scholar and arXiv's own export shape them; its tags
    as ``keywords`` (what Zotero and JabRef turn into tags), its note as ``annote``, line by line."""
    keys = _keys(stars)
    entries = []
    for star in stars:
        paper, eprint = star.paper, _arxiv_id(star)
        fields = {
            "author": " and ".join(map(_bib_name, _authors(star))),
            "title": f"{{{_tex(paper.title)}}}",  # inner braces keep capitals (ICONIC, MDM)
            "year": _year(paper.id) or "",
            "eprint": _tex(eprint),
            "archivePrefix": "arXiv" if eprint else "",
            "primaryClass": _tex(paper.category) if eprint else "",
            "url": _url(star),
            "keywords": ", ".join(_tex(tag) for tag in tags.get(paper.id, ())),
            "annote": "\n".join(_tex(line) for line in notes.get(paper.id, "").split("\n")).strip(),
        }
        lines = [f"  {name} = {{{value}}}" for name, value in fields.items() if value]
        entries.append(f"@misc{{{keys[paper.id]},\n" + ",\n".join(lines) + "\n}\n")
    return "\n".join(entries)


# --- RIS ------------------------------------------------------------------------------

def _ris_name(name: str) -> str:
    """RIS wants "Last, First"; a single word (or an already inverted name) stays as it is."""
    last, first = _split_name(name)
    return f"{last}, {first}" if first else last


def _ris(stars: list[Star], tags: Mapping[str, Sequence[str]], notes: Mapping[str, str]) -> str:
    """One GEN record per paper; every value on its RIS tag's line, no line breaks inside; the
    paper's own tags as more ``KW`` lines (Zotero and EndNote read each as a keyword), its note
    as a second ``N1`` after the TL;DR."""
    records = []
    for star in stars:
        paper = star.paper
        fields = [("TY", "GEN"), ("TI", _one_line(paper.title))]
        fields += [("AU", _ris_name(name)) for name in _authors(star)]
        fields += [
            ("PY", _year(paper.id) or ""),
            ("PB", "arXiv"),
            ("UR", _url(star)),
            ("AB", _one_line(paper.abstract)),
            ("N1", _one_line(paper.tldr)),
            ("N1", _one_line(notes.get(paper.id))),
            ("KW", _one_line(paper.category)),
            *(("KW", _one_line(tag)) for tag in tags.get(paper.id, ())),
            ("ID", _one_line(_arxiv_id(star))),
        ]
        lines = [f"{tag}  - {value}" for tag, value in fields if value]
        records.append("\n".join(lines) + "\nER  - \n")
    return "\n".join(records)


# --- Markdown -------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$~#])")


def _md(text: str | None) -> str:
    """Text shown literally by Markdown: characters that would format or link are escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _one_line(text))


def _markdown(stars: list[Star], tags: Mapping[str, Sequence[str]], notes: Mapping[str, str]) -> str:
    """A list per category (first-seen order): linked title, authors, TL;DR, tags per paper, and
    its note as a quote, line by line."""
    groups: dict[str, list[Star]] = {}
    for star in stars:
        groups.setdefault(_one_line(star.paper.category) or "Other", []).append(star)
    sections = []
    for category, members in groups.items():
        lines = [f"## {_md(category)}", ""]
        for star in members:
            url = _url(star)
            lines.append(f"- [{_md(star.paper.title)}]({url})" if url else f"- {_md(star.paper.title)}")
            if authors := _authors(star):
                lines.append(f"  *{_md(', '.join(authors))}*")
            if tldr := _md(star.paper.tldr):
                lines.append(f"  TL;DR: {tldr}")
            if paper_tags := tags.get(star.paper.id):
                lines.append(f"  Tags: {_md(', '.join(paper_tags))}")
            if note := notes.get(star.paper.id):
                lines += [f"  > {_md(line)}".rstrip() for line in note.split("\n")]
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)


# --- CSV ------------------------------------------------------------------------------

CSV_COLUMNS = ("id", "title", "authors", "category", "url", "starred", "tldr", "tags", "note")
# OWASP's list; tab and CR cannot survive _one_line but stay for a reader of the rule.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None, *, lines: bool = False) -> str:
    """One cell: one line (several ``lines`` for a note, which the csv module quotes), and never
    read as a formula by a spreadsheet (OWASP CSV injection)."""
    value = "\n".join(map(_one_line, (text or "").split("\n"))) if lines else _one_line(text)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv(stars: list[Star], tags: Mapping[str, Sequence[str]], notes: Mapping[str, str]) -> str:
    """Header and one row per paper; authors and tags joined by "; " since names may hold commas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for star in stars:
        paper = star.paper
        row = (_arxiv_id(star), paper.title, "; ".join(_authors(star)), paper.category, _url(star),
               star.starred_at[:10], paper.tldr, "; ".join(tags.get(paper.id, ())))
        writer.writerow([*map(_cell, row), _cell(notes.get(paper.id), lines=True)])
    return out.getvalue()


# --- JSON -----------------------------------------------------------------------------

def _cleaned(value: object) -> object:
    """Value with every string cleaned (paragraph breaks kept: JSON escapes them)."""
    if isinstance(value, str):
        return clean(value, multiline=True)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def _json(stars: list[Star], tags: Mapping[str, Sequence[str]], notes: Mapping[str, str]) -> str:
    """Every paper field plus when and from which digest it was starred, its tags and its note."""
    records = [
        {
            **star.paper.to_dict(),
            "starred_at": star.starred_at,
            "digest": star.digest,
            "tags": list(tags.get(star.paper.id, ())),
            "note": notes.get(star.paper.id),
        }
        for star in stars
    ]
    return json.dumps(_cleaned(records), ensure_ascii=False, indent=2) + "\n"


# --- public API -----------------------------------------------------------------------

FORMATS: dict[str, Format] = {
    "bibtex": Format("bib", _bibtex, "Zotero, JabRef, biber"),
    "ris": Format("ris", _ris, "EndNote, Mendeley, Zotero"),
    "markdown": Format("md", _markdown, "notes, grouped by category"),
    "csv": Format("csv", _csv, "spreadsheets"),
    "json": Format("json", _json, "scripts, every field"),
}


def _format(fmt: str) -> Format:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ExportError(f"unknown export format: {fmt} (use {', '.join(FORMATS)})") from None


def render(
    stars: Iterable[Star], fmt: str, tags: Mapping[str, Sequence[str]] | None = None, notes: Mapping[str, str] | None = None
) -> str:
    """The export file's text for these stars in format ``fmt`` (a key of FORMATS), with the
    papers' ``tags`` (paper id -> names) and ``notes`` (paper id -> text)."""
    return _format(fmt).render(stars, tags, notes)


def filter_stars(stars: Iterable[Star], ids: set[str]) -> list[Star]:
    """Only the stars of the given paper ids (the papers of some digests), in their order.

    By paper, not by the digest a star was taken from: a paper starred on Friday is
    still one of Saturday's papers when the weekend digest repeats it.
    """
    return [star for star in stars if star.paper.id in ids]


def default_path(fmt: str, export_dir: str | None, today: date) -> Path:
    """Where an export goes unless the user says otherwise: export_dir, else the home folder."""
    try:
        folder = user_path(export_dir) if export_dir else Path.home()
    except ValueError:  # the config refuses such a folder; a caller's own value falls back home
        folder = Path.home()
    return folder / f"digest-reader-starred-{today.isoformat()}.{_format(fmt).extension}"


STDOUT_NAMES = ("-", "/dev/stdout")
"""Output names that mean standard output (the caller writes there; :func:`write` refuses them)."""


def write(text: str, path: str | Path) -> Path:
    """Write the export atomically (temp file + rename): a failure never leaves half a file.

    A symlink is followed and its target replaced (atomically, in the target's folder), so the
    link stays a link; an existing file keeps its permissions. Only regular files are written:
    a FIFO, a device or a socket is refused, untouched. A read-only file is refused even though
    rename could replace it, since that is what the user asked for by making it read-only.
    Returns the file written (the link's target for a link).
    """
    shown = clean(str(path))
    try:
        if not str(path).strip():
            raise ExportError("the output path is empty")
        if str(path) in STDOUT_NAMES:
            raise ExportError(f"{shown} is standard output: print the export instead of writing a file")
        target = Path(os.path.realpath(user_path(path)))
        try:
            info = os.stat(target)
        except FileNotFoundError:
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise ExportError(f"{shown} is a directory")
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise ExportError(f"{shown} is {file_kind(info.st_mode)}, not a regular file; nothing was written (use -o - for standard output)")
        if not target.parent.is_dir():
            raise ExportError(f"folder does not exist: {clean(str(target.parent))}")
        if info is not None and not os.access(target, os.W_OK):
            raise ExportError(f"permission denied: {shown}")
    except ValueError as error:
        raise ExportError(clean(str(error))) from None
    except OSError as error:  # a name too long, a loop of links
        raise ExportError(f"cannot write {shown}: {clean(error.strerror or str(error))}") from None
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temp, "xb") as file:  # "x": plain open() permissions, never someone else's file
            if info is not None:
                os.fchmod(file.fileno(), stat.S_IMODE(info.st_mode))  # the file keeps its mode
            # "replace": lone surrogates from a damaged state file must not abort the export.
            file.write(text.encode("utf-8", "replace"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except PermissionError as error:
        raise ExportError(f"permission denied: {shown}") from error
    except OSError as error:
        raise ExportError(f"cannot write {shown}: {clean(error.strerror or str(error))}") from error
    finally:
        with suppress(OSError):
            temp.unlink(missing_ok=True)
    return target

