"""The last mark reaches the disk however the app ends: q, Ctrl+C, SIGTERM, a closed terminal.

The real command runs in a pseudo-terminal; a key is typed, and the app is ended at
once, well before the store's background save would have run on its own.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

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
        assert status == 0, f"attempt {attempt}"


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
