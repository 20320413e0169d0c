"""The command at the edges (issue 11): state, config and -o paths that are not what they seem.

Each case runs the real command. Files, FIFOs, links and mounts are made in tmp_path (device
nodes only inside a private mount namespace); the machine's own files are never opened for
writing. Bad input ends with one line on stderr and exit status 2, and touches nothing.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from app_support import TODAY

from reader.core.model import Paper
from reader.core.sanitize import UNSAFE
from reader.core.store import MarkStore

ROOT = Path(__file__).resolve().parents[1]
GUARD = 60
"""Seconds after which a command counts as hung (a guard, not a speed limit)."""
MEMORY = 2 * 1024**3
"""An address-space limit for commands that could read a device forever (so a regression fails
with MemoryError instead of waking the OOM killer)."""


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(*args: str, state: Path | str, env: dict | None = None, **options) -> subprocess.CompletedProcess:
    env = {**os.environ, "DIGEST_READER_STATE": str(state), **(env or {})}
    env.pop("DIGEST_READER_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, env=env, timeout=GUARD,
        stdin=subprocess.DEVNULL, preexec_fn=limit_memory, cwd=ROOT, check=False, **options,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("digest-reader: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def starred_state(path: Path, count: int = 2) -> Path:
    store = MarkStore.open(path, save_delay=None)
    for n in range(count):
        store.star(Paper(id=f"2601.{n:05d}", title=f"Paper {n}", url=f"https://arxiv.org/abs/2601.{n:05d}"))
    store.close()
    return path


# -- 1. --state that is not a state file ----------------------------------------------------------


@pytest.mark.parametrize("mode", [["--export", "json"], []])
def test_a_state_path_naming_the_users_notes_is_refused_and_the_notes_stay(tmp_path, mode):
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n- read the diffusion paper\n", encoding="utf-8")
    result = run(*(mode or [str(TODAY)]), state=notes)  # --export, or the app (refused before it starts)
    assert_one_line_error(result, str(notes), "not touched")
    assert notes.read_text(encoding="utf-8") == "# Notes\n\n- read the diffusion paper\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.md"]


def test_state_and_config_swapped_leave_the_config_alone(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('mark_read = "manual"\ninterests = ["diffusion"]\n', encoding="utf-8")
    result = run("--export", "json", "--state", str(config), state=tmp_path / "unused.toml")
    assert_one_line_error(result, "config.toml", "not touched")
    assert config.read_text(encoding="utf-8") == 'mark_read = "manual"\ninterests = ["diffusion"]\n'


def test_a_fifo_as_the_state_is_refused_at_once(tmp_path):
    fifo = tmp_path / "state.toml"
    os.mkfifo(fifo)
    assert_one_line_error(run("--export", "json", state=fifo), "a FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def in_private_dev(commands: str) -> subprocess.CompletedProcess:
    """Shell ``commands`` in a private mount namespace whose /dev is a fresh tmpfs holding null,
    zero and the stdout link, so that no regression can rename or replace the machine's own
    nodes. Skips where that is not allowed (not root, no unshare, no mknod)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare for a private /dev")
    setup = (
        "mount -t tmpfs -o size=64k,mode=755 tmpfs /dev && mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5"
        " && ln -s /proc/self/fd/1 /dev/stdout || exit 77"
    )
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", f"{setup}; {commands}"],
        capture_output=True, text=True, timeout=GUARD, cwd=ROOT, check=False, preexec_fn=limit_memory,
    )
    if result.returncode == 77:
        pytest.skip(f"a private /dev is not allowed here: {result.stderr.strip()[:200]}")
    return result


