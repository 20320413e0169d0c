"""The parsed stylesheets kept between starts: a second start parses no CSS and looks the same;
a damaged, foreign or unwritable cache only costs the speed-up."""

from __future__ import annotations

import os
import pickle
import time

import pytest
import textual.css.stylesheet

from app_support import TODAY, make_app
from test_quit_paths import drain, read_until, start

from reader.cli import DIGEST_CACHE, STYLE_CACHE
from reader.core.config import cache_file
from reader.core.parse import load
from reader.tui.stylesheets import StyleCache


def _cached_app(tmp_path, cache):
    app = make_app(tmp_path / "state")
    app._style_cache = StyleCache(cache)
    app._style_cache.fill(app.stylesheet)
    return app


async def _screenshot_and_save(app) -> str:
    """The first frame's looks, once the app saved its cache (the saving thread joined)."""
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shot = app.export_screenshot()
    if app._style_cache.writer is not None:
        app._style_cache.writer.join()
    return shot


def _read(cache) -> tuple[bytes, dict]:
    """(the line naming what the rules were made with, the rules) of a cache file."""
    version, _, rules = cache.read_bytes().partition(b"\n")
    return version, pickle.loads(rules)


def _count_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = textual.css.stylesheet.parse

    def counting(scope, css, read_from, *args, **kwargs):
        parsed.append(str(read_from))
        return real(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(textual.css.stylesheet, "parse", counting)
    return parsed


async def test_a_second_start_parses_no_css_and_looks_the_same(tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "styles.pickle"
    parsed = _count_parses(monkeypatch)
    first = await _screenshot_and_save(_cached_app(tmp_path, cache))
    assert any("reader.tcss" in source for source in parsed)
    assert cache.is_file()
    saved = cache.stat().st_mtime_ns

    parsed.clear()
    second = await _screenshot_and_save(_cached_app(tmp_path, cache))
    assert parsed == []
    assert second == first
    assert cache.stat().st_mtime_ns == saved  # nothing new: not written again


async def test_an_edited_stylesheet_is_parsed_again(tmp_path, monkeypatch):
    cache = tmp_path / "styles.pickle"
    await _screenshot_and_save(_cached_app(tmp_path, cache))
    version, rules = _read(cache)
    ours = next(key for key in rules if "reader.tcss" in str(key[1]))
    rules[(ours[0] + "\n/* edited */\n", *ours[1:])] = rules.pop(ours)  # the cache holds an older text
    cache.write_bytes(version + b"\n" + pickle.dumps(rules))
    parsed = _count_parses(monkeypatch)
    await _screenshot_and_save(_cached_app(tmp_path, cache))
    assert [source for source in parsed if "reader.tcss" in source]


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"another version\n" + pickle.dumps({}), pickle.dumps(42), b"\n" + pickle.dumps(42)])
async def test_a_damaged_or_foreign_cache_is_parsed_past_and_replaced(tmp_path, monkeypatch, damage):
    cache = tmp_path / "styles.pickle"
    cache.write_bytes(damage)
    parsed = _count_parses(monkeypatch)
    await _screenshot_and_save(_cached_app(tmp_path, cache))
    assert any("reader.tcss" in source for source in parsed)
    version, rules = _read(cache)
    assert version != b"another version" and rules


async def test_a_damaged_cache_of_this_version_is_parsed_past(tmp_path, monkeypatch):
    cache = tmp_path / "styles.pickle"
    await _screenshot_and_save(_cached_app(tmp_path, cache))
    version, _ = _read(cache)
    cache.write_bytes(version + b"\nnot a pickle")
    parsed = _count_parses(monkeypatch)
    await _screenshot_and_save(_cached_app(tmp_path, cache))
    assert any("reader.tcss" in source for source in parsed)
    assert _read(cache)[0] == version


async def test_a_cache_that_cannot_be_written_costs_nothing_but_speed(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    app = _cached_app(tmp_path, blocker / "styles.pickle")
    await _screenshot_and_save(app)
    assert blocker.read_text() == "a file where the cache folder should be"


def test_the_command_keeps_its_parsed_styles_and_digest_in_the_cache_folder(tmp_path):
    """The real command (the tests' cache folder is $DIGEST_READER_CACHE's) writes the rules of
    every stylesheet it parsed, ours among them, once its first frame is shown; and the digest
    it opened, parsed."""
    cache = cache_file(STYLE_CACHE)
    pid, fd = start(tmp_path / "state.toml")
    try:
        assert b"ICONIC-444" in read_until(fd, b"ICONIC-444")
        deadline = time.monotonic() + 20
        while not cache.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.write(fd, b"q")
        assert drain(fd, pid) == 0
    finally:
        os.close(fd)
    _, rules = _read(cache)
    assert any("reader.tcss" in str(read_from) for _, read_from, *_ in rules)
    # (the command may run the source checkout's code, this test the installed copy's: the digest
    # is compared, not the line that says which code made it)
    _, _, parsed = cache_file(DIGEST_CACHE).read_bytes().partition(b"\n")
    assert pickle.loads(parsed) == load(TODAY)


async def test_rules_of_stylesheets_no_longer_used_leave_the_cache(tmp_path):
    cache = tmp_path / "styles.pickle"
    await _screenshot_and_save(_cached_app(tmp_path, cache))
    version, rules = _read(cache)
    ours = next(key for key in rules if "reader.tcss" in str(key[1]))
    rules[("Gone { color: red; }", ("/an/older/install/reader.tcss", ""), False, 0, "")] = []
    rules[("Edited { color: red; }", *ours[1:])] = []
    cache.write_bytes(version + b"\n" + pickle.dumps(rules))
    await _screenshot_and_save(_cached_app(tmp_path, cache))
    _, kept = _read(cache)
    assert set(kept) == {key for key in rules if "{ color: red; }" not in key[0]}
