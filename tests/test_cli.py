"""The command line: --dump, --paths, --export and the one-line errors (exit status 2)."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from app_support import CORPUS, TODAY, make_app, screen_text

from reader.cli import dump_lines, main
from reader.core.parse import load, parse_text
from reader.core.store import MarkStore

DUMP_KEYS = ["id", "version", "title", "url", "authors", "category", "categories", "section", "tldr", "motivation", "method", "result", "conclusion", "abstract", "extra", "pdf"]


def run_cli(*args: str, state: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "DIGEST_READER_STATE": str(state)}
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, env=env, timeout=60, **kwargs)


def test_dump_prints_one_json_object_per_entry(tmp_path, capsys):
    assert main(["--dump", str(TODAY), "--state", str(tmp_path / "s.toml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 128
    first = json.loads(lines[0])
    assert list(first) == DUMP_KEYS
    assert first["id"] == "2601.10802" and first["section"] == "cs.CV"
    assert first["authors"] == ["Gerhard Krumpl", "Henning Avenhaus", "Horst Possegger"]


def test_dump_lines_keys_order_and_nulls():
    lines = list(dump_lines(parse_text(TODAY.read_text("utf-8"), "today.md")))
    assert len(lines) == 128
    row = json.loads(lines[0])
    assert list(row) == DUMP_KEYS
    assert row["version"] is None and row["section"] == "cs.CV" and row["extra"] == {}
    assert '"version": null' in lines[0] and "ICONIC-444是" in lines[0]  # ensure_ascii=False
    assert all("\n" not in line for line in lines)


def test_dump_gives_null_for_placeholder_summaries(tmp_path, capsys):
    main(["--dump", str(CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2026-05-21.md")])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sum(record["tldr"] is None for record in records) == 48


def test_paths_prints_state_and_config(tmp_path):
    result = run_cli("--paths", state=tmp_path / "x" / "state.toml")
    assert result.returncode == 0
    assert str(tmp_path / "x" / "state.toml") in result.stdout
    assert str(tmp_path / "x" / "config.toml") in result.stdout


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make_target, words",
    [
        (lambda tmp: tmp / "missing.md", "no such file"),
        (lambda tmp: tmp, "no digest"),
        (lambda tmp: written(tmp / "README.md", b"# Hello\n\nJust a readme.\n"), "not a digest"),
        (lambda tmp: written(tmp / "blob.md", bytes(range(256)) * 40), "binary"),
        (lambda tmp: written(tmp / "empty.md", b""), "empty"),
    ],
    ids=["missing", "folder-without-digest", "readme", "binary", "empty-file"],
)
def test_bad_paths_end_with_a_one_line_error(tmp_path, make_target, words):
    target = make_target(tmp_path)
    state = tmp_path / "state" / "state.toml"
    result = run_cli(str(target), state=state)
    assert result.returncode == 2
    assert result.stderr.startswith("digest-reader: error:")
    assert words in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert not state.exists(), "a bad digest never touches the state"


def test_bad_export_format_is_a_usage_error(tmp_path):
    result = run_cli("--export", "docx", state=tmp_path / "s.toml")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def starred_state(tmp_path: Path) -> Path:
    state = tmp_path / "state.toml"
    store = MarkStore.open(state, save_delay=None)
    for paper in load(TODAY).papers[:3]:
        store.star(paper, "today.md")
    store.close()
    return state


def test_export_prints_the_starred_papers(tmp_path):
    state = starred_state(tmp_path)
    result = run_cli("--export", "csv", state=state)
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == ["2601.10802", "2601.10835", "2601.10836"]


def test_export_to_a_file_prints_nothing(tmp_path):
    state = starred_state(tmp_path)
    target = tmp_path / "out.json"
    result = run_cli("--export", "json", "-o", str(target), state=state)
    assert result.returncode == 0 and result.stdout == ""
    assert len(json.loads(target.read_text())) == 3


def test_export_with_paths_keeps_only_those_digests(tmp_path):
    state = starred_state(tmp_path)
    other = CORPUS / "KAFKA2306__daily-arXiv-ai-enhanced__2025-11-20.md"
    assert run_cli("--export", "json", str(other), state=state).stdout.strip() == "[]"
    assert len(json.loads(run_cli("--export", "json", str(TODAY), state=state).stdout)) == 3


def test_export_to_an_unwritable_place_says_why(tmp_path):
    state = starred_state(tmp_path)
    result = run_cli("--export", "bibtex", "-o", str(tmp_path / "nope" / "x.bib"), state=state)
    assert result.returncode == 2 and "folder does not exist" in result.stderr


async def test_no_path_opens_the_bundled_sample_and_says_so(tmp_path):
    app = make_app(tmp_path, sample=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "bundled sample" in screen_text(app)


def test_a_start_that_fails_leaves_the_garbage_collector_on(tmp_path, capsys):
    """The TUI start switches the collector off until the first frame; an error must not keep it off."""
    assert gc.isenabled()
    with pytest.raises(SystemExit) as stopped:
        main([str(tmp_path / "missing.md"), "--state", str(tmp_path / "s.toml")])
    assert stopped.value.code == 2
    assert gc.isenabled()


async def test_the_first_frame_switches_the_garbage_collector_back_on(tmp_path):
    gc.disable()  # as `digest-reader` does before the start
    try:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()


def test_python_dash_m_reader_version(tmp_path):
    result = run_cli("--version", state=tmp_path / "s.toml")
    assert result.returncode == 0 and result.stdout.startswith("digest-reader ")


def test_export_warns_about_a_broken_state_file(tmp_path):
    state = tmp_path / "state.toml"
    state.write_text("version = [broken")
    result = run_cli("--export", "json", state=state)
    assert result.stdout.strip() == "[]"
    assert "digest-reader: warning:" in result.stderr and "corrupt" in result.stderr
    assert list(tmp_path.glob("state.toml.corrupt-*")), "the broken bytes are kept"


def test_an_empty_export_says_so_on_stderr_and_still_succeeds(tmp_path):
    """Issue 13: `--export bibtex` with nothing starred printed nothing at all."""
    result = run_cli("--export", "bibtex", state=tmp_path / "s.toml")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.startswith("digest-reader: ") and "nothing is starred" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_the_reader_without_a_terminal_says_so_instead_of_waiting_for_ever(tmp_path):
    """Started with no terminal (stdin from a pipe, say from a script), the app waited for ever
    for keys; such a process was found still running 45 minutes after its caller ended."""
    result = run_cli(str(TODAY), state=tmp_path / "s.toml", stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr == "digest-reader: error: the reader needs a terminal (standard input and error); --dump and --export work without one\n"
    assert not (tmp_path / "s.toml").exists()


def test_each_state_file_has_its_own_parse_cache_in_the_cache_folder(tmp_path, monkeypatch):
    from reader.cli import state_cache

    monkeypatch.setenv("DIGEST_READER_CACHE", str(tmp_path / "cache" / "index.sqlite3"))
    first, second = state_cache(tmp_path / "a" / "state.toml"), state_cache(tmp_path / "b" / "state.toml")
    assert first.parent == second.parent == tmp_path / "cache" and first != second
    assert state_cache(tmp_path / "a" / ".." / "a" / "state.toml") == first
