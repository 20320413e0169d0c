"""The mark store: marks survive restarts, crashes, broken files, unwritable folders and a second instance."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.store import engine as store_module
from reader.core.model import Paper
from reader.core.sanitize import clean
from reader.core.store import MarkStore

ROOT = Path(__file__).resolve().parents[1]
FULL = Paper(
    id="2601.10802",
    title='Sparse "attention" for long documents',
    version="v2",
    url="https://arxiv.org/abs/2601.10802v2",
    authors=("Ada Lovelace", "Flann O'Brien", "张伟"),
    category="cs.CL",
    tldr="It's fast.",
    motivation="Long documents.",
    method="Sparse attention \\ with a backslash.",
    result="Linear cost.",
    conclusion="Works.",
    abstract="First paragraph, it's long enough to be written as a multi-line literal string.\nSecond.",
    extra=(("Keywords", "attention, long context"), ("Comment", "12 pages"), ("Keywords", "again")),
    categories=("cs.CL", "cs.LG"),
    pdf="https://example.org/journal/2601.10802.pdf",
    order=("Keywords", "tldr", "Comment", "motivation", "method", "result", "conclusion"),
)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.toml"


@pytest.fixture
def open_store(state: Path):
    """Open stores (on ``state`` unless told) that are closed after the test; no background saver by default."""
    stores: list[MarkStore] = []

    def opener(path: Path | None = state, save_delay: float | None = None) -> MarkStore:
        store = MarkStore.open(path, save_delay=save_delay)
        stores.append(store)
        return store

    yield opener
    for store in stores:
        store.close()


def paper(paper_id: str, title: str = "A paper") -> Paper:
    return Paper(id=paper_id, title=title)


def snapshot(store: MarkStore) -> tuple:
    return store.read_ids, store.stars(), store.get_setting("detail_view"), store.get_setting("wrap")


def wait_for(condition, timeout: float = 10.0) -> bool:
    """Polls until ``condition`` holds; the generous timeout is only there so a broken saver fails at all."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_everything_round_trips(open_store, state):
    store = open_store()
    ids = ["2601.10802", "2601.00001", "2512.12345", "1412.1234", "hep-th/9901001", "2601.1x"]
    assert store.mark_read_many(ids) == ids
    full = store.star(FULL, "2026-01-16")
    store.star(paper("2512.00003", "Another"))
    store.set_setting("detail_view", "abstract")
    store.set_setting("wrap", True)
    assert store.flush()
    again = open_store()
    assert again.read_ids == frozenset(ids)
    assert again.star_for(FULL.id) == full
    assert full.paper == FULL and full.digest == "2026-01-16"
    assert snapshot(again) == snapshot(store)
    assert again.notices == [] and again.writable


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(),
    authors=st.lists(st.text(), max_size=3),
    extra=st.lists(st.tuples(st.text(), st.text()), max_size=2),
    names=st.lists(st.text(), max_size=3),
)
def test_any_text_round_trips(text, authors, extra, names):
    """Any text the parser can produce (it is always cleaned) survives a save and a load."""
    paragraphs = clean(text, multiline=True)
    original = Paper(
        id="2601.00001",
        title=clean(text),
        authors=tuple(map(clean, authors)),
        abstract=paragraphs * 3,
        tldr=paragraphs or None,
        extra=tuple((clean(label), clean(value, multiline=True)) for label, value in extra),
        categories=tuple(map(clean, names)),
        order=tuple(map(clean, names)),
        pdf=clean(text) or None,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.toml"
        store = MarkStore.open(path, save_delay=None)
        store.star(original, clean(text))
        store.close()
        tomllib.loads(path.read_text("utf-8"))  # plain TOML that any reader takes
        again = MarkStore.open(path, save_delay=None)
        assert again.star_for(original.id) == store.star_for(original.id)
        again.close()


def test_same_marks_give_the_same_sorted_bytes_whatever_the_order(open_store, tmp_path):
    ids = [f"{2400 + index % 7}.{index * 37 % 20000:05d}" for index in range(300)] + ["math/0601001", "cs/9901001"]
    first, second = open_store(tmp_path / "a.toml"), open_store(tmp_path / "b.toml")
    first.mark_read_many(ids)
    first.set_setting("wrap", False)
    first.set_setting("detail_view", "summary")
    second.set_setting("detail_view", "summary")
    second.mark_read_many(reversed(ids))
    second.set_setting("wrap", False)
    first.flush()
    second.flush()
    text = (tmp_path / "a.toml").read_text()
    assert text == (tmp_path / "b.toml").read_text()
    assert text.index("detail_view") < text.index("wrap")
    months = [line.split(" = ")[0] for line in text.splitlines() if line.startswith('"24')]
    assert months == sorted(months) and len(months) == 7
    read = tomllib.loads(text)["read"]
    assert read["other"] == ["cs/9901001", "math/0601001"]
    for month in months:
        numbers = read[month.strip('"')].split()
        assert numbers == sorted(numbers)


def test_load_then_save_is_byte_identical(open_store, state):
    store = open_store()
    store.mark_read_many(f"2601.{number:05d}" for number in range(0, 5000, 7))
    store.star(FULL, "2026-01-16")
    store.set_setting("detail_view", "abstract")
    store.star(paper("2512.00001"))
    store.star(paper("2601.00002"))
    store.flush()
    before = state.read_bytes()
    headers = [line for line in before.decode().splitlines() if line.startswith("[stars.")]
    assert headers == ['[stars."2512.00001"]', '[stars."2601.00002"]', '[stars."2601.10802"]']
    again = open_store()
    again.set_read("2601.99999")
    again.flush()
    assert state.read_bytes() != before
    again.set_read("2601.99999", False)
    again.flush()
    assert state.read_bytes() == before


def test_a_hand_edited_file_is_read_and_written_back_in_order(open_store, state):
    state.parent.mkdir()
    state.write_text(
        "# my marks\nversion = 1\n[read]\n"
        "\"2601\" = \"10835   10802\\n 00001 11214\"\n\"2512\" = '00012'\n\"2511\" = ''\n"
        "other = ['2601.00002', 'hep-th/9901001']\n"
    )
    store = open_store()
    assert store.read_ids == {
        *("2601.10835", "2601.10802", "2601.00001", "2601.11214", "2601.00002"),
        *("2512.00012", "hep-th/9901001"),
    }
    store.set_read("2512.00013")
    store.flush()
    text = state.read_text()
    assert text.endswith(
        "[read]\n\"2512\" = '''\n00012 00013\n'''\n\"2601\" = '''\n00001 00002\n10802 10835\n11214\n'''\n"
        "other = ['hep-th/9901001']\n"
    )


def test_text_is_written_as_literal_strings_where_it_can_be(open_store, state):
    """tomllib reads literal strings without a loop per character; short text with an apostrophe stays basic."""
    store = open_store()
    long_line = "A title that is long enough, and it's got an apostrophe, so a multi-line literal holds it"
    store.star(Paper(id="2601.00001", title=long_line, tldr="It's short."))
    store.close()
    text = state.read_text()
    assert "title = '''\n" + long_line + "'''\n" in text
    assert "tldr = \"It's short.\"\n" in text


def test_marks_follow_the_paper_across_days(open_store):
    store = open_store()
    monday = Paper(id="2601.10802", title="Old title", version="v1")
    store.set_read(monday.id)
    store.star(monday, "2026-01-12")
    friday = Paper(id="2601.10802", title="New title", version="v2")
    assert store.is_read(friday.id) and store.is_starred(friday.id)
    assert store.star_for(friday.id).digest == "2026-01-12"
    assert store.star(friday, "2026-01-16").paper.title == "Old title"  # starring again keeps the first star


def test_changes_report_what_they_changed(open_store):
    store = open_store()
    assert store.mark_read_many(["a", "b", "a"]) == ["a", "b"]
    assert store.mark_read_many(["b", "c"]) == ["c"]
    assert store.mark_unread_many(["c", "d"]) == ["c"]
    assert store.set_read("c") is True and store.set_read("c") is False
    assert store.toggle_read("c") is False and not store.is_read("c")
    assert store.toggle_read("c") is True and store.is_read("c")
    assert store.toggle_star(paper("x"), "d1") is True and store.star_for("x").digest == "d1"
    assert store.toggle_star(paper("x"), "d1") is False and not store.is_starred("x")
    assert store.unstar("x") is False


def test_stars_are_listed_oldest_first(open_store, state):
    state.parent.mkdir()
    state.write_text(
        "version = 1\n"
        "[stars.'2601.00002']\ntitle = 'B'\nstarred_at = '2026-01-02T00:00:00Z'\n"
        "[stars.'2601.00001']\ntitle = 'A'\nstarred_at = '2026-01-03T00:00:00Z'\n"
        "[stars.'2601.00003']\ntitle = 'C'\nstarred_at = '2026-01-01T00:00:00Z'\n"
    )
    store = open_store()
    assert [star.paper.title for star in store.stars()] == ["C", "B", "A"]
    assert store.star(paper("2601.00004")).starred_at.endswith("Z")
    assert store.stars()[-1].paper.id == "2601.00004"


def test_settings_round_trip(open_store):
    store = open_store()
    assert store.get_setting("detail_view", "summary") == "summary"
    store.set_setting("detail_view", "abstract")
    store.set_setting("odd key", True)
    with pytest.raises(TypeError):
        store.set_setting("size", 3)
    store.flush()
    again = open_store()
    assert again.get_setting("detail_view") == "abstract"
    assert again.get_setting("odd key") is True
    assert again.get_setting("missing") is None


def test_a_memory_store_keeps_marks_without_a_file(open_store, tmp_path):
    store = open_store(None)
    store.set_read("2601.00001")
    store.star(FULL)
    assert store.is_read("2601.00001") and store.is_starred(FULL.id)
    assert store.flush() and not store.writable and store.path is None
    assert list(tmp_path.iterdir()) == []


def test_saves_leave_no_temp_files_and_clear_those_of_crashed_writers(open_store, state):
    store = open_store()
    store.set_read("2601.00001")
    store.flush()
    crashed = state.parent / ".state.toml.x1y2z3.tmp"
    crashed.write_text("half a file")
    store.set_read("2601.00002")
    store.flush()
    assert sorted(path.name for path in state.parent.iterdir()) == ["state.toml", "state.toml.lock"]


WRITER = """
import os, sys, time
from reader.core.store import engine as store_module
from reader.core.store import MarkStore

real_fsync = os.fsync
def slow_fsync(fd):  # a slow disk, so kills land between writing the temp file and renaming it
    time.sleep(0.01)
    real_fsync(fd)
os.fsync = slow_fsync

store = MarkStore.open(sys.argv[1], save_delay=None)
count = len(store.read_ids)
print("ready", flush=True)
while True:
    store.mark_read_many(f"{2500 + index // 90000}.{index % 90000:05d}" for index in range(count, count + 500))
    count += 500
    store.flush()
"""


def test_kill_9_mid_save_leaves_the_old_or_the_new_file(state):
    rng = random.Random(9)
    saved = torn = 0
    for _ in range(30):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(state)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert writer.stdout.readline() == b"ready\n", writer.stderr.read()
        time.sleep(rng.uniform(0.0, 0.15))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        writer.stderr.close()
        torn += any(state.parent.glob(".state.toml.*.tmp"))  # killed between writing and renaming
        store = MarkStore.open(state, save_delay=None)
        count = len(store.read_ids)
        assert store.notices == []
        assert count >= saved and count % 500 == 0
        assert store.read_ids == {f"{2500 + index // 90000}.{index % 90000:05d}" for index in range(count)}
        store.close()
        saved = count
    assert saved > 0 and torn > 0


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"version = 1\n[read\n", "not valid TOML"),
        (b"version = 1\nversion = 1\n", "not valid TOML"),
        (b"version = 1\n\xff\xfe", "not valid TOML"),
        (b"# my marks\nversion = 1\nx = " + b"[" * 3000 + b"]" * 3000 + b"\n", "nested more than 32 levels deep"),
    ],
)
def test_a_file_that_is_not_toml_is_moved_aside_and_the_store_starts_fresh(open_store, state, content, reason):
    state.parent.mkdir()
    state.write_bytes(content)
    store = open_store()
    [aside] = state.parent.glob("state.toml.corrupt-*")
    assert aside.read_bytes() == content
    [notice] = store.notices
    assert str(aside) in notice and reason in notice
    assert store.read_ids == frozenset() and store.writable
    store.set_read("2601.00001")
    store.flush()
    assert open_store().is_read("2601.00001")


