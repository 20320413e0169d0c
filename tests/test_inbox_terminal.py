"""The real command in a pseudo-terminal: a digest piped in (``-``), the folder of ``digests`` in
the config when no PATH is given."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from archive_support import week
from app_support import TODAY
from test_quit_paths import drain, read_until, reader_env, start_command


def run_in_terminal(argv: list[str], env: dict[str, str], needle: bytes) -> tuple[bytes, int]:
    """What the screen showed until ``needle`` (or a timeout), and the exit status after q."""
    pid, fd = start_command(argv, env)
    try:
        seen = read_until(fd, needle, timeout=60)
        os.write(fd, b"q")
        status = drain(fd, pid, timeout=30)
    finally:
        os.close(fd)
    return seen, status


def test_a_digest_piped_in_is_read_and_the_keys_come_from_the_terminal(tmp_path):
    command = f"cat {shlex.quote(str(TODAY))} | {shlex.quote(sys.executable)} -m reader -"
    seen, status = run_in_terminal(["/bin/sh", "-c", command], reader_env(tmp_path / "state.toml"), b"ICONIC-444")
    assert b"ICONIC-444" in seen and status == 0


def test_a_digest_piped_in_without_a_terminal_for_the_keys_says_so(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--state", str(tmp_path / "state.toml"), "-"],
        input=TODAY.read_bytes(), capture_output=True, timeout=60, start_new_session=True, check=False,
    )
    assert done.returncode == 2 and done.stderr.decode().count("\n") == 1
    assert "no terminal for the keys" in done.stderr.decode()


def test_no_path_opens_the_folder_of_digests_in_the_config(tmp_path):
    folder = week(tmp_path / "days")
    config = tmp_path / "config.toml"
    config.write_text(f"digests = {str(folder)!r}\n".replace("'", '"'), encoding="utf-8")
    argv = [sys.executable, "-m", "reader", "--config", str(config)]
    seen, status = run_in_terminal(argv, reader_env(tmp_path / "state.toml"), b"Paper number 1")
    assert b"Inbox" in seen and b"Paper number 1" in seen and status == 0
