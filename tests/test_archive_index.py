"""The archive index (SQLite + FTS5): warm starts read no file, a changed file is read again, a
corrupt or foreign cache is replaced, two instances share it, search finds what the in-memory
search finds, and the text not kept in memory comes back when a paper is shown or starred."""

from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from archive_support import week, write_day
from app_support import CORPUS
from reader.core.archive import loading
from reader.core.archive.days import DaySource
from reader.core.archive.index import ArchiveIndex
from reader.core.archive.loading import ArchiveLoader, load_archive
from reader.core.config import Config
from reader.core.latex import to_unicode
from reader.core.saved import search_scope
from reader.core.search import SearchIndex, fold, parse_query
from reader.core.session import PaperIndex, ReadingSession
from reader.core.store import MarkStore


def indexed(folder, cache):
    """The archive of ``folder`` as the app reads it with the index at ``cache``, and how many files were parsed."""
    updates, parsed = [], []
    real = loading.read_day

    def counting(day):
        parsed.append(day.path.name)
        return real(day)

    loading.read_day = counting
    try:
        loader = ArchiveLoader(DaySource([folder]), updates.append, index=ArchiveIndex(cache))
        loader._run(loader._next(), False)
    finally:
        loading.read_day = real
    return updates[-1].digest, parsed


def test_the_index_keeps_the_list_in_memory_and_the_text_on_disk(tmp_path):
    folder = week(tmp_path / "days")
    archive, parsed = indexed(folder, tmp_path / "index.sqlite3")
    assert len(parsed) == 4
    whole = load_archive(DaySource([folder]))
    assert [paper.id for paper in archive.papers] == [paper.id for paper in whole.papers]
    assert archive.days_of == whole.days_of and [day.error for day in archive.days] == [day.error for day in whole.days]
    light = archive.papers[0]
    assert light.abstract is None and light.tldr is None and light.title == "Paper number 1"
    assert archive.full(light) == next(paper for paper in whole.papers if paper.id == light.id), "the richest copy, whole"
    assert {name: [p.id for p in papers] for name, papers in archive.days[0].sections.items()} == {name: [p.id for p in papers] for name, papers in whole.days[0].sections.items()}


def test_a_warm_start_reads_no_file_and_a_changed_one_is_read_again(tmp_path):
    folder, cache = week(tmp_path / "days"), tmp_path / "index.sqlite3"
    indexed(folder, cache)
    assert indexed(folder, cache)[1] == [], "every day from the index"
    write_day(folder, "2026-11-24", [(1, "cs.CV"), (70, "cs.CV")])
    archive, parsed = indexed(folder, cache)
    assert parsed == ["2026-11-24.md"] and "2601.00070" in archive.days_of and "2601.00011" not in archive.days_of
    same = (folder / "2026-11-25.md").read_bytes()
    (folder / "2026-11-25.md").write_bytes(same)  # a new mtime (a fresh clone), the same bytes
    assert indexed(folder, cache)[1] == [], "same bytes: the hash says it is the same day"


def test_days_deleted_or_renamed_leave_the_cache_and_other_folders_days_stay(tmp_path):
    folder, other, cache = week(tmp_path / "days"), week(tmp_path / "other"), tmp_path / "index.sqlite3"
    indexed(folder, cache)
    indexed(other, cache)
    files = lambda: {path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] for (path,) in ArchiveIndex(cache).db.execute("SELECT path FROM files")}  # noqa: E731
    assert len(files()) == 8
    (folder / "2026-11-24.md").rename(folder / "2026-11-24.md.bak")  # renamed: no longer a day
    archive, _ = indexed(folder, cache)
    assert "days/2026-11-24.md" not in files() and "other/2026-11-24.md" in files() and len(files()) == 7
    copies = ArchiveIndex(cache).db.execute("SELECT count(*) FROM copies WHERE file NOT IN (SELECT id FROM files)").fetchone()[0]
    assert copies == 0, "no copy of a forgotten day is left behind"
    assert ArchiveIndex(cache).containing(fold("paper number")) >= {paper.id for paper in archive.papers}


