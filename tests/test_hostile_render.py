"""Random hostile digests, parsed and drawn: only DigestError escapes, no escape byte is drawn.

Digests follow the current template (``### [N] [TITLE](URL)``, ``*AUTHORS*``, ``Main category:``,
``TL;DR:``, a ``<details>`` block with the other fields and the abstract) with every field made
of control characters, escape sequences, markup-looking text (``[b]``, ``[/]``,
``[@click=app.quit]``), LaTeX (``$``, backslashes, braces) and random Unicode.

Drawing needs a running app (component styles, the console), and starting one costs far more
than drawing a paper, so each hypothesis example starts one app (with an in-memory store: no
file is ever written) and draws a batch of digests inside it with ``data.draw``.
"""

from __future__ import annotations

import asyncio
import re

from app_support import RecordingOpener
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.tui.app import DigestReader
from reader.core.config import Config
from reader.core.model import SUMMARY_FIELDS, Digest, DigestError
from reader.core.latex import to_unicode
from reader.core.parse import parse_bytes, parse_text
from reader.core.store import MarkStore
from reader.tui.widgets.paper_detail import DetailOptions

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ud800-\udfff]")
"""C0 and C1 controls (ESC among them), bidi controls and lone surrogates."""

CONTROLS = [chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))] + list(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u2028\u2029\ufeff\u200b\u200d"
) + ["\ud800", "\udbff", "\udc00", "\udfff"]
PIECES = [
    # markup, Rich and Textual
    "[b]", "[/b]", "[/]", "[@click=app.quit]", "[@click=app.bell]", "[link=http://evil.example]", "[/link]",
    '[link="https://evil.example"]', "[bold red on white]", "[reverse]", "[$accent]", ":smile:", "\\[", "[[", "]]",
    # terminal sequences
    "\x1b[31m", "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://evil.example\x1b\\", "\x1b]0;title\x07",
    "\x9b31m", "\x9d8;;x\x9c", "\x1bP+q\x1b\\", "\r", "\x08", "\x00", "\t",
    # LaTeX and math
    "$", "$$", "$x^2$", "$\\frac{a}{b}$", "$\\alpha_{", "\\", "\\\\", "\\textbf{", "\\emph{x}", "{", "}",
    "\\(", "\\)", "$a_{\\mathcal{B}}$", "^^[", "\\char27", "\\'e", "%",
    # the template's own syntax
    "](", ")", "[", "]", "*", "**", " | ", ":", "TL;DR: ", "Abstract: ", "<details>", "</details>",
    "<summary>Abstract</summary>", "### [", "# ", "\n", "\n\n", "  ",
    # wide, combining and long text
    "数据集", "한국어", "\u0301\u0301\u0301", "e\u0301", "\U0001f600", "\u200b" * 5, "word " * 30,
]
FIELD = st.lists(
    st.one_of(st.sampled_from(PIECES), st.sampled_from(CONTROLS), st.text(max_size=8)), max_size=10
).map("".join)
URL = st.one_of(
    st.integers(1, 99_999).map(lambda n: f"https://arxiv.org/abs/2601.{n:05d}"),
    st.sampled_from(["javascript:alert(1)", "file:///etc/passwd", "", "https://arxiv.org/abs/2601.00001v2"]),
    FIELD,
)


@st.composite
def entries(draw, number: int) -> str:
    """One entry of the current template; any of its lines may be missing."""
    lines = [f"### [{number}] [{draw(FIELD)}]({draw(URL)})"]
    optional = [
        f"*{draw(FIELD)}*\n",
        f"Main category: {draw(FIELD)}\n",
        f"TL;DR: {draw(FIELD)}\n\n",
        "<details>\n  <summary>Details</summary>",
        f"Motivation: {draw(FIELD)}\n",
        f"Method: {draw(FIELD)}\n{draw(FIELD)}\n",
        f"Result: {draw(FIELD)}\n",
        f"Conclusion: {draw(FIELD)}\n",
        f"**{draw(FIELD)}:** {draw(FIELD)}\n",
        f"Abstract: {draw(FIELD)}\n\n  {draw(FIELD)}\n",
        "</details>\n\n",
    ]
    keep = draw(st.lists(st.booleans(), min_size=len(optional), max_size=len(optional)))
    lines += [line for line, kept in zip(optional, keep) if kept or not draw(st.booleans())]
    return "\n".join(lines) + "\n"


