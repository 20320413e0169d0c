"""The archive's index: a SQLite cache of every day's papers, so a year opens without parsing
350 MB and keeps only what the list needs in memory.

One row per paper of each day file (``copies``): its list fields (``light``, JSON), the rest
of its text (``full``, JSON) and its folded text for search, indexed by FTS5 with the
``trigram`` tokenizer (substring search, right for Chinese, Japanese and Korean too). A file's
rows are rebuilt when its size or mtime changed and its SHA-256 too. The cache is disposable:
deleting it costs a rebuild; a corrupt or foreign file is replaced, never fatal. Several
readers share it (WAL, a busy timeout); every thread gets its own connection.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.core.archive.days import DayFile
from reader.core.model import RELEVANCE_LABELS, SUMMARY_FIELDS, TRANSLATED_TITLE_LABELS, Digest, Paper, Section
from reader.core.search import content_fields, fold

APPLICATION_ID = 0x64724958
"""``PRAGMA application_id`` of our cache ("drIX"): another program's database is not ours."""
SCHEMA = 2
"""``PRAGMA user_version``: a cache of another schema is rebuilt."""
BUSY_MS = 10_000
"""How long a write waits for another instance's (a day's rows take milliseconds)."""
LIST_FIELDS = ("title", "version", "url", "authors", "category", "categories", "pdf")
"""What the list needs of a paper: kept in memory (with the fields a row shows, see ``ROW_EXTRA``)."""
ROW_EXTRA = RELEVANCE_LABELS | TRANSLATED_TITLE_LABELS
"""Fork fields the list row shows (a relevance score, a translated title): kept in memory too."""

_TABLES = """
CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime_ns INTEGER,
                   sha TEXT, date TEXT, name TEXT, error TEXT, warnings TEXT, searchable INTEGER NOT NULL DEFAULT 0);
CREATE TABLE copies(rowid INTEGER PRIMARY KEY, file INTEGER NOT NULL, pos INTEGER, id TEXT NOT NULL,
                    richness INTEGER, light TEXT NOT NULL, full TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX copies_by_file ON copies(file, pos);
CREATE INDEX copies_by_id ON copies(id, richness);
CREATE TABLE entries(file INTEGER NOT NULL, pos INTEGER, section TEXT, copy INTEGER);
CREATE INDEX entries_by_file ON entries(file, pos);
CREATE VIRTUAL TABLE texts USING fts5(text, content='copies', content_rowid='rowid', tokenize='trigram', detail=none);
INSERT INTO texts(texts, rank) VALUES('automerge', 16);
INSERT INTO texts(texts, rank) VALUES('crisismerge', 64);
"""
CACHE_KIB = 16_000
"""SQLite's page cache per connection: enough for a day's writes, small beside the papers."""


class NotOurs(Exception):
    """The file is a database, but not our cache of this schema."""


@dataclass(frozen=True, slots=True)
class IndexedDay:
    """A day as the index gives it: its papers with list fields only, and how rich each copy is."""

    digest: Digest | str
    """The light digest, or the day's one-line error."""
    ranks: dict[str, int]


def light_of(paper: Paper) -> Paper:
    """The paper as the list needs it: no summary, no abstract, only the fork fields a row shows."""
    return Paper(
        paper.id, paper.title, paper.version, paper.url, paper.authors, paper.category,
        extra=tuple((label, value) for label, value in paper.extra if label.casefold() in ROW_EXTRA),
        categories=paper.categories, pdf=paper.pdf,
    )


def _light_json(paper: Paper) -> str:
    light = light_of(paper)
    return json.dumps([light.title, light.version, light.url, list(light.authors), light.category, list(light.categories), light.pdf, light.extra], ensure_ascii=False)


def _paper_from(paper_id: str, light: str, full: str | None = None) -> Paper:
    title, version, url, authors, category, categories, pdf, extra = json.loads(light)
    fields = json.loads(full) if full is not None else {}
    return Paper(  # names repeat across 100,000 papers: one string each
        paper_id, title, version, url, tuple(map(sys.intern, authors)), category and sys.intern(category),
        **{name: fields.get(name) for name in (*SUMMARY_FIELDS, "abstract")},
        extra=tuple(tuple(pair) for pair in fields.get("extra", extra)),
        categories=tuple(map(sys.intern, categories)), pdf=pdf,
    )


