"""The last mark reaches the disk however the app ends: q, Ctrl+C, SIGTERM, a closed terminal.

The real command runs in a pseudo-terminal; a key is typed, and the app is ended at
once, well before the store's background save would have run on its own.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
import tomllib

import pytest
from app_support import TODAY


def read_until(fd: int, needle: bytes, timeout: float = 20.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def drain(fd: int, pid: int, timeout: float = 10.0) -> int:
    """Read the terminal until the process exits; its exit status (or -signal)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            return os.waitstatus_to_exitcode(status)
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the app did not exit")


def start(state) -> tuple[int, int]:
    """The real command on today.md in a 100x30 pseudo-terminal: (pid, terminal fd)."""
    env = {**os.environ, "DIGEST_READER_STATE": str(state), "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command
        os.execvpe(sys.executable, [sys.executable, "-m", "reader", str(TODAY)], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    return pid, fd


@pytest.mark.parametrize("ending", ["q", "ctrl+c", "SIGTERM", "SIGHUP"])
def test_the_last_star_is_saved(tmp_path, ending):
    state = tmp_path / "state.toml"
    pid, fd = start(state)
    try:
        assert b"ICONIC-444" in read_until(fd, b"ICONIC-444")
        os.write(fd, b"s")
        time.sleep(0.15)
        if ending == "q":
            os.write(fd, b"q")
        elif ending == "ctrl+c":
            os.write(fd, b"\x03")
        else:
            os.kill(pid, getattr(signal, ending))
        status = drain(fd, pid)
    finally:
        os.close(fd)
    assert status == 0
    assert '[stars."2601.10802"]' in state.read_text(encoding="utf-8")


def test_letters_typed_right_after_slash_go_to_the_search(tmp_path):
    """A fast typist's (or a script's) query must not lose its first letters to the list.

    `/` is a priority key, so the search line has the focus before the letters that
    follow it in the same burst are dispatched.
    """
    pid, fd = start(tmp_path / "state.toml")
    try:
        assert b"ICONIC-444" in read_until(fd, b"ICONIC-444")
        os.write(fd, b"s")
        time.sleep(0.3)
        os.write(fd, b"/is:starred")  # one burst; losing "is:" would leave 0 matches
        assert b"1 match" in read_until(fd, b"1 match", timeout=5)
        os.write(fd, b"\x03")
        assert drain(fd, pid) == 0
    finally:
        os.close(fd)


def test_a_terminal_closed_right_after_the_first_paint_ends_the_app(tmp_path):
    """Closing the terminal at once could leave Textual's shutdown waiting forever on its output
    thread (a sleeping reader left behind). The marks are saved first; the process always ends."""
    for attempt in range(4):  # the race hit about one start in three
        state = tmp_path / f"state{attempt}.toml"
        pid, fd = start(state)
        try:
            assert b"ICONIC-444" in read_until(fd, b"ICONIC-444")
        finally:
            os.close(fd)  # the terminal goes away: the app gets SIGHUP and EIO
        os.kill(pid, signal.SIGHUP)
        status = drain_closed(pid)
        assert status == 0, f"attempt {attempt}: {status}"


def drain_closed(pid: int, timeout: float = 30.0) -> int:
    """Wait for a process whose terminal is gone; fail if it is still there after ``timeout`` (hung)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the app was still running after its terminal closed")


# -- issue 11: a terminal that is gone, a disk that is full ------------------------------------


def start_command(argv: list[str], env: dict[str, str], *, block_hangup: bool = False) -> tuple[int, int]:
    """``argv`` in a 100x30 pseudo-terminal: (pid, terminal fd). ``block_hangup``: the process
    never sees SIGHUP (blocked, and the mask survives exec), as when the hangup goes elsewhere."""
    pid, fd = pty.fork()
    if pid == 0:
        if block_hangup:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    return pid, fd


def reader_env(state) -> dict[str, str]:
    return {**os.environ, "DIGEST_READER_STATE": str(state), "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}


def test_a_terminal_gone_without_a_hangup_signal_still_ends_the_app_with_its_marks(tmp_path):
    """The shutdown hung on the output thread to a dead terminal, and nothing ended it when no
    SIGHUP arrived (tmux kill-session: 3 of 8 readers stayed for good). Now the app that ends
    gives Textual a moment, then saves and ends the process itself."""
    state = tmp_path / "state.toml"
    pid, fd = start_command([sys.executable, "-m", "reader", str(TODAY)], reader_env(state), block_hangup=True)
    try:
        assert b"ICONIC-444" in read_until(fd, b"ICONIC-444")
        os.write(fd, b"s")
        time.sleep(0.3)
    finally:
        os.close(fd)  # the terminal goes away: reads and writes fail, and no signal comes
    assert drain_closed(pid) in (0, 1)  # 1: Textual's own error exit on the lost terminal
    assert '[stars."2601.10802"]' in state.read_text(encoding="utf-8")


def in_a_full_tmpfs(tmp_path, argv: list[str]) -> list[str]:
    """``argv`` run with a 48 KB tmpfs mounted at tmp_path/full, in a private mount namespace."""
    if shutil.which("unshare") is None or subprocess.run(
        ["unshare", "-rm", "true"], capture_output=True, check=False
    ).returncode != 0:
        pytest.skip("unshare -rm is not allowed here")
    full = tmp_path / "full"
    full.mkdir()
    script = f"mount -t tmpfs -o size=48k tmpfs {shlex.quote(str(full))} && exec {shlex.join(argv)}"
    return ["unshare", "-rm", "sh", "-c", script]


@pytest.mark.parametrize("ending", ["q", "SIGHUP"])
def test_marks_that_a_full_disk_refused_are_rescued_at_quit_and_the_exit_says_so(tmp_path, ending):
    """On a 48 KB tmpfs most of 30 stars were lost at quit, with exit status 0."""
    rescue_dir = tmp_path / "tmp"
    rescue_dir.mkdir()
    state = tmp_path / "full" / "state.toml"
    argv = in_a_full_tmpfs(tmp_path, [sys.executable, "-m", "reader", str(TODAY)])
    pid, fd = start_command(argv, {**reader_env(state), "TMPDIR": str(rescue_dir)})
    seen = b""
    try:
        assert b"ICONIC-444" in read_until(fd, b"ICONIC-444")
        for _ in range(30):
            os.write(fd, b"sj")
            time.sleep(0.05)
        seen += read_until(fd, b"Cannot save", timeout=20)
        assert b"Cannot save" in seen, "the app says marks are not saved"
        if ending == "q":
            os.write(fd, b"q")
            status = drain(fd, pid, timeout=30)
        else:
            os.close(fd)
            fd = -1
            status = drain_closed(pid)
    finally:
        if fd >= 0:
            os.close(fd)
    assert status == 1, "marks were not all saved: the exit status says so"
    [rescued] = rescue_dir.glob("state.toml.rescue-*.toml")
    doc = tomllib.loads(rescued.read_text(encoding="utf-8"))
    assert len(doc["stars"]) == 30


def test_reading_works_when_the_states_folder_cannot_exist(tmp_path):
    """The state's parent is a plain file: the config beside it cannot be read ("Not a
    directory"), which ended the command with status 2. No config is the defaults, with a notice."""
    (tmp_path / "file").write_text("a plain file where a folder should be")
    pid, fd = start_command([sys.executable, "-m", "reader", str(TODAY)], reader_env(tmp_path / "file" / "state.toml"))
    try:
        assert b"ICONIC-444" in read_until(fd, b"ICONIC-444"), "the digest is shown"
        os.write(fd, b"q")
        status = drain(fd, pid, timeout=30)
    finally:
        os.close(fd)
    assert status == 0, "nothing was marked, so nothing is lost"


def test_q_ends_the_app_while_another_process_holds_the_lock_and_rescues_the_marks(tmp_path):
    """Another process holding the lock kept the app from ever exiting after q."""
    state = tmp_path / "state.toml"
    state.write_text("version = 1\n", encoding="utf-8")
    lock = os.open(tmp_path / "state.toml.lock", os.O_RDONLY | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        pid, fd = start_command([sys.executable, "-m", "reader", str(TODAY)], {**reader_env(state), "TMPDIR": str(tmp_path)})
        try:
            assert b"ICONIC-444" in read_until(fd, b"ICONIC-444", timeout=30)
            os.write(fd, b"s")
            time.sleep(0.3)
            os.write(fd, b"q")
            status = drain(fd, pid, timeout=45)
        finally:
            os.close(fd)
    finally:
        os.close(lock)
    assert status == 1
    [rescued] = tmp_path.glob("state.toml.rescue-*.toml")
    assert '[stars."2601.10802"]' in rescued.read_text(encoding="utf-8")
    assert state.read_text(encoding="utf-8") == "version = 1\n"


def test_a_broken_config_at_start_opens_the_reader_with_the_defaults_and_says_why(tmp_path):
    """Issue 13: a typo in the config (an unclosed array) ended the command with status 2."""
    config = tmp_path / "config.toml"
    config.write_text('interests = ["diffusion", "ood"\nmark_read = "manual"\n', encoding="utf-8")
    argv = [sys.executable, "-m", "reader", "--config", str(config), str(TODAY)]
    pid, fd = start_command(argv, reader_env(tmp_path / "state.toml"))
    try:
        seen = read_until(fd, b"line 2")
        assert b"ICONIC-444" in seen or b"ICONIC-444" in read_until(fd, b"ICONIC-444"), "the reader opened"
        assert b"line 2" in seen, "the notice says where the file is broken"
        os.write(fd, b"q")
        status = drain(fd, pid, timeout=30)
    finally:
        os.close(fd)
    assert status == 0