def test_a_file_broken_while_running_is_moved_aside_and_marks_written_back(open_store, state):
    store = open_store()
    store.set_read("2601.00001")
    store.flush()
    state.write_text("version = 1\ngarbage = [")
    store.set_read("2601.00002")
    store.flush()
    assert len(list(state.parent.glob("state.toml.corrupt-*"))) == 1
    assert open_store().read_ids == {"2601.00001", "2601.00002"}


def test_a_file_broken_while_idle_is_replaced_by_the_marks_known(open_store, state):
    store = open_store()
    store.set_read("2601.00001")
    store.flush()
    state.write_text("version = 1\ngarbage = [")
    assert store.refresh() is False and store.is_read("2601.00001")
    assert "was moved to" in store.notices[0]
    store.close()
    assert open_store().read_ids == {"2601.00001"}


def assert_kept_in_memory(store: MarkStore, reason: str) -> None:
    assert store.writable is False
    assert f"Cannot save marks to {store.path}: {reason}. Marks are kept in memory only, for now." in store.notices
    store.set_read("2601.00001")
    store.star(FULL)
    assert store.is_read("2601.00001") and store.is_starred(FULL.id)
    assert store.flush() is False
    assert not store.writable


def test_a_parent_that_is_a_file_keeps_marks_in_memory(open_store, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    store = open_store(tmp_path / "file" / "state.toml", save_delay=0.01)
    assert_kept_in_memory(store, "File exists")
    time.sleep(0.05)  # the saver fails quietly
    assert len(store.notices) == 1


def test_a_state_path_that_is_a_folder_keeps_marks_in_memory(open_store, state):
    state.mkdir(parents=True)
    assert_kept_in_memory(open_store(), "Is a directory")
    assert state.is_dir()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_keeps_loaded_marks_and_new_ones_in_memory(open_store, state):
    first = open_store()
    first.set_read("2512.00001")
    first.close()
    before = state.read_bytes()
    state.parent.chmod(0o500)
    try:
        store = open_store()
        assert store.is_read("2512.00001")
        assert_kept_in_memory(store, "the folder is not writable")
        assert state.read_bytes() == before
    finally:
        state.parent.chmod(0o700)


def test_flush_writes_changes_now(open_store, state):
    store = open_store(save_delay=60)
    store.set_read("2601.00001")
    assert store.flush()
    assert "00001" in state.read_text()


def test_changes_are_saved_in_the_background(open_store, state):
    store = open_store(save_delay=0.05)
    store.set_read("2601.00001")
    assert wait_for(lambda: state.exists() and "00001" in state.read_text())
    store.star(FULL)
    assert wait_for(lambda: FULL.id in state.read_text())


def test_changes_reach_the_file_without_a_flush_after_the_default_save_delay(open_store, state):
    store = MarkStore.open(state)
    try:
        store.set_read("2601.00001")
        assert wait_for(lambda: state.exists() and "00001" in state.read_text())
        store.set_setting("wrap", True)  # the saver keeps saving after its first save
        assert wait_for(lambda: "wrap" in state.read_text())
    finally:
        store.close()


def test_a_missing_parent_folder_is_created(open_store, tmp_path):
    path = tmp_path / "not" / "yet" / "state.toml"
    store = open_store(path)
    assert store.writable and store.notices == []
    store.set_read("2601.00001")
    assert store.flush()
    assert open_store(path).is_read("2601.00001")


def test_changes_never_wait_for_the_file(open_store, state):
    store = open_store(save_delay=0.01)
    lock = os.open(state.with_name("state.toml.lock"), os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as if another instance were saving forever
        changes = threading.Thread(
            target=lambda: (
                store.mark_read_many(f"2601.{number:05d}" for number in range(1000)),
                store.toggle_star(FULL),
                store.refresh(),
            )
        )
        changes.start()
        changes.join(timeout=10)  # they would wait forever for the lock
        assert not changes.is_alive()
        time.sleep(0.1)
        assert not state.exists()
    finally:
        os.close(lock)
    assert wait_for(lambda: state.exists() and FULL.id in state.read_text())


def test_flush_gives_up_on_a_stuck_save_and_close_finishes_it(open_store, state, monkeypatch):
    monkeypatch.setattr(store_module, "FLUSH_WAIT", 0.1)
    store = MarkStore.open(state, save_delay=0.001)
    lock = os.open(state.with_name("state.toml.lock"), os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        store.set_read("2601.00001")
        time.sleep(0.05)  # the saver now waits for the lock
        assert store.flush() is False
    finally:
        os.close(lock)
    store.close()
    assert open_store().is_read("2601.00001")


def test_close_saves_what_is_pending(open_store, state):
    store = MarkStore.open(state, save_delay=60)
    store.set_read("2601.00001")
    store.close()
    assert open_store().is_read("2601.00001")


def test_close_right_before_the_saver_clears_its_wake_up_does_not_hang(open_store, state):
    """A close() between the saver's delay and its clearing of the wake-up left the saver
    waiting forever, and close() joining it (seen as a hung test run on a loaded machine)."""
    store = MarkStore.open(state, save_delay=0.01)
    store.flush()

    class CloseJustBeforeClear(threading.Event):
        def clear(self) -> None:
            store._stop.set()  # what close() does, at the worst moment: stop, then wake up
            self.set()
            super().clear()

    waiting_on, store._wake = store._wake, CloseJustBeforeClear()
    store.set_read("2601.00001")
    waiting_on.set()  # let the saver out of the wait it is in
    saver = store._thread
    saver.join(30)  # a guard against a hang, not a time limit
    assert not saver.is_alive(), "the saver missed the stop and waits for a wake-up that was cleared"
    store.close()
    assert open_store().is_read("2601.00001")


def test_refresh_picks_up_another_instances_save(open_store):
    mine, other = open_store(), open_store()
    assert mine.refresh() is False
    other.set_read("2601.00001")
    other.star(FULL)
    other.flush()
    assert not mine.is_read("2601.00001")
    assert mine.refresh() is True
    assert mine.is_read("2601.00001") and mine.is_starred(FULL.id)
    assert mine.refresh() is False


def test_refresh_sees_a_change_in_place_that_keeps_size_and_mtime(open_store, state):
    """A file seen less than two seconds after it changed is compared by its bytes, not only its stat."""
    state.parent.mkdir()
    state.write_text("version = 1\n[read]\nother = ['a']\n")
    store = open_store()
    stat = state.stat()
    with open(state, "r+b") as file:  # same inode, same size
        file.write(b"version = 1\n[read]\nother = ['b']\n")
    os.utime(state, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert store.refresh() is True
    assert store.read_ids == {"b"}


def test_refresh_keeps_changes_not_saved_yet(open_store):
    mine, other = open_store(), open_store()
    mine.set_read("2601.00002")
    other.set_read("2601.00001")
    other.flush()
    assert mine.refresh() is True
    assert mine.is_read("2601.00001") and mine.is_read("2601.00002")
    mine.flush()
    assert open_store().read_ids == {"2601.00001", "2601.00002"}


def test_two_instances_keep_each_others_marks(open_store):
    first, second = open_store(), open_store()
    for round_number in range(5):
        first.set_read(f"2601.{round_number:05d}")
        second.set_read(f"2602.{round_number:05d}")
        first.star(paper(f"2603.{round_number:05d}"))
        second.set_setting("detail_view", f"view{round_number}")
        (first if round_number % 2 else second).flush()
        (second if round_number % 2 else first).flush()
    first.set_read("2601.00000", False)  # the last saved op on an id wins
    first.flush()
    second.set_read("2601.00001", False)
    second.flush()
    final = open_store()
    assert final.read_ids == {f"2601.{n:05d}" for n in range(2, 5)} | {f"2602.{n:05d}" for n in range(5)}
    assert {star.paper.id for star in final.stars()} == {f"2603.{n:05d}" for n in range(5)}
    assert final.get_setting("detail_view") == "view4"
    assert second.read_ids == final.read_ids  # a save also takes in the other's marks


MARKER = """
import sys
from reader.core.store import MarkStore

store = MarkStore.open(sys.argv[1], save_delay=0.001)
for number in range(300):
    store.set_read(f"{sys.argv[2]}.{number:05d}")
    if number % 10 == 0:
        store.flush()
store.close()
"""


def test_two_processes_keep_each_others_marks(open_store, state):
    processes = [
        subprocess.Popen([sys.executable, "-c", MARKER, str(state), month], cwd=ROOT) for month in ("2601", "2602")
    ]
    assert [process.wait() for process in processes] == [0, 0]
    assert open_store().read_ids == {f"{month}.{number:05d}" for month in ("2601", "2602") for number in range(300)}


def test_two_background_savers_keep_each_others_marks(open_store):
    first, second = open_store(save_delay=0.001), open_store(save_delay=0.001)
    for number in range(200):
        first.set_read(f"2601.{number:05d}")
        second.set_read(f"2602.{number:05d}")
    first.flush()
    second.flush()
    expected = {f"{month}.{number:05d}" for month in (2601, 2602) for number in range(200)}
    assert open_store().read_ids == expected


def test_the_generation_counts_every_change_shown_and_only_those(open_store):
    """What is computed from the marks (a saved search's papers) is kept while the generation
    stays: it must move on a change here and on one taken from another instance, and stay on a
    refresh that finds nothing new."""
    mine, theirs = open_store(), open_store()
    start = mine.generation
    mine.set_read("2601.00001")
    assert mine.generation == start + 1
    mine.flush()
    assert mine.refresh() is False and mine.generation == start + 1, "its own save is nothing new"
    theirs.refresh()
    before = theirs.generation
    theirs.toggle_star(paper("2601.00002"))
    theirs.flush()
    assert mine.refresh() is True and mine.generation > start + 1 and mine.is_starred("2601.00002")
    assert theirs.generation > before
    assert mine.kept_ids() == {"2601.00002"}
    notes = mine.notes_generation
    assert notes == 0, "no note changed yet"
    theirs.set_note(paper("2601.00003"), "a note")
    theirs.flush()
    assert mine.refresh() is True and mine.notes_generation == notes + 1
    mine.set_read("2601.00004")
    assert mine.notes_generation == notes + 1, "a read mark is no note"
    mine.set_note(paper("2601.00004"), "mine")
    assert mine.notes_generation == notes + 2