def test_a_link_to_dev_zero_as_the_state_or_the_config_is_refused(tmp_path):
    """Read, /dev/zero never ends (MemoryError, or the OOM killer); as a state it must never be
    moved aside. The /dev here is a private tmpfs (see in_private_dev)."""
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    python = f"{sys.executable} -m reader"
    result = in_private_dev(
        f"DIGEST_READER_STATE={link} {python} --export json; echo status=$? >&2; "
        f"{sys.executable} -c 'from reader.core.config import load_config; load_config(\"{link}\")'; echo status=$? >&2; "
        "test -c /dev/zero && echo zero-kept >&2"
    )
    # The state: exit 2. The config: refused without reading (ConfigError; at the start of the
    # reader that is the defaults and a notice, see test_quit_paths).
    assert result.stderr.count("status=2") == 1 and result.stderr.count("status=1") == 1 and "zero-kept" in result.stderr, result.stderr
    assert result.stderr.count("a device") == 2 and "MemoryError" not in result.stderr
    assert link.is_symlink()


def test_a_device_node_as_the_state_is_never_renamed():
    """As root, DIGEST_READER_STATE=/dev/null renamed the node itself. Here /dev is a private tmpfs."""
    result = in_private_dev(
        f"DIGEST_READER_STATE=/dev/null {sys.executable} -m reader --export json; echo status=$? >&2; "
        "test -c /dev/null && echo node-kept >&2; ls -a /dev >&2"
    )
    assert "status=2" in result.stderr and "node-kept" in result.stderr, result.stderr
    assert "a device" in result.stderr and "corrupt" not in result.stderr and "Traceback" not in result.stderr


# -- 6. a state file that cannot be read -------------------------------------------------------------


