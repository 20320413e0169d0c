"""The store at the edges (issue 11): what is at the path may not be a state file, the disk may be
full, the lock may be held, the file may be rewritten under the read. Nothing is lost or touched.

Every file here is made in tmp_path; nothing of the machine's own is opened for writing.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import threading
import time
import tomllib
from pathlib import Path

import pytest

from reader.core.model import Paper
from reader.core.sanitize import UNSAFE
from reader.core.store import MarkStore, engine, ondisk

GUARD = 30.0
"""Seconds after which a test calls a store hung (a guard, not a speed limit)."""


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.toml"


def wait_for(condition, guard: float = GUARD) -> bool:
    deadline = time.monotonic() + guard
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def open_in_thread(path: Path, **options) -> tuple[MarkStore | None, BaseException | None]:
    """MarkStore.open in a thread, so a hang fails the test instead of hanging the suite."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["store"] = MarkStore.open(path, save_delay=None, **options)
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(GUARD)
    assert not thread.is_alive(), "MarkStore.open hung"
    return result.get("store"), result.get("error")


# -- 1. what is not a state file is refused and left alone ------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"# Notes\n\nSome *thoughts* on diffusion.\n",  # --state ~/notes.md, a typo
        b"[tool.black]\nline-length = 100\n",  # another program's TOML
        b'title = "x"\nname = "y"\n',
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"mark_read = 'manual'\ninterests = ['x']\n",  # --state and --config swapped
        b"x = " + b"[" * 3000 + b"]" * 3000 + b"\n",  # deeply nested, and not ours
        b"# Reading list\n",  # Markdown that happens to be TOML: one comment
    ],
    ids=["markdown", "other-toml", "toml-keys", "binary", "a-config", "nested", "comment-only"],
)
def test_a_file_that_is_not_a_state_file_is_refused_and_untouched(state, content):
    state.write_bytes(content)
    mode = state.stat().st_mode
    store, error = open_in_thread(state)
    assert store is None and isinstance(error, engine.StateFileError)
    message = str(error)
    assert str(state) in message and "\n" not in message and "not touched" in message
    assert state.read_bytes() == content and state.stat().st_mode == mode
    assert sorted(path.name for path in state.parent.iterdir()) == ["state.toml"], "no .corrupt, no lock file"


def test_a_fifo_is_refused_without_waiting_for_a_writer(state):
    os.mkfifo(state)
    _, error = open_in_thread(state)
    assert isinstance(error, engine.StateFileError) and "a FIFO" in str(error)
    assert state.is_fifo()


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        _, error = open_in_thread(path)
    assert isinstance(error, engine.StateFileError) and "a socket" in str(error)


def test_a_link_to_a_fifo_is_refused_and_the_fifo_stays(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "state.toml").symlink_to(fifo)
    _, error = open_in_thread(tmp_path / "state.toml")
    assert isinstance(error, engine.StateFileError)
    assert fifo.is_fifo() and (tmp_path / "state.toml").is_symlink()


def test_a_file_of_ours_without_a_version_line_still_opens(state):
    state.write_text("[read]\n\"2601\" = '00001'\n")
    assert MarkStore.open(state, save_delay=None).is_read("2601.00001")
    state.write_bytes(b"")
    assert MarkStore.open(state, save_delay=None).read_ids == frozenset()


def test_a_state_file_replaced_by_something_else_while_running_is_left_alone(state):
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2601.00001")
    assert store.flush()
    state.write_bytes(b"# my notes\n")
    store.set_read("2601.00002")
    assert store.flush() is False and store.refresh() is False
    assert state.read_bytes() == b"# my notes\n" and not list(state.parent.glob("*.corrupt-*"))
    assert any("is left alone" in notice for notice in store.notices)
    assert store.is_read("2601.00001") and store.is_read("2601.00002")
    state.write_text("version = 1\n")  # ours again: the marks go back to it
    assert store.flush()
    assert MarkStore.open(state, save_delay=None).read_ids == {"2601.00001", "2601.00002"}


# -- 5. deep nesting is a broken file -----------------------------------------------------------


def test_a_state_file_nested_deep_while_running_is_moved_aside_not_a_crash(state):
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2601.00001")
    assert store.flush()
    deep = b"version = 1\nx = " + b"[" * 3000 + b"]" * 3000 + b"\n"
    state.write_bytes(deep)
    store.refresh()  # the app's two-second refresh: no RecursionError
    [aside] = state.parent.glob("state.toml.corrupt-*")
    assert aside.read_bytes() == deep
    assert store.flush() and MarkStore.open(state, save_delay=None).read_ids == {"2601.00001"}


