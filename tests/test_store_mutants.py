"""The state file as a file (ondisk), on its own: the lock's wait, a stable read, the atomic
write and its temp file, moving a file aside and writing a rescue."""

from __future__ import annotations

import errno
import fcntl
import os

import pytest

from reader.core.store import ondisk


def test_the_first_wait_for_a_held_lock_is_the_whole_wait_and_its_error_is_a_would_block(tmp_path, monkeypatch):
    monkeypatch.setattr(ondisk, "LOCK_WAIT", 0.3)
    state = tmp_path / "state.toml"
    other = os.open(tmp_path / "state.toml.lock", os.O_RDONLY | os.O_CREAT, 0o600)
    fcntl.flock(other, fcntl.LOCK_EX)  # another process's lock (another open file description)
    lock = ondisk.StateLock(state)
    try:
        with pytest.raises(ondisk.LockTimeout) as error:
            with lock.held(wait=True):
                pass
        assert error.value.errno == errno.EWOULDBLOCK and str(error.value).endswith("for over 0.3 s")
        with pytest.raises(ondisk.LockTimeout, match="for over 0.2 s"):  # stuck: the next waits are short
            with lock.held(wait=True):
                pass
    finally:
        lock.close()
        os.close(other)


def test_a_folder_at_the_path_is_named_in_the_error(tmp_path):
    with pytest.raises(IsADirectoryError) as error:
        ondisk.read_stable(tmp_path)
    assert error.value.filename == str(tmp_path)


def test_a_file_of_the_limit_is_read_and_a_larger_one_is_refused_in_whole_megabytes(tmp_path, monkeypatch):
    monkeypatch.setattr(ondisk, "MAX_STATE_BYTES", 2**20)
    path = tmp_path / "state.toml"
    path.write_bytes(b"x" * 2**20)
    data, stamp = ondisk.read_stable(path)
    assert data == b"x" * 2**20 and stamp == ondisk.stamp_of(os.stat(path))
    path.write_bytes(b"x" * (2**20 + 1))
    with pytest.raises(ondisk.NotOurs) as error:
        ondisk.read_stable(path)
    assert str(error.value) == "it is larger than 1 MB"


def test_known_bytes_are_taken_only_for_the_same_stamp(tmp_path):
    path = tmp_path / "state.toml"
    path.write_bytes(b"on disk")
    stamp = ondisk.stamp_of(os.stat(path))
    assert ondisk.read_stable(path, (b"known", stamp)) == (b"known", stamp)
    assert ondisk.read_stable(path, (b"known", (0, 0, 0))) == (b"on disk", stamp)


def test_the_temp_file_of_a_write_is_one_a_later_writer_clears(tmp_path, monkeypatch):
    path = tmp_path / "state.toml"
    temps = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda source, target: temps.append(os.path.basename(source)) or real(source, target))
    ondisk.write_atomic(path, b"data")
    (tmp_path / temps[0]).write_bytes(b"left by a writer killed mid-save")
    ondisk.remove_stale_temp_files(path)
    assert sorted(os.listdir(tmp_path)) == ["state.toml"] and path.read_bytes() == b"data"


def test_a_write_that_fails_leaves_no_temp_file_and_says_why(tmp_path, monkeypatch):
    def refuse(source, target):
        raise PermissionError(errno.EACCES, "refused")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        ondisk.write_atomic(tmp_path / "state.toml", b"data")
    assert os.listdir(tmp_path) == []


def test_a_file_that_cannot_be_moved_aside_says_why_with_its_errno(tmp_path):
    with pytest.raises(OSError) as error:
        ondisk.move_aside(tmp_path / "missing.toml", "not TOML")
    assert error.value.errno == errno.ENOENT
    assert error.value.strerror == "it is broken (not TOML) and cannot be moved aside (No such file or directory)"


def test_a_rescue_is_a_toml_file_beside_the_state(tmp_path):
    rescue = ondisk.write_rescue(tmp_path / "state.toml", b"version = 1\n")
    assert rescue is not None and rescue.parent == tmp_path and rescue.read_bytes() == b"version = 1\n"
    assert rescue.name.startswith("state.toml.rescue-") and rescue.name.endswith(".toml")
