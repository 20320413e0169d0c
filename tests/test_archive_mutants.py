"""The sidebar of an archive on its own (no app): the day on show, a day's list, labels and facts."""

from __future__ import annotations

from archive_support import week, write_day

from reader.core.archive.days import DaySource
from reader.core.archive.inbox import DAY
from reader.core.archive.library import INBOX, ArchiveLibrary, library_for
from reader.core.archive.loading import load_archive
from reader.core.library import STARRED, Filters


def no(*_) -> bool:
    return False


def week_library(tmp_path):
    archive = load_archive(DaySource([week(tmp_path / "days")]))
    return archive, ArchiveLibrary(archive)


def test_a_library_keeps_the_day_it_is_given_while_the_archive_has_it(tmp_path):
    archive, library = week_library(tmp_path)
    newest = archive.days[0].key
    assert library.day is None
    assert ArchiveLibrary(archive, newest).day == newest and ArchiveLibrary(archive, DAY + "1999-01-01").day is None
    library.enter(newest)
    assert library_for(archive, library).day == newest


def test_a_day_lists_its_papers_under_the_filters_and_starred_lists_the_stars(tmp_path):
    archive, library = week_library(tmp_path)
    day = archive.days[0]
    ids = [paper.id for paper in day.papers]
    shown = library.visible(day.key, Filters(unread_only=True), is_read={ids[0]}.__contains__, is_interesting=no, hidden={ids[1]})
    assert [paper.id for paper in shown] == ids[2:]
    starred = [archive.papers[-1]]
    assert library.visible(STARRED, Filters(), is_read=no, is_interesting=no, starred=starred) == starred


def test_the_sidebar_names_the_inbox_and_marks_only_the_day_on_show(tmp_path):
    archive, library = week_library(tmp_path)
    library.enter(archive.days[1].key)
    labels = [label for _, label, _ in library.entries([])[:5]]
    assert labels == ["Inbox", "Wed 25 Nov", "› Tue 24 Nov", "Mon 23 Nov", "Sun 22 Nov  ✗ not read"]
    assert library.days_of("2601.00001") == ("Wed 25 Nov", "Tue 24 Nov", "Mon 23 Nov") and library.days_of("2601.99999") == ()


def test_facts_count_the_days_and_an_inbox_with_all_read_says_where_the_papers_are(tmp_path):
    archive, library = week_library(tmp_path)
    assert library.facts() == ["4 days"]
    assert library.empty_message(INBOX) == "Nothing unread: every paper of every day is read (the days list them all)."
    (tmp_path / "one").mkdir()
    write_day(tmp_path / "one", "2026-11-25", [(1, "cs.CV")])
    assert ArchiveLibrary(load_archive(DaySource([tmp_path / "one"]))).facts() == ["1 day"]