def test_a_state_file_nested_just_deep_enough_round_trips(state):
    """32 levels are kept and written back (the limit is about the stack, not real files)."""
    state.write_text("version = 1\nx = " + "[" * 32 + "1" + "]" * 32 + "\n")
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2601.00001")
    assert store.flush() and store.notices == []
    assert tomllib.loads(state.read_text())["x"] == eval("[" * 32 + "1" + "]" * 32)


def test_a_huge_state_file_is_not_read(state, monkeypatch):
    monkeypatch.setattr(ondisk, "MAX_STATE_BYTES", 100)
    state.write_text("version = 1\n" + "# padding\n" * 20)
    _, error = open_in_thread(state)
    assert isinstance(error, engine.StateFileError) and "larger than" in str(error)


# -- 4. a full disk: saves retried, a rescue file at close --------------------------------------


STARS = [Paper(id=f"2601.{n:05d}", title=f"Paper {n}", abstract="x" * 500) for n in range(30)]


def failing_writes(monkeypatch, failures: list[int]) -> None:
    """write_atomic fails with ENOSPC while failures[0] > 0 (each failure counts one down)."""
    real = ondisk.write_atomic

    def write(path, data):
        if failures[0] != 0:
            failures[0] -= 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, data)

    monkeypatch.setattr(ondisk, "write_atomic", write)


def test_a_failed_save_is_retried_when_space_returns_without_another_change(state, monkeypatch):
    monkeypatch.setattr(engine, "RETRY_DELAY", 0.05)
    failures = [3]
    failing_writes(monkeypatch, failures)
    store = MarkStore.open(state, save_delay=0.01)
    try:
        for paper in STARS:
            store.star(paper)
        assert wait_for(lambda: failures[0] == 0), "the saver retried"
        assert wait_for(lambda: state.exists() and len(MarkStore.open(state, save_delay=None).stars()) == 30)
        assert any("No space left" in notice for notice in store.notices)
        assert store.writable and store.notices[-1] == f"Marks are saved to {state} again."
    finally:
        store.close()
    assert not store.unsaved and store.rescued is None


def test_marks_that_cannot_be_saved_go_to_a_rescue_file_at_close(state, monkeypatch):
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2512.00001")
    assert store.flush()
    failing_writes(monkeypatch, [-1])  # the disk stays full
    for paper in STARS:
        store.star(paper)
    assert store.flush() is False
    store.close()
    assert store.unsaved and store.rescued is not None and store.rescued.parent == state.parent
    rescued = MarkStore.open(store.rescued, save_delay=None)
    assert len(rescued.stars()) == 30 and rescued.is_read("2512.00001")
    assert MarkStore.open(state, save_delay=None).stars() == []  # the state file itself is as it was


