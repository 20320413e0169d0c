"""Hostile input: whatever the text, the parser raises only DigestError and yields clean strings."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.model import SUMMARY_FIELDS, DigestError
from reader.core.parse import iter_parse, parse_bytes, parse_text

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MULTILINE = {*SUMMARY_FIELDS, "abstract"}
LINE_STARTS = [
    "### [1] [", "### [", "# cs.CV ", "## ", "### 目录", "<details>", "</details>", "<summary>Abstract</summary>",
    "  <summary>Details</summary>", "TL;DR: ", "Task: ", "Motivation: ", "Abstract: ", "Main category: ",
    "**Keywords:** ", "**TL;DR**: ", "**Main category: cs.CR**", "> **摘要翻译:** ", "> *", "*", "*A, B* | ",
    "Catalog: X | Source: arXiv", "\t1. ", "  ", "- ", "{", '{"id": "2601.1", "title": "', "# Table of Contents",
]
PIECES = [
    "](https://arxiv.org/abs/2601.10802v2)", "](", ")", "[", "]", "[[Back]](#toc)", "[bold]", "[/]", "*", "**",
    ":", " | ", "Error", "Summary generation failed", "?", '"}', "\r", "\x00", "\x1b[2J", "\x07", "\x85",
    "\u202e", "\ufeff", "\u2028", "\x0c",
]
LINE = st.tuples(
    st.sampled_from(["", *LINE_STARTS]),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=6).map("".join),
).map("".join)
TEXT = st.lists(LINE, max_size=30).map("\n".join)
"""Lines that start like digest markup and go on with markup-like or random text."""


def check(digest) -> None:
    """Every string field is free of control characters; only multi-line fields have newlines."""
    for section in digest.sections:
        assert not CONTROL.search(section.name) and "\n" not in section.name
    for section, paper in digest.entries:
        assert paper in digest.papers and paper in next(s.papers for s in digest.sections if s.name == section)
        for key, value in paper.to_dict().items():
            texts = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
            if key == "extra":
                assert not any("\n" in label for label in value)
                texts = [text for pair in value.items() for text in pair]
            for text in texts:
                assert not CONTROL.search(text), (key, text)
                assert key in MULTILINE or key == "extra" or "\n" not in text, (key, text)


def parse_or_refuse(function, *args) -> None:
    """The parse either succeeds with clean output or refuses with a DigestError that is no bug."""
    try:
        check(function(*args))
    except DigestError as error:
        assert "internal error" not in str(error)
        assert "\n" not in str(error)


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(TEXT)
def test_parse_text_never_fails_and_output_is_clean(text):
    parse_or_refuse(parse_text, text, "fuzz_2025-09-03.md")


@FUZZ
@given(st.one_of(st.binary(max_size=200), TEXT.map(lambda text: text.encode("utf-8", "surrogatepass"))))
def test_parse_bytes_never_fails_and_output_is_clean(data):
    parse_or_refuse(parse_bytes, data, "fuzz.md")


@FUZZ
@given(TEXT)
def test_iter_parse_agrees_with_parse_text(text):
    try:
        whole = parse_text(text, "fuzz.md")
    except DigestError:
        return
    last = None
    for last in iter_parse(text, "fuzz.md", batch=1):
        check(last)
    assert last.entries == whole.entries and last.warnings == whole.warnings
