"""The inbox of many days, without a terminal: days, merge, sidebar scopes, loader, --dump."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from archive_support import week, write_day
from app_support import CORPUS
from reader.cli import main
from reader.core.archive.days import DayFile, DaySource
from reader.core.archive.inbox import DAY, Archive, merge
from reader.core.archive.library import INBOX
from reader.core.archive.days import open_paths
from reader.core.archive.loading import ArchiveLoader, load_archive
from reader.core.config import Config
from reader.core.library import ALL, STARRED
from reader.core.loading import LoadUpdate
from reader.core.model import Digest, DigestError, Paper, Section
from reader.core.session import ReadingSession
from reader.core.store import MarkStore


@pytest.fixture
def archive(tmp_path) -> Archive:
    return load_archive(DaySource([week(tmp_path / "days")]))


def session_of(tmp_path, digest: Digest) -> ReadingSession:
    return ReadingSession(MarkStore.open(tmp_path / "state.toml"), Config(mark_read="manual"), digest)


def counts(session: ReadingSession) -> dict[str, tuple[int, int]]:
    return {count.key: (count.unread, count.total) for count in session.counts()}


def test_a_paper_on_three_days_counts_once_and_lists_its_days(archive):
    ids = [paper.id for paper in archive.papers]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 7
    assert archive.days_of["2601.00001"] == ("2026-11-25", "2026-11-24", "2026-11-23")
    kept = next(paper for paper in archive.papers if paper.id == "2601.00001")
    assert kept.motivation == "Why paper 1.", "the richest copy wins"
    assert [paper.id for paper in archive.days[0].papers][0] == "2601.00001", "each day lists the kept copy"
    assert archive.days[0].papers[0] is kept
    assert ids[:4] == ["2601.00001", "2601.00012", "2601.00003", "2601.00013"], "newest day first, in file order"


def test_a_damaged_day_is_listed_with_its_error_and_skipped(archive):
    assert [day.date for day in archive.days] == ["2026-11-25", "2026-11-24", "2026-11-23", "2026-11-22"]
    damaged = archive.days[-1]
    assert damaged.papers == [] and "binary" in damaged.error
    assert any(warning.startswith("Sun 22 Nov: ") for warning in archive.warnings)


def test_a_cross_listed_paper_is_under_each_of_its_categories(archive):
    newest = archive.days[0]
    assert [paper.id for paper in newest.sections["cs.LG"]] == ["2601.00013", "2601.00012"]
    assert "2601.00012" in [paper.id for paper in newest.sections["cs.CV"]]


def test_counts_follow_the_scope_a_day_or_every_day(tmp_path, archive):
    session = session_of(tmp_path, archive)
    assert session.scope == INBOX
    session.mark_read(["2601.00001"], True)
    seen = counts(session)
    assert seen[INBOX] == (6, 6), "the Inbox counts the unread papers"
    assert seen[DAY + "2026-11-25"] == (3, 4) and seen[DAY + "2026-11-23"] == (2, 3)
    assert seen[ALL] == (6, 7) and seen["cs.CV"] == (2, 3) and seen["cs.LG"] == (2, 2)
    assert session.select(DAY + "2026-11-23")
    seen = counts(session)
    assert seen[ALL] == (2, 3) and seen["cs.CV"] == (1, 2) and seen["cs.LG"] == (0, 0), "categories of that day"
    assert session.counts()[1 + 2].label == "› Mon 23 Nov", "the day the categories are of is marked"
    session.select("cs.CV")
    assert [paper.id for paper in session.visible()] == ["2601.00001", "2601.00002"]
    session.select(INBOX)
    assert counts(session)["cs.CV"] == (2, 3), "the Inbox counts every day again"
    assert "2601.00001" not in [paper.id for paper in session.visible()], "the Inbox lists unread papers"


def test_a_paper_read_in_the_inbox_stays_until_it_is_entered_again(tmp_path, archive):
    session = session_of(tmp_path, archive)
    first = session.visible()[0]
    session.toggle_read(first)
    assert session.visible()[0] is first, "a refresh (a new day arriving) does not pull it from under the cursor"
    session.select(ALL)
    session.select(INBOX)
    assert first not in session.visible()


def test_brackets_go_to_the_older_and_newer_day(tmp_path, archive):
    session = session_of(tmp_path, archive)
    assert session.step_day(1) is None, "nothing newer than every day"
    assert session.step_day(-1) == DAY + "2026-11-25"
    session.select(DAY + "2026-11-25")
    assert session.step_day(-1) == DAY + "2026-11-24"
    session.select(DAY + "2026-11-24")
    session.select("cs.CL")
    assert session.step_day(-1) == "cs.CL", "a category stays, on the older day"
    assert [paper.id for paper in session.visible()] == ["2601.00010"]
    session.select(DAY + "2026-11-22")
    assert session.step_day(-1) is None
    assert session.empty_message().startswith("This day could not be read: ")


def test_next_unread_walks_on_through_the_days(tmp_path, archive):
    session = session_of(tmp_path, archive)
    session.select(DAY + "2026-11-25")
    papers = session.visible()
    assert session.next_unread(papers, len(papers) - 1, 1) == (DAY + "2026-11-24", "2601.00001")
    session.select(INBOX)
    inbox = session.visible()
    assert session.next_unread(inbox, 3, 1) == (INBOX, inbox[4].id), "the Inbox walks across days in one list"


def test_the_header_says_what_is_new_since_last_time(tmp_path):
    folder = week(tmp_path / "days")
    session = session_of(tmp_path, load_archive(DaySource([folder])))
    session.open_archive(datetime(2026, 11, 25, 9, 0))
    assert "new since" not in session.header(7)[1], "a first opening has no last time"
    assert session.header(7)[1].startswith("7 papers (4 repeats merged)  ·  7 unread  ·  4 days")
    write_day(folder, "2026-11-26", [(1, "cs.CV"), (20, "cs.CV"), (21, "cs.CL")])
    session.set_digest(load_archive(DaySource([folder])))
    session.open_archive(datetime(2026, 11, 26, 8, 0))
    assert session.header(9)[1].endswith("5 days  ·  2 new since Wed 25 Nov"), "paper 1 is not new"
    session.store.close()
    again = session_of(tmp_path, load_archive(DaySource([folder])))
    again.open_archive(datetime(2026, 11, 27, 8, 0))
    assert "0 new since Thu 26 Nov" in again.header(9)[1], "remembered in the state"


def test_one_digest_still_looks_as_it_did(tmp_path):
    opened = open_paths([CORPUS / "today.md"])
    session = session_of(tmp_path, opened)
    assert session.scope == ALL and INBOX not in session.library.keys
    assert session.step_day(-1) is None and session.days_of(opened.papers[0]) == ()
    folder = tmp_path / "one"
    folder.mkdir()
    write_day(folder, "2026-11-25", [(1, "cs.CV")])
    assert isinstance(open_paths([folder]), Digest) and not isinstance(open_paths([folder]), Archive), "one day: no inbox"


def test_days_come_from_folders_several_paths_and_globs(tmp_path):
    folder = week(tmp_path / "days")
    (folder / "README.md").write_text("not a digest")
    undated = folder / "notes.md"
    write_day(folder, "2026-11-20", [(30, "cs.CV")]).rename(undated)
    os.utime(undated, (datetime(2026, 11, 19, 12).timestamp(),) * 2)
    assert [day.date for day in DaySource([folder]).scan()][-1] == "2026-11-19", "a date from the mtime"
    chosen = DaySource([folder / "2026-11-25.md", folder / "2026-11-23.md"]).scan()
    assert [day.date for day in chosen] == ["2026-11-25", "2026-11-23"]
    assert [day.date for day in DaySource([folder / "2026-11-2[45].md"]).scan()] == ["2026-11-25", "2026-11-24"]
    assert DaySource([folder / "2026-11-2*.md"]).folders == [folder]
    with pytest.raises(DigestError, match="no digest .* matches"):
        DaySource([folder / "1999-*.md"]).scan()
    with pytest.raises(DigestError, match="no such file or directory"):
        DaySource([folder / "missing"]).scan()


def test_the_corpus_as_one_folder(tmp_path):
    archive = load_archive(DaySource([CORPUS]))
    assert len(archive.days) == 16 and all(day.error is None for day in archive.days)
    ids = [paper.id for paper in archive.papers]
    assert len(ids) == len(set(ids)) == sum(1 for _ in archive.days_of)
    assert sum(len(day.papers) for day in archive.days) > len(ids), "papers repeated across days counted once"
    session = session_of(tmp_path, archive)
    assert counts(session)[INBOX] == (len(ids), len(ids))
    assert session.counts()[-1].key == STARRED


def test_the_loader_reads_the_newest_day_first_and_again_only_what_changed(tmp_path):
    folder = week(tmp_path / "days")
    updates: list[LoadUpdate] = []
    loader = ArchiveLoader(DaySource([folder]), updates.append, refresh_seconds=3600)
    loader.shown.set()  # no app draws here
    listing = loader.listing()
    assert [day.pending for day in listing.days] == [True] * 4 and listing.papers == []
    loader._run(loader._next(), True)
    first, last = updates
    assert not first.done and [day.pending for day in first.digest.days] == [False, True, True, True]
    assert last.done and len(last.digest.papers) == 7
    before = {path.name: known[1] for path, known in loader._read.items()}
    write_day(folder, "2026-11-24", [(1, "cs.CV"), (40, "cs.CV")])
    write_day(folder, "2026-11-26", [(41, "cs.CV")])
    loader.refresh()
    latest = updates[-1].digest
    assert [day.date for day in latest.days][:2] == ["2026-11-26", "2026-11-25"]
    assert loader._read[folder / "2026-11-23.md"][1] is before["2026-11-23.md"], "an unchanged day is not read again"
    assert loader._read[folder / "2026-11-24.md"][1] is not before["2026-11-24.md"]
    assert "2601.00040" in latest.days_of and "2601.00011" not in latest.days_of, "the changed day read again"


def test_dump_of_a_folder_gives_each_paper_once_with_its_days(tmp_path, capsys):
    folder = week(tmp_path / "days")
    assert main(["--dump", str(folder), "--state", str(tmp_path / "s.toml")]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert len(rows) == 7 and list(rows[0])[-1] == "days"
    assert rows[0]["id"] == "2601.00001" and rows[0]["days"] == ["2026-11-25", "2026-11-24", "2026-11-23"]
    assert "Sun 22 Nov" in captured.err, "the damaged day is said on stderr"


def test_dump_of_the_corpus_folder_is_every_day(tmp_path, capsys):
    assert main(["--dump", str(CORPUS), "--state", str(tmp_path / "s.toml")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len({row["id"] for row in rows}) > 532
    assert max(len(row["days"]) for row in rows) == 2


def test_dump_reads_standard_input(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((CORPUS / "today.md").read_bytes())))
    assert main(["--dump", "-", "--state", str(tmp_path / "s.toml")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 128


def test_the_config_names_the_folder_of_digests_and_a_missing_one_opens_the_sample(tmp_path, monkeypatch):
    from pathlib import Path

    from reader.core.config import load_config

    config = tmp_path / "config.toml"
    config.write_text('digests = "~/arxiv/data"\n', encoding="utf-8")
    assert load_config(config).digests == str(Path.home() / "arxiv" / "data")
    config.write_text(f'digests = "{tmp_path / "nowhere"}"\n', encoding="utf-8")
    opened = {}

    class Recorder:  # stands in for the app: what the command would open
        return_code = 0

        def __init__(self, **options) -> None:
            opened.update(options)

        def run(self) -> None:
            pass

    monkeypatch.setattr("reader.tui.app.DigestReader", Recorder)
    monkeypatch.setenv("TEXTUAL_DRIVER", "recorded")  # no terminal needed: nothing is drawn
    assert main(["--state", str(tmp_path / "state.toml"), "--config", str(config)]) == 0
    assert opened["sample"] and opened["days"] is None
    assert any("no such folder; the bundled sample opens" in warning for warning in opened["config"].warnings)


def test_the_header_shows_the_progress_of_a_first_read(tmp_path):
    folder = week(tmp_path / "days")
    updates = []
    loader = ArchiveLoader(DaySource([folder]), updates.append, refresh_seconds=3600)
    loader.shown.set()  # no app draws here
    loader._run(loader._next(), True)
    session = session_of(tmp_path, updates[0].digest)
    assert "▰▰▱▱▱▱▱▱ 1/4 days read  ·  4 days" in session.header(4)[1]
    session.set_digest(updates[-1].digest)
    assert "days read" not in session.header(7)[1]


def test_a_day_file_carries_the_size_and_time_that_tell_a_change(tmp_path):
    path = write_day(tmp_path, "2026-11-23", [(1, "cs.CV")])
    os.utime(path, ns=(1_700_000_000_123_456_789,) * 2)
    (day,) = DaySource([tmp_path]).scan()
    assert (day.path, day.date, day.version) == (path, "2026-11-23", (path.stat().st_size, 1_700_000_000_123_456_789))


def test_a_folder_with_no_digest_says_so_in_one_line(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DigestError) as error:
        DaySource([empty]).scan()
    assert str(error.value) == f"{empty}: no digest (*.md or *.jsonl) in this directory"


def merged_days(*copies: Paper, origin: str = "", dates=("2026-01-02", "2025-12-31")):
    """An archive of one day per copy (newest first), each a digest of that one copy."""
    loaded = [(DayFile(Path(f"/days/{date}.md"), date, 1, 1), Digest(name=date, sections=[Section("cs.CV", [copy])], papers=[copy])) for date, copy in zip(dates, copies)]
    return merge("days", loaded, origin)


def test_merge_keeps_the_copy_that_says_most_and_on_a_tie_the_newest():
    says_two = Paper(id="2601.00001", title="Abstract and link", abstract="a", url="u")
    says_three = Paper(id="2601.00001", title="Authors and categories", authors=("Ana",), categories=("cs.CV", "cs.LG"))
    assert [paper.title for paper in merged_days(says_two, says_three).papers] == ["Authors and categories"]
    assert [paper.title for paper in merged_days(says_three, says_two).papers] == ["Authors and categories"]
    newer, older = Paper(id="2601.00001", title="Newer", url="u"), Paper(id="2601.00001", title="Older", url="u")
    assert [paper.title for paper in merged_days(newer, older).papers] == ["Newer"]


def test_merge_keeps_the_origin_and_each_day_its_file_and_label():
    archive = merged_days(Paper(id="2601.00001", title="a"), Paper(id="2601.00002", title="b"), origin="/days")
    assert archive.origin == "/days" and archive.days_of == {"2601.00001": ("2026-01-02",), "2601.00002": ("2025-12-31",)}
    assert [(day.path, day.label) for day in archive.days] == [(Path("/days/2026-01-02.md"), "Fri 2 Jan"), (Path("/days/2025-12-31.md"), "Wed 31 Dec 2025")]
    assert archive.full(archive.papers[0]) is archive.papers[0], "no index: the papers are whole"


def test_a_glob_takes_the_days_a_folder_would_take(tmp_path):
    folder = week(tmp_path / "days")
    (folder / "README.md").write_text("# My digests\n\nNotes on the fork.\n", "utf-8")
    (folder / ".2026-11-30.md.swp.md").write_text("editor scratch", "utf-8")
    assert [day.path for day in DaySource([folder / "*"]).scan()] == [day.path for day in DaySource([folder]).scan()]
