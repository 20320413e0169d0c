"""The parse cache of the state file: the state as last written, served only for those bytes."""

from __future__ import annotations

import pytest
from test_store import FULL, paper

from reader.core.store import MarkStore, fileformat, parsecache


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setattr(parsecache, "MIN_SAVED", 3)  # a few saved papers stand for thousands
    return tmp_path / "state.toml", tmp_path / "cache" / "state.pickle"


def saved(state, cache, count: int = 3) -> MarkStore:
    store = MarkStore.open(state, save_delay=None, cache=cache)
    store.set_read("2601.00009")
    store.star(FULL, "2026-01-16")
    for number in range(1, count):
        store.add_tag(paper(f"2601.0000{number}"), "Later")
    store.set_note(paper("2601.00001"), "why it matters")
    assert store.flush()
    return store


def no_parsing(monkeypatch):
    def refuse(data):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(fileformat, "parse", refuse)


def test_a_start_after_a_save_takes_the_state_from_the_cache(files, monkeypatch):
    state, cache = files
    saved(state, cache).close()
    assert cache.exists()
    no_parsing(monkeypatch)
    again = MarkStore.open(state, save_delay=None, cache=cache)
    assert again.is_read("2601.00009") and again.star_for(FULL.id).paper == FULL
    assert again.tags_of("2601.00002") == ("Later",) and again.note_of("2601.00001") == "why it matters"
    assert again.notices == [] and again.writable


def test_a_file_changed_by_anyone_else_is_parsed(files):
    state, cache = files
    saved(state, cache).close()
    state.write_bytes(state.read_bytes().replace(b"why it matters", b"edited by hand"))
    assert MarkStore.open(state, save_delay=None, cache=cache).note_of("2601.00001") == "edited by hand"


@pytest.mark.parametrize("content", [b"", b"x" * 40, b"\0" * 32 + b"not a pickle"])
def test_a_broken_cache_is_ignored(files, content):
    state, cache = files
    saved(state, cache).close()
    cache.write_bytes(content)
    again = MarkStore.open(state, save_delay=None, cache=cache)
    assert again.is_read("2601.00009") and again.tags_of("2601.00002") == ("Later",)


def test_a_cache_of_a_reader_with_another_model_is_not_taken(files, monkeypatch):
    state, cache = files
    saved(state, cache).close()
    monkeypatch.setattr(parsecache, "_SHAPE", b"a Paper with other fields")
    parsed = []
    real = fileformat.parse
    monkeypatch.setattr(fileformat, "parse", lambda data: parsed.append(1) or real(data))
    assert MarkStore.open(state, save_delay=None, cache=cache).is_read("2601.00009") and parsed


def test_a_small_state_keeps_no_cache(files):
    state, cache = files
    store = saved(state, cache)
    assert cache.exists()
    store.remove_tag("2601.00001", "Later")  # three saved papers left: the star, one tag, the note's
    store.remove_tag("2601.00002", "Later")
    store.set_note(paper("2601.00001"), "")
    assert store.flush() and not cache.exists()
    store.close()


def test_a_state_with_entries_it_cannot_read_is_parsed_for_their_notice(files):
    state, cache = files
    saved(state, cache).close()
    state.write_text(state.read_text("utf-8") + '\n[stars."2601.77777"]\nauthors = 3\n', "utf-8")
    first = MarkStore.open(state, save_delay=None, cache=cache)
    assert first.notices, "the malformed star is told"
    first.set_read("2601.00008")
    assert first.flush()
    first.close()
    again = MarkStore.open(state, save_delay=None, cache=cache)
    assert again.notices == first.notices[:1] and again.is_read("2601.00008")


def test_a_state_of_exactly_the_minimum_is_cached(files, monkeypatch):
    state, cache = files
    saved(state, cache, count=2).close()  # the star, one tag, one note: three saved papers
    no_parsing(monkeypatch)
    assert MarkStore.open(state, save_delay=None, cache=cache).note_of("2601.00001") == "why it matters"


def test_the_cache_folder_is_made_with_its_parents_and_kept_across_saves(tmp_path, monkeypatch):
    monkeypatch.setattr(parsecache, "MIN_SAVED", 3)
    state, cache = tmp_path / "state.toml", tmp_path / "cache" / "reader" / "state.pickle"
    store = saved(state, cache)
    store.set_read("2601.00008")  # a second save, into the folder the first one made
    assert store.flush()
    store.close()
    no_parsing(monkeypatch)
    assert MarkStore.open(state, save_delay=None, cache=cache).is_read("2601.00008")


def test_a_cache_that_holds_something_else_than_a_state_is_not_taken(tmp_path):
    import pickle

    cache = parsecache.ParseCache(tmp_path / "state.pickle")
    cache.path.write_bytes(parsecache._key(b"data") + pickle.dumps({"stars": {}}))
    assert cache.load(b"data") is None