def file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _drop_file(db: sqlite3.Connection, file_id: int, searchable: int) -> None:
    """Delete a day file's rows (its copies' full text too), in the caller's transaction."""
    if searchable:
        db.execute("INSERT INTO texts(texts, rowid, text) SELECT 'delete', rowid, text FROM copies WHERE file = ?", (file_id,))
    for table in ("copies", "entries"):
        db.execute(f"DELETE FROM {table} WHERE file = ?", (file_id,))
    db.execute("DELETE FROM files WHERE id = ?", (file_id,))


def default_path() -> Path:
    """``index.sqlite3`` in the platformdirs cache folder (``$DIGEST_READER_CACHE`` names another file)."""
    from platformdirs import user_cache_dir

    chosen = os.environ.get("DIGEST_READER_CACHE")
    return Path(chosen).expanduser() if chosen else Path(user_cache_dir("digest-reader")) / "index.sqlite3"


class ArchiveIndex:
    """The cache at ``path``, opened (and made, or made again) on first use in each thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._setup = threading.Lock()
        self.rebuilt: str | None = None
        """Why the cache file was replaced (corrupt, foreign, old schema), for the user; None if it was not."""

    # -- connections -------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            with self._setup:
                db = self._local.db = self._connect()
        return db

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._checked(sqlite3.connect(self.path, timeout=BUSY_MS / 1000, check_same_thread=False, isolation_level=None))
        except (sqlite3.DatabaseError, NotOurs) as error:
            self.rebuilt = f"{self.path} was replaced ({'not our cache' if isinstance(error, NotOurs) else error})"
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{self.path}{suffix}")
            return self._checked(sqlite3.connect(self.path, timeout=BUSY_MS / 1000, check_same_thread=False, isolation_level=None))

    @staticmethod
    def _checked(db: sqlite3.Connection) -> sqlite3.Connection:
        """WAL and a busy timeout; our tables made in an empty file; NotOurs for another file."""
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            app, version = db.execute("PRAGMA application_id").fetchone()[0], db.execute("PRAGMA user_version").fetchone()[0]
            if app == 0 and version == 0 and not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                db.execute("BEGIN IMMEDIATE")
                if not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:  # another instance may have made it
                    for statement in _TABLES.split(";\n"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {SCHEMA}")
                db.execute("COMMIT")
                app, version = APPLICATION_ID, SCHEMA
            if (app, version) != (APPLICATION_ID, SCHEMA):
                raise NotOurs
            db.execute("SELECT count(*) FROM files").fetchone()
            return db
        except BaseException:
            db.close()
            raise

    # -- days ----------------------------------------------------------------------------

    def day(self, day: DayFile) -> IndexedDay | None:
        """The day as indexed, if its file has not changed since (same size and mtime, or the same bytes)."""
        row = self.db.execute("SELECT id, size, mtime_ns, sha FROM files WHERE path = ?", (os.fspath(day.path),)).fetchone()
        if row is None:
            return None
        file_id, size, mtime_ns, sha = row
        if (size, mtime_ns) != day.version:
            try:
                if file_sha(day.path) != sha:
                    return None
            except OSError:
                return None
            self.db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?", (day.size, day.mtime_ns, file_id))
        return self._read_day(file_id)

    def _read_day(self, file_id: int) -> IndexedDay:
        name, date, error, warnings = self.db.execute("SELECT name, date, error, warnings FROM files WHERE id = ?", (file_id,)).fetchone()
        if error is not None:
            return IndexedDay(error, {})
        papers, by_row, ranks = [], {}, {}
        for row, paper_id, richness, light in self.db.execute("SELECT rowid, id, richness, light FROM copies WHERE file = ? ORDER BY pos", (file_id,)):
            paper = by_row[row] = _paper_from(paper_id, light)
            papers.append(paper)
            ranks[paper_id] = richness
        digest = Digest(name=name, date=date, papers=papers, warnings=json.loads(warnings))
        sections: dict[str, dict[int, Paper]] = {}
        for section, row in self.db.execute("SELECT section, copy FROM entries WHERE file = ? ORDER BY pos", (file_id,)):
            digest.entries.append((section, by_row[row]))
            sections.setdefault(section, {}).setdefault(row, by_row[row])
        digest.sections = [Section(name, list(papers.values())) for name, papers in sections.items()]
        return IndexedDay(digest, ranks)

    def store(self, day: DayFile, parsed: Digest | str, rank) -> IndexedDay:
        """Index a day just read (its Digest, or its error) in place of what the file held before."""
        sha = file_sha(day.path)
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            old = db.execute("SELECT id, searchable FROM files WHERE path = ?", (os.fspath(day.path),)).fetchone()
            if old is not None:
                _drop_file(db, *old)
            error = parsed if isinstance(parsed, str) else None
            digest = parsed if isinstance(parsed, Digest) else Digest(name=day.path.name)
            file_id = db.execute(
                "INSERT INTO files(path, size, mtime_ns, sha, date, name, error, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (os.fspath(day.path), day.size, day.mtime_ns, sha, digest.date, digest.name, error, json.dumps(digest.warnings)),
            ).lastrowid
            rows: dict[str, int] = {}
            for position, paper in enumerate(digest.papers):
                full = {name: getattr(paper, name) for name in (*SUMMARY_FIELDS, "abstract")} | {"extra": paper.extra}
                text = "\n".join(fold(field) for field in (*content_fields(paper), *paper.authors))
                rows[paper.id] = db.execute(
                    "INSERT INTO copies(file, pos, id, richness, light, full, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (file_id, position, paper.id, rank(paper), _light_json(paper), json.dumps(full, ensure_ascii=False), text),
                ).lastrowid
            db.executemany(
                "INSERT INTO entries(file, pos, section, copy) VALUES (?, ?, ?, ?)",
                [(file_id, position, section, rows[paper.id]) for position, (section, paper) in enumerate(digest.entries)],
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return self._read_day(file_id)

    def forget_missing(self) -> int:
        """Drop the rows of day files that are gone (deleted, renamed, a folder moved), which
        no archive can show again; returns how many files were dropped. A file of another
        archive that still exists stays: several folders share one cache."""
        db = self.db
        gone = [row for row in db.execute("SELECT id, path, searchable FROM files") if not os.path.exists(row[1])]
        for file_id, _, searchable in gone:
            db.execute("BEGIN IMMEDIATE")
            try:
                _drop_file(db, file_id, searchable)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return len(gone)

    def make_searchable(self, keep_going=lambda: True) -> int:
        """Put the text of days stored since into the full-text index, a day per transaction
        (a second pass, so every day is readable first); returns how many days it indexed."""
        db, done = self.db, 0
        while keep_going():
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT id FROM files WHERE searchable = 0 LIMIT 1").fetchone()
                if row is not None:
                    db.execute("INSERT INTO texts(rowid, text) SELECT rowid, text FROM copies WHERE file = ?", row)
                    db.execute("UPDATE files SET searchable = 1 WHERE id = ?", row)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            if row is None:
                break
            done += 1
        return done

    # -- papers --------------------------------------------------------------------------

    def full(self, paper: Paper) -> Paper:
        """The richest indexed copy of ``paper`` with all its text (the paper itself if none is indexed)."""
        try:
            row = self.db.execute(  # the newest of the richest copies, as the archive's merge keeps
                "SELECT c.light, c.full FROM copies c JOIN files f ON f.id = c.file WHERE c.id = ?"
                " ORDER BY c.richness DESC, f.date DESC, c.file DESC LIMIT 1",
                (paper.id,),
            ).fetchone()
        except (sqlite3.Error, OSError):  # a cache that cannot be read: the paper as the list has it
            return paper
        return _paper_from(paper.id, *row) if row is not None else paper

    def containing(self, value: str) -> set[str]:
        """The ids of the papers whose folded text contains ``value`` (folded): the trigram index
        from three characters on, once every day is in it; else a scan of the stored text."""
        if len(value) >= 3 and self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM files WHERE searchable = 0)").fetchone()[0]:
            pattern = "*" + "".join(f"[{char}]" if char in "*?[" else char for char in value) + "*"
            rows: Iterable = self.db.execute("SELECT c.id FROM texts JOIN copies c ON c.rowid = texts.rowid WHERE texts.text GLOB ?", (pattern,))
        else:
            rows = self.db.execute("SELECT id FROM copies WHERE instr(text, ?) > 0", (value,))
        return {paper_id for (paper_id,) in rows}