@pytest.mark.parametrize("garbage", [b"this is not a database at all" * 100, b""], ids=["corrupt", "empty"])
def test_a_corrupt_cache_is_rebuilt(tmp_path, garbage):
    folder, cache = week(tmp_path / "days"), tmp_path / "index.sqlite3"
    cache.write_bytes(garbage)
    archive, parsed = indexed(folder, cache)
    assert len(parsed) == 4 and len(archive.papers) == 7


def test_a_foreign_database_is_replaced_and_said(tmp_path):
    cache = tmp_path / "index.sqlite3"
    with sqlite3.connect(cache) as other:
        other.execute("CREATE TABLE theirs(x)")
    index = ArchiveIndex(cache)
    assert index.db.execute("SELECT count(*) FROM files").fetchone() == (0,)
    assert "not our cache" in index.rebuilt


def test_a_deleted_cache_is_rebuilt(tmp_path):
    folder, cache = week(tmp_path / "days"), tmp_path / "cache" / "index.sqlite3"
    indexed(folder, cache)
    shutil.rmtree(cache.parent)
    assert len(indexed(folder, cache)[1]) == 4


def test_two_processes_build_and_share_one_index(tmp_path):
    """Two readers started at once on one folder (two terminals after the morning pull)."""
    import os
    import subprocess
    import sys

    folder, cache = week(tmp_path / "days"), tmp_path / "index.sqlite3"
    env = {**os.environ, "DIGEST_READER_CACHE": str(cache), "DIGEST_READER_STATE": str(tmp_path / "state.toml")}
    runs = [subprocess.Popen([sys.executable, "-m", "reader", "--dump", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    assert outputs[0][0] == outputs[1][0] and outputs[0][0].count("\n") == len(load_archive(DaySource([folder])).papers)
    paths = [path for (path,) in ArchiveIndex(cache).db.execute("SELECT path FROM files")]
    assert sorted(paths) == sorted(set(paths)) and len(paths) == 4, "each day once"


def test_two_instances_share_the_index(tmp_path):
    folder, cache = week(tmp_path / "days"), tmp_path / "index.sqlite3"
    results, errors = [], []

    def instance():
        try:
            results.append(indexed(folder, cache)[0])
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    threads = [threading.Thread(target=instance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and [len(archive.papers) for archive in results] == [7, 7]
    assert sqlite3.connect(cache).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert sqlite3.connect(cache).execute("SELECT count(*) FROM files").fetchone() == (4,), "one row per file, not two"


@pytest.mark.parametrize("words", ["model", "视觉", "OOD -cat:cs.CV", "author:chen", "\"large language\"", "ab", "müller"])
def test_search_over_the_index_finds_what_the_memory_search_finds(tmp_path, words):
    folder = tmp_path / "days"
    folder.mkdir()
    for name in ("dw-dengwei__daily-arXiv-ai-enhanced__2025-07-15.md", "dw-dengwei__daily-arXiv-ai-enhanced__2026-06-02.md", "today.md"):
        shutil.copy(CORPUS / name, folder / name)
    archive, _ = indexed(folder, tmp_path / "index.sqlite3")
    whole = load_archive(DaySource([folder]))
    query = parse_query(words)
    no = lambda *_: False  # noqa: E731
    found = PaperIndex.build(archive.papers, archive.index).index.filter(query, is_read=no, is_starred=no)
    expected = SearchIndex(whole.papers).filter(query, is_read=no, is_starred=no)
    if words == "ab":  # one or two characters: titles and authors only
        expected = [i for i in expected if "ab" in fold(to_unicode(whole.papers[i].title)) or "ab" in fold(" ".join(whole.papers[i].authors))]
    assert [archive.papers[i].id for i in found] == [whole.papers[i].id for i in expected]
    assert found, "the query finds something"


def test_a_starred_paper_keeps_its_whole_text(tmp_path):
    archive, _ = indexed(week(tmp_path / "days"), tmp_path / "index.sqlite3")
    session = ReadingSession(MarkStore.open(tmp_path / "state.toml"), Config(), archive)
    light = session.visible()[0]
    session.toggle_star(light)
    assert session.store.stars()[0].paper.abstract == "The abstract of paper 1."
    assert session.full(light).motivation == "Why paper 1."


def test_search_scans_the_stored_text_until_the_full_text_pass_is_done(tmp_path):
    folder = tmp_path / "days"
    folder.mkdir()
    shutil.copy(CORPUS / "today.md", folder / "2026-11-30.md")
    write_day(folder, "2026-11-29", [(1, "cs.CV")])
    index = ArchiveIndex(tmp_path / "index.sqlite3")
    for day in DaySource([folder]).scan():
        index.store(day, loading.read_day(day), lambda paper: 0)
    scanned = index.containing("ood")
    assert scanned and index.db.execute("SELECT count(*) FROM files WHERE searchable = 0").fetchone() == (2,)
    assert index.make_searchable() == 2 and index.make_searchable() == 0
    assert index.containing("ood") == scanned, "the trigram index finds what the scan found"
    assert index.containing("*ood") == set() and index.containing("[x]") == set(), "GLOB characters are plain text"


def test_dump_of_a_folder_reads_through_the_index_and_a_cache_that_cannot_be_made_is_no_error(tmp_path, monkeypatch, capsys):
    import json

    from reader.cli import main

    folder = week(tmp_path / "days")
    monkeypatch.setenv("DIGEST_READER_CACHE", str(tmp_path / "cache" / "index.sqlite3"))
    assert main(["--dump", str(folder), "--state", str(tmp_path / "s.toml")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["motivation"] == "Why paper 1." and rows[0]["days"] == ["2026-11-25", "2026-11-24", "2026-11-23"]
    assert (tmp_path / "cache" / "index.sqlite3").exists()
    (tmp_path / "file").write_text("a file where the cache folder should be")
    monkeypatch.setenv("DIGEST_READER_CACHE", str(tmp_path / "file" / "index.sqlite3"))
    assert main(["--dump", str(folder), "--state", str(tmp_path / "s.toml")]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == rows


def test_saved_searches_of_an_archive_search_the_text_in_its_index(tmp_path):
    archive, _ = indexed(week(tmp_path / "days"), tmp_path / "index.sqlite3")
    assert archive.papers[0].abstract is None, "the papers in memory are light"
    session = ReadingSession(MarkStore.open(None), Config(searches={"abstracts": '"the abstract of paper"'}), archive)
    assert session.saved_papers("abstracts") == archive.papers


def test_a_search_within_a_saved_search_reads_the_text_in_the_index(tmp_path):
    archive, _ = indexed(week(tmp_path / "days"), tmp_path / "index.sqlite3")
    session = ReadingSession(MarkStore.open(None), Config(searches={"cv": "cat:cs.CV"}), archive)
    session.install_index(PaperIndex.build(archive.papers, archive.index))
    assert session.select(search_scope("cv"))
    session.set_query(parse_query('"the abstract of paper"'))
    assert session.visible() and len(session.visible()) == len(session.saved_papers("cv"))


def test_the_copy_in_full_is_the_newest_of_the_richest_as_the_list_has_it(tmp_path):
    folder, cache = tmp_path / "days", tmp_path / "index.sqlite3"
    folder.mkdir()
    write_day(folder, "2026-11-24", [(1, "cs.CV")])
    newer = write_day(folder, "2026-11-25", [(1, "cs.CV")])
    newer.write_text(newer.read_text("utf-8").replace("[Paper number 1]", "[Paper number 1 revised]"), "utf-8")
    archive, _ = indexed(folder, cache)
    (listed,) = archive.papers
    assert listed.title == "Paper number 1 revised" == archive.full(listed).title


def test_a_note_saves_the_whole_paper_and_recounts_the_saved_searches(tmp_path):
    archive, _ = indexed(week(tmp_path / "days"), tmp_path / "index.sqlite3")
    session = ReadingSession(MarkStore.open(None), Config(searches={"noted": "has:note"}), archive)
    assert next(count for count in session.counts() if count.key == search_scope("noted")).total == 0
    light = session.visible()[0]
    session.set_note(light, "why it matters")
    assert session.store.noted()[0].paper.abstract == "The abstract of paper 1."
    assert next(count for count in session.counts() if count.key == search_scope("noted")).total == 1