def test_an_unreadable_state_fails_and_leaves_the_old_export_alone(tmp_path):
    """Run as another user on a 0600 state: it said "exported 0 papers" and emptied the target."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run the command as another user")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody")
    folder = Path(tempfile.mkdtemp(prefix="digest-reader-test-", dir=tmp_path.parent.parent))
    try:
        folder.chmod(0o777)
        state = starred_state(folder / "state.toml")
        state.chmod(0o600)  # root's own file in the test's folder
        old = folder / "starred.bib"
        old.write_text("@misc{kept, title = {The last good export}}\n", encoding="utf-8")
        os.chown(old, nobody.pw_uid, nobody.pw_gid)
        env = {**os.environ, "DIGEST_READER_STATE": str(state), "HOME": str(folder)}
        try:
            result = subprocess.run(
                [sys.executable, "-m", "reader", "--export", "bibtex", "-o", str(old)], capture_output=True, text=True,
                env=env, timeout=GUARD, user=nobody.pw_uid, group=nobody.pw_gid, extra_groups=[], cwd=folder, check=False,
            )
        except PermissionError:
            pytest.skip("user nobody cannot run this Python")
        if "Permission denied" in result.stderr and "marks file" not in result.stderr:
            pytest.skip(f"user nobody cannot run the reader here: {result.stderr.strip()[:200]}")
        assert_one_line_error(result, "cannot read the marks file", str(state))
        assert old.read_text(encoding="utf-8") == "@misc{kept, title = {The last good export}}\n"
    finally:
        shutil.rmtree(folder)


def test_a_state_this_user_cannot_read_fails_the_export_before_the_target_is_touched(tmp_path, monkeypatch, capsys):
    """The same, in the process, for a root that reads every file: reading the state is denied."""
    import builtins

    from reader.cli import main

    state = starred_state(tmp_path / "state.toml")
    old = tmp_path / "starred.bib"
    old.write_text("@misc{kept}\n", encoding="utf-8")
    real_open, real_os_open = builtins.open, os.open

    def denied(path) -> bool:
        return os.fspath(path) == str(state)

    def fake_open(path, *args, **kwargs):
        if not isinstance(path, int) and denied(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    def fake_os_open(path, flags, *args, **kwargs):
        if denied(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    with pytest.raises(SystemExit) as exit_:
        main(["--export", "bibtex", "-o", str(old), "--state", str(state)])
    monkeypatch.undo()
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("digest-reader: error: cannot read the marks file") and error.count("\n") == 1
    assert old.read_text(encoding="utf-8") == "@misc{kept}\n"


# -- 10. another process holds the lock -------------------------------------------------------------


def test_export_waits_a_bounded_time_for_a_held_lock_then_fails_clearly(tmp_path):
    state = starred_state(tmp_path / "state.toml")
    fd = os.open(tmp_path / "state.toml.lock", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        result = run("--export", "json", "-o", str(tmp_path / "out.json"), state=state)
    finally:
        os.close(fd)
    assert result.returncode == 2 and not (tmp_path / "out.json").exists()
    waiting, error = result.stderr.splitlines()
    assert "waiting for another process" in waiting and error.startswith("digest-reader: error: ") and "lock" in error


# -- 2. export -o: links, FIFOs, standard output, modes ----------------------------------------------


def test_export_through_a_symlink_updates_its_target_and_keeps_the_link(tmp_path):
    state = starred_state(tmp_path / "state.toml")
    target = tmp_path / "papers" / "starred.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "starred.json"
    link.symlink_to(target)
    result = run("--export", "json", "-o", str(link), state=state)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert '"id": "2601.00001"' in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640, "the file keeps its mode"
    assert not list(tmp_path.glob(".*.tmp")) and not list(target.parent.glob(".*.tmp"))


def test_export_to_a_fifo_is_refused_and_the_fifo_stays(tmp_path):
    state = starred_state(tmp_path / "state.toml")
    fifo = tmp_path / "out.bib"
    os.mkfifo(fifo)
    assert_one_line_error(run("--export", "bibtex", "-o", str(fifo), state=state), "a FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_to_standard_output_by_name_prints_it(tmp_path):
    state = starred_state(tmp_path / "state.toml")
    result = run("--export", "json", "-o", "-", state=state)
    assert result.returncode == 0 and '"id": "2601.00001"' in result.stdout
    assert not (ROOT / "-").exists()


def test_export_to_dev_stdout_prints_and_leaves_the_link(tmp_path):
    """-o /dev/stdout printed nothing and replaced the node. /dev here is a private tmpfs."""
    state = starred_state(tmp_path / "state.toml")
    result = in_private_dev(
        f"DIGEST_READER_STATE={state} {sys.executable} -m reader --export json -o /dev/stdout; echo status=$? >&2; "
        "test -L /dev/stdout && echo link-kept >&2"
    )
    assert "status=0" in result.stderr and "link-kept" in result.stderr, result.stderr
    assert '"id": "2601.00001"' in result.stdout


@pytest.mark.parametrize("option", [["--export", "json", "-o", ""], ["--state", "", "--export", "json"]])
def test_an_empty_path_is_an_error_not_a_default(tmp_path, option):
    result = run(*option, state=tmp_path / "state.toml")
    assert result.returncode == 2 and "empty" in result.stderr and "Traceback" not in result.stderr
    assert ". is a directory" not in result.stderr


# -- 7. what reaches the terminal is cleaned ----------------------------------------------------------


def test_escape_bytes_in_the_state_file_and_its_path_never_reach_stderr(tmp_path):
    folder = tmp_path / "\x1b]52;c;aGk=\x07"
    folder.mkdir()
    state = folder / "state.toml"
    state.write_text('version = 1\n[read]\n"\\u001b]52;c;aGk=\\u0007" = 5\n[stars."\\u001b]0;t\\u0007"]\nauthors = 3\n', encoding="utf-8")
    result = run("--export", "json", state=state)
    assert result.returncode == 0 and "warning" in result.stderr
    assert not UNSAFE.search(result.stderr.replace("\n", ""))


def test_escape_bytes_in_a_typed_path_are_cleaned(tmp_path):
    folder = tmp_path / "x\x1b]0;title\x07"
    folder.mkdir()
    result = run("--paths", state=folder / "state.toml")
    assert result.returncode == 0 and not UNSAFE.search(result.stdout.replace("\n", ""))
    notes = folder / "notes.md"
    notes.write_text("# Notes\n", encoding="utf-8")
    result = run("--export", "json", state=notes)
    assert result.returncode == 2 and not UNSAFE.search(result.stderr.replace("\n", ""))