@st.composite
def digests(draw) -> str:
    """A digest: maybe a table of contents, then sections of entries, with junk between."""
    parts = []
    if draw(st.booleans()):
        parts.append("<div id=toc></div>\n\n# Table of Contents\n\n- [cs.CV](#cs.CV) [Total: 1]\n\n")
    number = 1
    for _ in range(draw(st.integers(1, 2))):
        parts.append(f"<div id='{draw(FIELD)}'></div>\n\n# {draw(FIELD)} [[Back]](#toc)\n\n")
        for _ in range(draw(st.integers(1, 3))):
            parts.append(draw(entries(number)))
            number += 1
        if draw(st.booleans()):
            parts.append(draw(FIELD) + "\n\n")
    return "".join(parts)


def assert_clean_model(digest: Digest) -> None:
    assert not UNSAFE.search(digest.name)
    for section in digest.sections:
        assert not UNSAFE.search(section.name) and "\n" not in section.name, section.name
    for paper in digest.papers:
        for key, value in paper.to_dict().items():
            texts = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
            if isinstance(value, dict):
                texts = [text for pair in value.items() for text in pair]
            multiline = key in (*SUMMARY_FIELDS, "abstract", "extra")
            for text in texts:
                assert not UNSAFE.search(text.replace("\n", "") if multiline else text), (key, text)


def parse_or_none(text: str, name: str) -> Digest | None:
    """The digest, or None when the parser refuses it; any other exception fails the test."""
    try:
        digest = parse_text(text, name)
    except DigestError as error:
        assert "internal error" not in str(error) and "\n" not in str(error), str(error)
        return None
    assert_clean_model(digest)
    return digest


FUZZ = settings(
    max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@FUZZ
@given(digests(), FIELD)
def test_random_hostile_digests_parse_or_raise_only_digest_error(text, name):
    parse_or_none(text, name + ".md")
    try:
        digest = parse_bytes(text.encode("utf-8", "surrogatepass"), name)
    except DigestError as error:
        assert "internal error" not in str(error) and "\n" not in str(error), str(error)
    else:
        assert_clean_model(digest)


def assert_strip_safe(strip, where: str) -> None:
    text = strip.text
    assert not UNSAFE.search(text), (where, text)
    assert "\n" not in text, (where, text)
    for segment in strip:
        assert not segment.control, (where, segment)
        if segment.style is not None:
            assert not segment.style.link, (where, segment)
            assert "@click" not in (segment.style.meta or {}), (where, segment)


async def draw(app: DigestReader, pilot, digest: Digest) -> None:
    """Draw a digest's papers in the detail pane (both views, LaTeX converted and raw) and the list."""
    detail, rows = app.main.detail, app.main.paper_list
    papers = digest.papers[:4]
    for paper in papers:
        for view in ("summary", "abstract"):
            for math in (to_unicode, str):  # LaTeX shown as Unicode (the default), and raw
                detail.show_paper(paper, DetailOptions(view=view, math=math, starred=True, read=True))
                for y in range(detail.virtual_size.height + 1):
                    assert_strip_safe(detail.render_line(y), f"detail {view} line {y}")
    rows.show(papers)
    for y in range(len(papers) + 1):
        assert_strip_safe(rows.render_line(y), f"list row {y}")
    await pilot.pause()  # the app reacts to the new list: it redraws the detail pane its own way
    for row in app.screen._compositor.render_full_update().strips:
        for strip in row:
            assert_strip_safe(strip, "screen")


RENDER_FUZZ = settings(
    max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def test_random_hostile_papers_render_without_escapes():
    """One app for the whole test; hypothesis runs in a worker thread and hands each digest to the
    app's event loop, so a hundred examples (and their shrinking) cost one app start."""

    async def main() -> None:
        app = DigestReader(
            store=MarkStore.open(None), config=Config(mark_read="manual"), digest=Digest(name="fuzz"),
            open_url=RecordingOpener(),
        )
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            loop = asyncio.get_running_loop()

            @RENDER_FUZZ
            @given(digests())
            def check(text: str) -> None:
                digest = parse_or_none(text, "fuzz.md")
                if digest is not None:
                    asyncio.run_coroutine_threadsafe(draw(app, pilot, digest), loop).result(timeout=60)

            await asyncio.to_thread(check)

    asyncio.run(main())