def test_a_rescue_goes_to_the_temp_folder_when_the_state_folder_cannot_take_it(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    store = MarkStore.open(tmp_path / "file" / "state.toml", save_delay=None)
    store.star(STARS[0])
    store.close()
    assert store.rescued is not None and store.rescued.parent == tmp_path
    assert MarkStore.open(store.rescued, save_delay=None).is_starred(STARS[0].id)


def test_nothing_to_rescue_when_everything_was_saved(state):
    store = MarkStore.open(state, save_delay=None)
    store.star(STARS[0])
    store.close()
    assert not store.unsaved and store.rescued is None
    assert [path.name for path in state.parent.iterdir() if "rescue" in path.name] == []


# -- 10. a lock held by another process -----------------------------------------------------------


@pytest.fixture
def held_lock(state):
    """Another process's lock on the state (an flock on another open file description)."""
    state.write_text("version = 1\n[read]\n\"2601\" = '00001'\n")
    fd = os.open(state.with_name("state.toml.lock"), os.O_RDONLY | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    yield fd
    os.close(fd)


def test_a_held_lock_is_waited_for_a_bounded_time_then_read_past(state, held_lock, monkeypatch):
    monkeypatch.setattr(ondisk, "LOCK_WAIT", 0.3)
    monkeypatch.setattr(ondisk, "LOCK_WAIT_SAID", 0.05)
    said: list[str] = []
    store, error = open_in_thread(state, on_wait=said.append)
    assert error is None and store.is_read("2601.00001")
    assert said and "waiting for another process" in said[0]
    assert any("locked by another process" in notice for notice in store.notices)
    store.set_read("2601.00002")
    assert store.flush() is False  # bounded: it does not wait forever either
    store.close()  # nor does closing: the marks go to a rescue file
    assert store.unsaved and store.rescued is not None


def test_a_held_lock_fails_a_strict_open(state, held_lock, monkeypatch):
    monkeypatch.setattr(ondisk, "LOCK_WAIT", 0.3)
    _, error = open_in_thread(state, strict=True)
    assert isinstance(error, engine.StateFileError) and "lock" in str(error)


def test_a_fifo_named_like_the_lock_is_never_waited_on(state):
    os.mkfifo(state.with_name("state.toml.lock"))
    store, error = open_in_thread(state)
    assert error is None
    store.set_read("2601.00001")
    assert store.flush()


# -- smaller ----------------------------------------------------------------------------------


def test_stale_temp_files_of_another_store_with_a_longer_name_stay(tmp_path):
    mine = MarkStore.open(tmp_path / "state.toml", save_delay=None)
    theirs_in_flight = tmp_path / ".state.toml.x.k2j4h5g6.tmp"
    theirs_in_flight.write_text("being written by the store of state.toml.x")
    crashed = tmp_path / ".state.toml.a1b2c3d4.tmp"
    crashed.write_text("half a file")
    mine.set_read("2601.00001")
    assert mine.flush()
    assert theirs_in_flight.exists() and not crashed.exists()


def test_a_star_whose_key_holds_a_control_character_can_be_unstarred(state):
    state.write_text(
        'version = 1\n[stars."2601.0\\u001b[31m1"]\ntitle = "Odd"\nstarred_at = "2026-01-01T00:00:00Z"\n'
    )
    store = MarkStore.open(state, save_delay=None)
    [star] = store.stars()
    assert not UNSAFE.search(star.paper.id)
    assert store.toggle_star(star.paper) is False, "s on it unstars it"
    assert store.stars() == []
    assert store.flush() and MarkStore.open(state, save_delay=None).stars() == []


def test_notices_about_the_state_file_carry_no_escape_sequence(tmp_path):
    folder = tmp_path / "evil\x1b]0;title\x07"
    folder.mkdir()
    state = folder / "state.toml"
    state.write_text('version = 1\n[read]\n"\\u001b]52;c;aGk=\\u0007" = 5\n[stars.x]\nauthors = 3\n')
    store = MarkStore.open(state, save_delay=None)
    assert store.notices and not any(UNSAFE.search(notice) for notice in store.notices)
    state.write_text("version = 1\n[read\n")
    store.refresh()
    assert not any(UNSAFE.search(notice) for notice in store.notices)


# -- a sync tool rewriting the file in place -------------------------------------------------------


def big_state(reads: int) -> bytes:
    writer = MarkStore.open(None)
    writer.mark_read_many(f"2601.{n:05d}" for n in range(reads))
    from reader.core.store import fileformat

    return fileformat.dump(writer._view)


def test_a_file_changing_during_the_read_is_read_again(state, monkeypatch):
    """The read sees half the file and the stamp changes under it: read again, not moved aside."""
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2512.00001")
    assert store.flush()
    new = big_state(3000)
    with open(state, "r+b") as file:  # in place, as a sync tool does: same inode
        file.truncate(0)
        file.write(new[: len(new) // 2])
    real_fstat, calls = os.fstat, [0]

    def fstat(fd):
        calls[0] += 1
        if calls[0] == 2:  # after the first read: the writer finishes meanwhile
            with open(state, "r+b") as file:
                file.seek(len(new) // 2)
                file.write(new[len(new) // 2 :])
        return real_fstat(fd)

    monkeypatch.setattr(os, "fstat", fstat)
    store.refresh()
    monkeypatch.setattr(os, "fstat", real_fstat)
    assert not list(state.parent.glob("*.corrupt-*")) and store.notices == []
    assert len(store.read_ids) == 3000


def test_a_half_written_file_is_looked_at_again_before_it_is_called_broken(state, monkeypatch):
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2512.00001")
    assert store.flush()
    new = big_state(3000)
    with open(state, "r+b") as file:
        file.truncate(0)
        file.write(new[: len(new) // 2])  # a stable half: the writer paused
    real_sleep = time.sleep

    def sleep(seconds):  # while the reader waits, the writer finishes
        with open(state, "r+b") as file:
            file.seek(len(new) // 2)
            file.write(new[len(new) // 2 :])
        real_sleep(0)

    monkeypatch.setattr(time, "sleep", sleep)
    store.refresh()
    monkeypatch.setattr(time, "sleep", real_sleep)
    assert not list(state.parent.glob("*.corrupt-*")) and store.notices == []
    assert len(store.read_ids) == 3000


def test_unsaved_ui_settings_alone_need_no_rescue(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    store = MarkStore.open(tmp_path / "file" / "state.toml", save_delay=None)
    store.set_setting("detail_view", "abstract")
    store.close()
    assert not store.unsaved and store.rescued is None
