"""The last digest opened, kept parsed: the same file as it was opens from the cache, anything
else (another file, an edit, other parser code, a damaged cache) is parsed again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import reader.core.digestcache as digestcache
import reader.core.loading as loading
from reader.core.digestcache import DigestCache
from reader.core.loading import BACKGROUND_PARSE_BYTES, open_digest
from reader.core.model import DigestError
from reader.core.parse import load

CORPUS = Path(__file__).parent / "corpus"
TODAY = CORPUS / "today.md"


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The names of the files parsed through open_digest's cache path."""
    seen: list[str] = []
    real = loading.parse_read

    def counting(data: bytes, name: str):
        seen.append(name)
        return real(data, name)

    monkeypatch.setattr(loading, "parse_read", counting)
    return seen


@pytest.fixture
def cache(tmp_path) -> DigestCache:
    return DigestCache(tmp_path / "cache" / "digest.pickle")


def test_the_same_file_opens_from_the_cache_as_it_parses(tmp_path, cache, parses):
    first = open_digest(TODAY, cache)
    assert parses == ["today.md"] and cache.path.is_file()
    second = open_digest(TODAY, cache)
    assert parses == ["today.md"], "the second open parsed again"
    assert second == first == load(TODAY)
    assert second is not first


@pytest.mark.parametrize("file", sorted(CORPUS.rglob("*.md")) + sorted(CORPUS.rglob("*.jsonl")), ids=lambda path: path.name)
def test_every_real_file_opens_from_the_cache_as_load_reads_it(tmp_path, file):
    """Read once to fill the cache and once from it: both what load() makes of the file (a file
    that is no digest raises the same error each time and leaves no cache)."""
    cache = DigestCache(tmp_path / "digest.pickle")
    try:
        expected = load(file)
    except DigestError as error:
        for _ in range(2):
            with pytest.raises(DigestError, match=str(error)[:20]):
                open_digest(file, cache)
        assert not cache.path.exists()
        return
    assert open_digest(file, cache) == expected
    assert open_digest(file, cache) == expected


def test_an_edited_file_of_the_same_size_is_parsed_again(tmp_path, cache, parses):
    day = tmp_path / "today.md"
    shutil.copy(TODAY, day)
    open_digest(day, cache)
    text = day.read_bytes()
    day.write_bytes(text.replace(b"ICONIC-444", b"ICONIC-555", 1))
    assert open_digest(day, cache) == load(day)
    assert len(parses) == 2


def test_the_same_text_under_another_name_is_parsed_again(tmp_path, cache, parses):
    """The name gives a digest its date and title: a copy is another digest."""
    copy = tmp_path / "2026-01-02.md"
    shutil.copy(TODAY, copy)
    open_digest(TODAY, cache)
    assert open_digest(copy, cache).name == load(copy).name
    assert parses == ["today.md", "2026-01-02.md"]


def test_other_parser_code_parses_again(tmp_path, cache, parses, monkeypatch):
    open_digest(TODAY, cache)
    changed = tmp_path / "markdown.py"
    changed.write_text("# another version of the parser\n")
    monkeypatch.setattr(digestcache, "_CODE", (*digestcache._CODE, changed))
    open_digest(TODAY, cache)
    assert len(parses) == 2


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\n\x80\x05", None])
def test_a_damaged_cache_is_parsed_past_and_replaced(tmp_path, cache, parses, damage):
    open_digest(TODAY, cache)
    made_from, _, _ = cache.path.read_bytes().partition(b"\n")
    cache.path.write_bytes(made_from + b"\nnot a pickle" if damage is None else damage)
    assert open_digest(TODAY, cache) == load(TODAY)
    assert open_digest(TODAY, cache) == load(TODAY)
    assert len(parses) == 2, "parsed past the damage once, then the replaced cache served"


def test_a_cache_that_cannot_be_written_costs_only_the_speed(tmp_path, parses):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    cache = DigestCache(blocker / "digest.pickle")
    assert open_digest(TODAY, cache) == load(TODAY)
    assert open_digest(TODAY, cache) == load(TODAY)
    assert len(parses) == 2


def test_a_big_file_is_left_to_the_loader_and_not_cached(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(loading, "BACKGROUND_PARSE_BYTES", TODAY.stat().st_size - 1)
    assert open_digest(TODAY, cache) == TODAY
    assert not cache.path.exists()
    assert BACKGROUND_PARSE_BYTES > TODAY.stat().st_size


def test_a_symlink_is_its_own_digest(tmp_path, cache):
    """A digest's name (and, for a name with a date, its day) is the name it is opened by: a
    link and the file it points to are two digests, though one file."""
    day = tmp_path / "2026-01-05.md"
    shutil.copy(TODAY, day)
    link = tmp_path / "latest.md"
    link.symlink_to(day)
    assert open_digest(link, cache).name == load(link).name
    assert open_digest(day, cache) == load(day) and load(day).name != load(link).name
    assert open_digest(link, cache) == load(link)


BOM, UTF16 = b"\xef\xbb\xbf", b"\xff\xfe"
ODD_STARTS = {
    "BOM and a UTF-16 mark": BOM + UTF16 + b"junk\n\n",
    "three BOMs": BOM * 3,
    "two BOMs": BOM * 2,
}


@pytest.mark.parametrize("start", ODD_STARTS.values(), ids=ODD_STARTS.keys())
@pytest.mark.parametrize("digest", [TODAY, CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2026-05-21.jsonl"], ids=["markdown", "jsonl"])
def test_odd_byte_order_marks_open_as_load_reads_them(tmp_path, cache, start, digest):
    """The cache's path reads the file once and parses those bytes: as load() does, BOM and UTF-16
    taken off once (parsing them as a file's bytes again took a second BOM off)."""
    odd = tmp_path / digest.name
    odd.write_bytes(start + digest.read_bytes())
    try:
        expected = load(odd)
    except DigestError as error:
        with pytest.raises(DigestError, match=re.escape(str(error))):
            open_digest(odd, cache)
        return
    assert open_digest(odd, cache) == expected
