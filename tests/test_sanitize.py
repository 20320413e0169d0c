"""Untrusted text: control characters shown as visible stand-ins, only plain http(s) links."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.sanitize import UNSAFE, clean, is_safe_url


def test_safe_text_comes_back_unchanged():
    text = "Diffusion 模型 — naïve “quotes” \u00a0and ~tilde"
    assert clean(text) == text
    assert clean(text, multiline=True) == text


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x00", "␀"),
        ("\x07", "␇"),
        ("\x1b", "␛"),
        ("\x1f", "␟"),
        ("\x7f", "␡"),
        ("\x80", "\ufffd"),  # first C1 code
        ("\x9b", "\ufffd"),  # CSI
        ("\x9f", "\ufffd"),  # last C1 code
        ("\u202e", "\ufffd"),  # right-to-left override
        ("\u2066", "\ufffd"),
        ("\u061c", "\ufffd"),
        ("\ud800", "\ufffd"),  # lone surrogates, both ends of the range
        ("\udfff", "\ufffd"),
    ],
)
def test_unsafe_characters_become_visible_stand_ins(char, shown):
    assert clean(f"a{char}b") == f"a{shown}b"
    assert clean(f"a{char}b", multiline=True) == f"a{shown}b"


@pytest.mark.parametrize("char", ["\x7e", "\xa0", "\xa1", "\u200b", "\ue000", "\ufffd"])
def test_neighbours_of_the_unsafe_ranges_are_kept(char):
    assert clean(f"a{char}b") == f"a{char}b"


def test_newlines_are_kept_only_in_multiline_text():
    assert clean("one\ntwo") == "one␊two"
    assert clean("one\ntwo", multiline=True) == "one\ntwo"


def test_tab_becomes_a_space_and_carriage_return_disappears():
    assert clean("a\tb\r\nc") == "a b␊c"
    assert clean("a\tb\r\nc", multiline=True) == "a b\nc"


@given(st.text())
def test_cleaned_text_holds_nothing_unsafe_and_keeps_every_safe_character(text):
    cleaned = clean(text)
    assert not UNSAFE.search(cleaned)
    without_returns = text.replace("\r", "")  # the only character dropped, not replaced
    assert len(cleaned) == len(without_returns)
    assert all(shown == char for shown, char in zip(cleaned, without_returns) if not UNSAFE.match(char))


@given(st.text(alphabet=st.sampled_from("ab\n\t\r\x1b\x85\u202e\ud800 中")))
def test_multiline_text_is_cleaned_as_one_line_text_is_except_its_newlines(text):
    """The multiline fast path (newlines alone change nothing) must miss no other character."""
    assert clean(text, multiline=True) == clean(text.replace("\n", "\x00")).replace("\u2400", "\n")


@pytest.mark.parametrize(
    "url",
    ["https://arxiv.org/abs/2601.00001", "http://arxiv.org/pdf/2601.00001v2", "HTTPS://ARXIV.ORG", "https://a", "http://a",
     "https://example.org/go?to=http://"],
)
def test_plain_http_links_are_safe(url):
    assert is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "http://",
        "https://",
        "HTTPS://",
        "ftp://arxiv.org/x",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "arxiv.org/abs/2601.00001",
        "https://arxiv.org/abs/2601\x1b[31m",
        "https://arxiv.org/\x9b31m",
        "https://arxiv.org/\u202eevil",
        " https://arxiv.org/abs/2601.00001",
        "https://arxiv.org/abs/2601.00001 ",
        "https://arxiv.org/a b",
        "https://arxiv.org/a\u00a0b",
        "https://arxiv.org/a\u2028b",
        "https://arxiv.org/a\u3000b",
    ],
)
def test_other_links_are_refused(url):
    assert not is_safe_url(url)
