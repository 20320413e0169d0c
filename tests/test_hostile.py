"""Hostile digests: markup, terminal escapes, odd links, huge sizes, unreadable files, path tricks.

A digest is text from the internet. Whatever it holds, the reader must show it as plain
characters, keep escape sequences off the terminal, open and copy only http(s) links,
survive sizes no real day has, refuse unreadable files with one line (exit status 2),
and never let the digest decide where anything is written.

App tests run under Pilot on a state file in ``tmp_path``; CLI tests run ``python -m reader``
in a subprocess with ``DIGEST_READER_STATE``, ``DIGEST_READER_CONFIG`` and ``HOME`` in
``tmp_path``, so the real user's files are never touched.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import bibtexparser
import pytest
import rispy
from app_support import RecordingOpener, make_app, screen_text, settle

from reader.tui.app import DigestReader
from reader.core.config import Config
from reader.core.model import SUMMARY_FIELDS, Digest, DigestError, Paper, Star
from reader.core.export import FORMATS, default_path, render
from reader.core.parse import (
    EXTRA_LIMIT,
    FIELD_LIMIT,
    OVERFLOW_SECTION,
    SECTION_LIMIT,
    TITLE_LIMIT,
    load,
    parse_bytes,
    parse_text,
)
from reader.core.sanitize import clean, is_safe_url
from reader.tui.keys import ALL_KEYS
from reader.tui.screens.help import HelpScreen
from reader.core.store import MarkStore
from reader.core.library import STARRED

# --- hostile material ------------------------------------------------------------------------

MARKUP = "[bold red]Markup[/] [link=http://evil.example]Injection[/link]"
"""Rich markup; as Textual markup the unquoted link value is even an error."""
TEXTUAL_MARKUP = '[b]Bold[/b] [@click=app.quit]Quit[/] [link="https://evil.example"]L[/]'
"""Textual content markup, with an action that would quit the app if it were honoured."""
SHORT_MARKUP = "[b]Bold[/b] [@click=app.quit]Quit[/]"
"""Short enough to fit on one line of a notification."""

PAYLOADS = {
    "csi": "\x1b[31m",
    "csi-clear": "\x1b[2J\x1b[H",
    "osc52": "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07",
    "osc8": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "bell": "\x07",
    "backspace": "\x08\x08\x08",
    "nul": "\x00",
    "c1-csi": "\x9b31m",
    "delete": "\x7f",
    "rlo": "\u202e",
    "isolate": "\u2066\u2069",
    "cr": "\rOVERWRITE",
}
"""Terminal control sequences and invisible direction changes, by name."""

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ud800-\udfff]")
"""What may never reach the screen or the model (newline is checked separately)."""


def entry(
    number: int,
    title: str,
    url: str | None = None,
    *,
    authors: str = "Alice Example,Bob Example",
    category: str = "cs.CV",
    tldr: str = "A short summary.",
    motivation: str = "Why.",
    abstract: str = "An abstract.",
) -> str:
    """One entry in the current template (``### [N] [Title](url)``, ``*authors*``, details block)."""
    url = f"https://arxiv.org/abs/2601.{number:05d}" if url is None else url
    link = f"({url})" if url else ""
    return (
        f"### [{number}] [{title}]{link}\n"
        f"*{authors}*\n\n"
        f"Main category: {category}\n\n"
        f"TL;DR: {tldr}\n\n\n"
        "<details>\n  <summary>Details</summary>\n"
        f"Motivation: {motivation}\n\n"
        "Method: How.\n\n"
        f"Abstract: {abstract}\n\n"
        "</details>\n\n\n"
    )


def digest_text(*entries: str, section: str = "cs.CV") -> str:
    return f"<div id=toc></div>\n\n# Table of Contents\n\n<div id='x'></div>\n\n# {section} [[Back]](#toc)\n\n" + "".join(entries)


def strings_of(paper: Paper) -> list[tuple[str, str]]:
    """(field, text) for every string in a paper."""
    found = []
    for key, value in paper.to_dict().items():
        if isinstance(value, str):
            found.append((key, value))
        elif isinstance(value, list):
            found += [(key, item) for item in value]
        elif isinstance(value, dict):
            found += [(key, text) for pair in value.items() for text in pair]
    return found


def assert_model_clean(digest: Digest) -> None:
    """No control character, C1 code, bidi override or surrogate in any string of the model."""
    assert not UNSAFE.search(digest.name)
    for section in digest.sections:
        assert not UNSAFE.search(section.name) and "\n" not in section.name
    for warning in digest.warnings:
        assert not UNSAFE.search(warning)
    for paper in digest.papers:
        for key, text in strings_of(paper):
            multiline = key in (*SUMMARY_FIELDS, "abstract", "extra")
            assert not UNSAFE.search(text.replace("\n", "") if multiline else text), (key, text)


def segments(app: DigestReader):
    """Every segment the compositor would send to the terminal for the current screen."""
    update = app.screen._compositor.render_full_update()
    for row in update.strips:
        for strip in row:
            yield from strip


def assert_screen_safe(app: DigestReader) -> None:
    """Nothing on screen is a control character, an escape, a hyperlink or a click action."""
    for segment in segments(app):
        assert not UNSAFE.search(segment.text), repr(segment.text)
        assert "\n" not in segment.text, repr(segment.text)
        assert not segment.control, segment
        style = segment.style
        if style is not None:
            assert not style.link, (segment.text, style.link)
            assert "@click" not in (style.meta or {}), (segment.text, style.meta)


def flat(text: str) -> str:
    """Screen text with runs of spaces squeezed, for phrases that may wrap in a toast."""
    return " ".join(text.split())


# --- markup is never interpreted ---------------------------------------------------------------


MARKUP_DIGEST = digest_text(
    entry(
        1,
        MARKUP,
        authors="[b]Alice[/b] [@click=app.quit]Bob[/],[link=https://evil.example]Carol[/link]",
        category="[i]cs.CV[/i]",
        tldr=TEXTUAL_MARKUP,
        motivation="[reverse]Why[/reverse] \\[escaped\\] [not a tag",
        abstract="[blink]Abstract[/blink] [on red]text[/] :smile: :warning:",
    ),
    entry(2, SHORT_MARKUP),
    section="[u]cs.CV[/u]",
)


async def test_markup_in_titles_and_fields_shows_literally_in_list_and_detail(tmp_path):
    digest = parse_text(MARKUP_DIGEST, "markup.md")
    assert digest.papers[0].title == MARKUP
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(159, 50)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert text.count(MARKUP) >= 2, "the list row and the detail title"
        assert "[b]Alice[/b] [@click=app.quit]Bob[/], [link=https://evil.example]Carol[/link]" in text
        assert "[i]cs.CV[/i]" in text, "the category in the detail pane"
        assert "[u]cs.CV[/u]" in text, "the section in the sidebar"
        assert f"TL;DR: {TEXTUAL_MARKUP}" in text
        assert "Motivation: [reverse]Why[/reverse] \\[escaped\\] [not a tag" in text
        assert "Markup Injection" not in text
        assert_screen_safe(app)
        await pilot.press("t")
        text = screen_text(app)
        assert "Abstract: [blink]Abstract[/blink] [on red]text[/] :smile: :warning:" in text
        assert_screen_safe(app)
        await pilot.click("#papers", offset=(12, 2))  # a click on the @click title does not quit
        await pilot.pause()
        assert app.is_running and app.main.paper_list.cursor == 1
        assert SHORT_MARKUP in screen_text(app)
    app.store.close()


async def test_markup_in_the_file_name_shows_literally_in_the_header(tmp_path):
    name = "[bold red]Evil [@click=app.quit]Quit [link=https:evil.example]x.md"  # no "/" in a file name
    path = tmp_path / name
    path.write_text(digest_text(entry(1, "Plain title")), encoding="utf-8")
    app = make_app(tmp_path, path)
    async with app.run_test(size=(159, 40)) as pilot:
        await pilot.pause()
        header = screen_text(app).splitlines()[0]
        assert name in header
        assert_screen_safe(app)
    app.store.close()


async def test_markup_in_the_digest_name_shows_literally_in_the_header(tmp_path):
    app = make_app(tmp_path, Digest(name=MARKUP, papers=[Paper(id="2601.00001", title="T")]))
    async with app.run_test(size=(159, 40)) as pilot:
        await pilot.pause()
        assert MARKUP in screen_text(app).splitlines()[0]
        assert_screen_safe(app)
    app.store.close()


async def test_markup_file_name_while_loading_in_the_background(tmp_path):
    """Big digests load in a worker: the header shows the file name first, then the digest's."""
    name = "[bold red]Evil [@click=app.quit]Quit.md"
    path = tmp_path / name
    path.write_text(digest_text(entry(1, MARKUP)), encoding="utf-8")
    app = DigestReader(
        store=MarkStore.open(tmp_path / "state.toml"), config=Config(mark_read="manual"),
        path=path, open_url=RecordingOpener(),
    )
    async with app.run_test(size=(159, 40)) as pilot:
        assert name in screen_text(app).splitlines()[0]
        await settle(pilot, app)
        text = screen_text(app)
        assert name in text.splitlines()[0] and "1 paper  ·" in text
        assert MARKUP in text
        assert_screen_safe(app)
    app.store.close()


async def test_star_notification_quotes_the_title_literally(tmp_path):
    digest = parse_text(digest_text(entry(1, SHORT_MARKUP)), "n.md")
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(159, 40), notifications=True) as pilot:
        await pilot.press("s")
        await pilot.pause()
        text = screen_text(app)
        assert f"Starred: {SHORT_MARKUP}" in text
        assert_screen_safe(app)
        await pilot.press("s")
        await pilot.pause()
        assert f"Unstarred: {SHORT_MARKUP}" in screen_text(app)
        assert app.is_running
    app.store.close()


async def test_help_screen_over_a_markup_digest(tmp_path):
    app = make_app(tmp_path, parse_text(MARKUP_DIGEST, "markup.md"))
    async with app.run_test(size=(159, 50)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in ALL_KEYS:
            assert binding.description in text
        assert "[bold red]" in text, "the list row beside the dialog is still literal"
        assert "Markup Injection" not in text
        assert_screen_safe(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        assert MARKUP in screen_text(app)
    app.store.close()


def markup_star(**changes) -> Star:
    paper = Paper(
        id="2601.00001", title=MARKUP, url="https://arxiv.org/abs/2601.00001",
        authors=("[b]Alice[/b] Example", "Bob [@click=app.quit]Example[/]"), category="cs.CV",
        tldr=TEXTUAL_MARKUP, abstract="[blink]Abstract[/blink]",
    )
    return Star(paper._replace(**changes), "2026-01-02T03:04:05Z", "2026-01-02")


def test_every_export_format_keeps_markup_literally():
    stars = [markup_star()]
    outputs = {fmt: render(stars, fmt) for fmt in FORMATS}
    assert set(outputs) >= {"bibtex", "ris", "markdown", "csv", "json"}
    (entry_,) = bibtexparser.parse_string(outputs["bibtex"]).entries
    assert entry_.fields_dict["title"].value.strip("{}") == MARKUP
    (record,) = rispy.loads(outputs["ris"])
    assert record["title"] == MARKUP
    assert f"N1  - {TEXTUAL_MARKUP}" in outputs["ris"].splitlines()
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert rows[0]["title"] == MARKUP and rows[0]["tldr"] == TEXTUAL_MARKUP
    (item,) = json.loads(outputs["json"])
    assert item["title"] == MARKUP and item["tldr"] == TEXTUAL_MARKUP
    unescaped = re.sub(r"\\(.)", r"\1", outputs["markdown"])
    assert MARKUP in unescaped and TEXTUAL_MARKUP in unescaped


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_exports_carry_no_control_characters_from_an_old_state_file(fmt):
    """Stars may come from a state file an older version wrote, before digests were cleaned."""
    dirty = "".join(PAYLOADS.values())
    star = markup_star(
        title=f"Title {dirty} end", authors=(f"Alice {dirty}",), tldr=f"tl {dirty}\nline two",
        abstract=f"abs {dirty} \ud800 lone", category=f"cs.CV{PAYLOADS['csi']}",
    )
    text = render([star], fmt)
    assert not UNSAFE.search(text.replace("\n", "")), repr(UNSAFE.findall(text.replace("\n", "")))
    assert "␛" in text and "OVERWRITE" in text and "end" in text, "the rest of the text is kept"
    text.encode("utf-8")  # no lone surrogate


async def test_export_dialog_copies_markup_literally(tmp_path):
    digest = parse_text(digest_text(entry(1, MARKUP)), "e.md")
    app = make_app(tmp_path, digest, config=Config(mark_read="manual", export_dir=str(tmp_path / "exports")))
    async with app.run_test(size=(159, 50), notifications=True) as pilot:
        await pilot.press("s", "e")
        await pilot.pause()
        await pilot.click("#export-copy")
        await pilot.pause()
        assert MARKUP in app.clipboard
        assert not UNSAFE.search(app.clipboard.replace("\n", ""))
        assert_screen_safe(app)
    app.store.close()


# --- control characters and escape sequences ---------------------------------------------------


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_control_sequences_become_visible_pictures_in_every_field(payload):
    seen = clean(payload)
    assert not UNSAFE.search(seen)
    text = digest_text(
        entry(
            1,
            f"Title {payload}red end",
            url=f"https://arxiv.org/abs/2601.00001{payload}",
            authors=f"Ali{payload}ce,Bob",
            category=f"cs.{payload}CV",
            tldr=f"tl {payload}dr",
            motivation=f"mo {payload}tiv " + "Plain prose around the escapes. " * 100,
            abstract=f"ab {payload}stract",
        )
        + f"**Keywords{payload}:** key {payload}words\n",
        section=f"cs.{payload}CV",
    )
    digests = [parse_text(text, f"n{payload}ame.md")]
    digests.append(parse_bytes(text.encode("utf-8"), f"n{payload}ame.md"))
    if "\x00" in payload:  # stray NUL bytes cost a visible ␀ each and a warning, not the file (issue 12)
        assert any("NUL byte" in warning for warning in digests[-1].warnings)
    for digest in digests:
        assert_model_clean(digest)
        (paper,) = digest.papers
        assert paper.title == f"Title {seen}red end".strip()
        assert paper.authors[0] == f"Ali{seen}ce"
        assert paper.tldr == f"tl {seen}dr".strip()
        assert paper.abstract.startswith("ab ") and paper.abstract.endswith("stract")
        assert seen.strip() in paper.abstract or not seen.strip()
        assert digest.sections[0].name.startswith("cs.") and digest.sections[0].name.endswith("CV")


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_control_sequences_in_json_lines_become_visible_pictures(payload):
    record = {
        "id": "2601.00001",
        "title": f"Title {payload} end",
        "authors": [f"Ali{payload}ce"],
        "categories": [f"cs.{payload}CV"],
        "summary": f"abs {payload} tract",
        "AI": {"tldr": f"tl {payload}", f"weird{payload}key": f"v {payload}"},
        "comment": f"c {payload}",
    }
    digest = parse_text(json.dumps(record) + "\n", "x.jsonl")
    assert_model_clean(digest)
    assert digest.papers[0].title.endswith(" end") and clean(payload).strip() in digest.papers[0].title


def test_lone_surrogates_from_json_become_replacement_characters():
    """JSON may spell a lone surrogate; it could not be written to a terminal or a file."""
    record = {"id": "2601.00001", "title": "A\ud800B", "authors": ["\udfffC"], "summary": "x\ud83dy", "AI": {"tldr": "\udc00"}}
    digest = parse_text(json.dumps(record), "s.jsonl")
    assert_model_clean(digest)
    paper = digest.papers[0]
    assert paper.title == "A\ufffdB" and paper.authors == ("\ufffdC",) and paper.abstract == "x\ufffdy"
    for _, text in strings_of(paper):
        text.encode("utf-8")


async def test_control_sequences_never_reach_the_screen(tmp_path):
    dirty = "".join(PAYLOADS.values())
    digest = parse_text(
        digest_text(
            entry(1, f"Escapes {PAYLOADS['csi']}red{PAYLOADS['osc52']} kept", authors=f"Eve {dirty}",
                  tldr=f"tl {dirty} after", abstract=f"abstract {dirty} after"),
            entry(2, f"Second {PAYLOADS['rlo']}txet", category=f"cs{PAYLOADS['osc8']}"),
            section=f"cs{dirty}",
        ),
        f"escape{PAYLOADS['osc52']}.md",
    )
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(159, 50), notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Escapes ␛[31mred␛]52;c;ZXZpbCBjbGlwYm9hcmQ=␇ kept" in text
        assert "tl " in text and "after" in text
        assert_screen_safe(app)
        await pilot.press("s", "t")
        await pilot.pause()
        abstract = [line.plain for line in app.main.detail.lines if line.plain.startswith("Abstract: ")]
        assert abstract == ["Abstract: abstract"], "the abstract is on show (its escapes wrap to the next line)"
        assert "␛[31m␛[2J" in screen_text(app)
        assert_screen_safe(app)
        await pilot.press("j")
        await pilot.pause()
        assert "Second \ufffdtxet" in screen_text(app)
        assert_screen_safe(app)
        await pilot.press("y")  # the clipboard gets only the clean http(s) link
        assert app.clipboard == "https://arxiv.org/abs/2601.00002"
    app.store.close()


async def test_escape_in_the_file_name_of_a_background_load_never_reaches_the_screen(tmp_path):
    path = tmp_path / f"evil{PAYLOADS['osc52']}{PAYLOADS['csi']}.md"
    path.write_text("Just prose, not a digest.\n", encoding="utf-8")  # the load fails: the name stays
    app = DigestReader(
        store=MarkStore.open(tmp_path / "state.toml"), config=Config(mark_read="manual"),
        path=path, open_url=RecordingOpener(),
    )
    async with app.run_test(size=(159, 40), notifications=True) as pilot:
        await settle(pilot, app)
        assert not app.session.loading and not app.session.digest.papers, "the load failed"
        assert_screen_safe(app)
    app.store.close()


async def test_escapes_in_a_starred_snapshot_never_reach_the_screen(tmp_path):
    (tmp_path / "state.toml").write_text(
        "version = 1\n\n[stars.\"2601.09999\"]\n"
        'title = "Old \\u001b]52;c;ZXZpbA==\\u0007 star \\u001b[31mred\\nsecond line"\n'
        'authors = ["Eve \\u001b[2J"]\n'
        'tldr = "tl \\u001b]8;;http://evil.example\\u001b\\\\x"\n'
        'starred_at = "2026-01-01T00:00:00Z"\n',
        encoding="utf-8",
    )
    app = make_app(tmp_path, parse_text(digest_text(entry(1, "Today")), "d.md"))
    async with app.run_test(size=(159, 40)) as pilot:
        await pilot.pause()
        assert app.store.stars(), "the state file was read"
        app.main.sections.focus()
        await pilot.press("G")
        assert app.session.scope == STARRED
        assert "Old" in screen_text(app)
        assert_screen_safe(app)
    app.store.close()


# --- links -------------------------------------------------------------------------------------

HOSTILE_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "file:///etc/passwd",
    "; rm -rf ~ #",
    "$(touch pwned)",
    "`id`",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "ftp://example.org/x",
    "//evil.example/x",
    "https:evil.example",
    "http:/evil.example",
    "https://evil.example/a b",
    "https://evil.example/\u3000x",
]


async def test_only_http_links_are_opened_or_copied(tmp_path):
    digest = parse_text(digest_text(*(entry(n, f"Paper {n}", url=url) for n, url in enumerate(HOSTILE_URLS, 1))), "l.md")
    assert [paper.url for paper in digest.papers] == [url.strip() for url in HOSTILE_URLS]
    assert not any(is_safe_url(paper.url) or paper.pdf_url for paper in digest.papers)
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.press("o", "y", "p")  # the keys, on the first paper
        await settle(pilot, app)
        assert "no http(s) link" in screen_text(app)
        for index in range(len(HOSTILE_URLS)):  # the same actions on every paper, without key round trips
            app.main.paper_list.move_to(index)
            await pilot.pause()
            assert app.main.detail.paper.title == f"Paper {index + 1}", "readable without a usable link"
            for action in ("open_link", "copy_link", "open_pdf"):
                await app.run_action(action)
        await settle(pilot, app)
        assert app.main.open_url.opened == []
        assert app.clipboard == ""
        assert_screen_safe(app)
    app.store.close()


async def test_http_links_are_opened_and_copied(tmp_path):
    """The positive control of the test above: a plain arXiv link works."""
    app = make_app(tmp_path, parse_text(digest_text(entry(7, "Good")), "g.md"))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("o", "y")
        await settle(pilot, app)
        assert app.main.open_url.opened == ["https://arxiv.org/abs/2601.00007"]
        assert app.clipboard == "https://arxiv.org/abs/2601.00007"
    app.store.close()


async def test_json_lines_link_that_is_not_http_is_refused_but_the_pdf_opens(tmp_path):
    record = {"id": "2601.00042", "title": "JS link", "abs": "javascript:alert(1)", "summary": "A."}
    digest = parse_text(json.dumps(record), "j.jsonl")
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("o", "y")
        await settle(pilot, app)
        assert app.main.open_url.opened == [] and app.clipboard == ""
        await pilot.press("p")
        await settle(pilot, app)
        assert app.main.open_url.opened == ["https://arxiv.org/pdf/2601.00042"]
        assert all(is_safe_url(url) for url in app.main.open_url.opened)
    app.store.close()


async def test_copied_citation_never_carries_a_link_that_is_not_http(tmp_path):
    digest = parse_text(digest_text(entry(1, "Citable", url="javascript:alert(1)")), "c.md")
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("Y")
        await pilot.pause()
        assert app.clipboard.startswith("Citable.")
        assert "javascript:" not in app.clipboard
    app.store.close()


async def test_papers_without_a_usable_arxiv_id_are_listed_and_readable(tmp_path):
    text = digest_text(
        entry(1, "No link at all", url=""),
        entry(2, "Elsewhere", url="https://example.org/paper.pdf"),
        entry(3, "Not an id", url="https://arxiv.org/abs/not-an-id"),
        entry(4, "", url="https://arxiv.org/abs/9999.99999999"),
        "### [5] [Broken heading without closing\n*X*\n\nTL;DR: still here\n\n",
    )
    digest = parse_text(text, "noid.md")
    assert [paper.title for paper in digest.papers] == [
        "No link at all", "Elsewhere", "Not an id", "(untitled)", "Broken heading without closing",
    ]
    assert all(not paper.has_arxiv_id for paper in digest.papers)
    assert any("no arXiv id" in warning for warning in digest.warnings)
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.pause()
        assert "5 papers" in screen_text(app)
        for index, paper in enumerate(digest.papers):
            assert app.main.detail.paper == paper
            assert paper.title in screen_text(app)
            await pilot.press("j")
        await pilot.press("g", "j", "o")  # "Elsewhere": an https link that is not arXiv opens
        await settle(pilot, app)
        assert app.main.open_url.opened == ["https://example.org/paper.pdf"]
        await pilot.press("s")  # and it can be starred
        await pilot.pause()
        assert app.store.is_starred(digest.papers[1].id)
    app.store.close()


# --- sizes -------------------------------------------------------------------------------------


async def test_a_5000_character_title_is_cut_and_the_app_says_so(tmp_path):
    title = ("Very long title word " * 250)[:5000]
    digest = parse_text(digest_text(entry(1, title), entry(2, "Short")), "t.md")
    paper = digest.papers[0]
    assert len(paper.title) == TITLE_LIMIT + 1 and paper.title.endswith("…")
    assert any(f"longer than {TITLE_LIMIT:,} characters cut" in warning for warning in digest.warnings)
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "title longer than" in flat(text), "the warning is shown"
        assert "Very long title word" in text
        await pilot.press("j", "k", "j")
        assert app.main.detail.paper.title == "Short"
        assert_screen_safe(app)
    app.store.close()


async def test_a_500_kb_abstract_is_cut_and_pages(tmp_path):
    abstract = ("We study $x^2$ and [b]markup[/b] in a long abstract. " * 10_000)[:500_000]
    digest = parse_text(digest_text(entry(1, "Huge abstract", abstract=abstract)), "a.md")
    paper = digest.papers[0]
    assert len(paper.abstract) == FIELD_LIMIT + 1 and paper.abstract.endswith("…")
    assert any("Abstract" in warning and "cut" in warning for warning in digest.warnings)
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert "Abstract: We study x² and [b]markup[/b]" in screen_text(app)
        assert "longer than" in flat(screen_text(app))
        await pilot.press("space", "space")
        assert app.main.detail.scroll_y > 0
        await pilot.press("tab", "G")
        await pilot.pause()
        assert app.main.detail.scroll_y == app.main.detail.max_scroll_y > 100
        assert "…" in screen_text(app)
        assert_screen_safe(app)
    app.store.close()


@pytest.mark.parametrize(("label", "field"), [("Abstract", "abstract"), ("TL;DR", "tldr"), ("**Keywords:**", "Keywords")])
def test_a_field_cut_at_a_space_is_still_marked_as_cut(label, field):
    """The kept part of an over-long line may end in a space that the join strips: it is still a cut."""
    text = (
        "### [1] [Cut](https://arxiv.org/abs/2601.00001)\n*A*\n\n"
        f"{label} " + "x" * FIELD_LIMIT + " and more text after the limit\n"
    ).replace("Abstract ", "Abstract: ").replace("TL;DR ", "TL;DR: ")
    digest = parse_text(text, "c.md")
    paper = digest.papers[0]
    value = getattr(paper, field) if field.islower() else dict(paper.extra)[field]
    assert value.endswith("x…") and len(value) == FIELD_LIMIT + 1
    name = label.strip("*:")
    assert any(f"characters cut: 2601.00001 {name}" in warning for warning in digest.warnings), digest.warnings


TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: "### [1] [" + "T" * TEN_MB + "](https://arxiv.org/abs/2601.00001)\n*A*\n", id="heading"),
        pytest.param(lambda: "### [1] [" + "[" * TEN_MB + "\n*A*\n", id="heading-of-brackets"),
        pytest.param(lambda: digest_text(entry(1, "A", authors="Name," * (TEN_MB // 5))), id="authors"),
        pytest.param(lambda: digest_text(entry(1, "A", tldr="w " * (TEN_MB // 2))), id="tldr"),
        pytest.param(lambda: digest_text(entry(1, "A", abstract="$x$ " * (TEN_MB // 4))), id="abstract-math"),
        pytest.param(lambda: digest_text(entry(1, "A", abstract="**" + ":" * TEN_MB)), id="label-like"),
        pytest.param(lambda: json.dumps({"id": "2601.00001", "title": "J", "summary": "s" * TEN_MB}) + "\n", id="jsonl"),
    ],
)
def test_a_10_mb_line_parses_and_is_cut(make):
    text = make()
    digest = parse_bytes(text.encode("utf-8"), "line.md")
    assert digest.papers
    assert any("cut" in warning for warning in digest.warnings), digest.warnings
    assert_model_clean(digest)
    for paper in digest.papers:
        for key, value in strings_of(paper):
            assert len(value) <= FIELD_LIMIT + 1, key


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: b"x" * TEN_MB, id="one-line-of-prose"),
        pytest.param(lambda: b"{" * TEN_MB, id="one-line-of-braces"),
        pytest.param(lambda: b"[" * TEN_MB + b"}", id="bracket-json"),
        pytest.param(lambda: b"{" + b'"a":{' * 500_000 + b"}", id="nested-json"),
    ],
)
def test_a_10_mb_line_that_is_no_digest_is_refused(data):
    with pytest.raises(DigestError) as raised:
        parse_bytes(data(), "junk.md")
    assert "\n" not in str(raised.value) and "internal error" not in str(raised.value)


async def test_a_10_mb_line_opens_in_the_app_from_a_background_load(tmp_path):
    path = tmp_path / "huge-line.md"
    path.write_text(
        digest_text(entry(1, "T" * TEN_MB), entry(2, "Second", abstract="a " * (TEN_MB // 2))), encoding="utf-8"
    )
    app = DigestReader(
        store=MarkStore.open(tmp_path / "state.toml"), config=Config(mark_read="manual"),
        path=path, open_url=RecordingOpener(),
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, app)
        assert not app.session.loading
        text = screen_text(app)
        assert "2 papers" in text and "TTTT" in text
        assert "longer than" in flat(text)
        await pilot.press("j", "t", "space")
        await pilot.pause()
        assert app.main.detail.paper.title == "Second" and app.main.detail.scroll_y > 0
        assert_screen_safe(app)
    app.store.close()


async def test_a_50_mb_digest_parses_and_the_app_moves_through_it(tmp_path):
    abstract = "Lorem ipsum [b]dolor[/b] sit amet \x1b[31m consectetur adipiscing elit. " * 60
    chunk = "".join(entry(n, f"Paper {n} [i]x[/i]", abstract=abstract) for n in range(1, 501))
    repeats = 50_000_000 // len(chunk) + 1
    path = tmp_path / "big_2026-01-02.md"
    path.write_text(digest_text(chunk * repeats, entry(99_999, "The very last paper")), encoding="utf-8")
    assert path.stat().st_size > 50_000_000
    digest = load(path)
    assert len(digest.papers) == 501 and len(digest.entries) == 500 * repeats + 1
    assert_model_clean(digest)
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")
        await pilot.pause()
        assert app.main.detail.paper.title == "The very last paper"
        await pilot.press("k", "k", "g", "j")
        await pilot.pause()
        assert app.main.detail.paper.title == "Paper 2 [i]x[/i]"
        text = screen_text(app)
        assert "501 papers" in text and "Paper 2 [i]x[/i]" in text
        assert_screen_safe(app)
    app.store.close()


def test_a_label_repeated_300_000_times_keeps_a_bounded_paper():
    """Each repeat of a known label becomes an extra field; unbounded, one entry held the whole file."""
    head = digest_text(entry(1, "Repeats"))
    for text in (head + "TL;DR: again\n" * 300_000, head + "".join(f"**L{n % 997}:** v\n" for n in range(100_000))):
        digest = parse_text(text, "r.md")
        (paper,) = digest.papers
        assert len(paper.extra) <= EXTRA_LIMIT
        assert any("more extra fields" in warning for warning in digest.warnings), digest.warnings
    record = {"id": "2601.00001", "title": "J", "AI": {f"key{n}": "v" * 100 for n in range(20_000)}}
    digest = parse_text(json.dumps(record), "r.jsonl")
    assert len(digest.papers[0].extra) <= EXTRA_LIMIT
    assert any("more extra fields" in warning for warning in digest.warnings)


async def test_an_entry_with_300_000_fields_opens_at_once(tmp_path):
    text = digest_text(entry(1, "Repeats"), entry(2, "Next")) + "TL;DR: again\n" * 300_000
    digest = parse_text(text, "r.md")
    assert all(len(paper.extra) <= EXTRA_LIMIT for paper in digest.papers)
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "k")
        assert len(app.main.detail.lines) < 50 * (EXTRA_LIMIT + 10), "the detail pane lays out a bounded paper"
        await pilot.press("j", "space")
        await pilot.pause()
        assert app.main.detail.paper.title == "Next"
        assert_screen_safe(app)
    app.store.close()


async def test_thirty_thousand_sections_keep_the_sidebar_small(tmp_path):
    """One heading per paper; the sidebar is redrawn on every mark, so its length is bounded."""
    text = "".join(
        f"# [b]Section {n}[/b]\n\n### [{n}] [Paper {n}](https://arxiv.org/abs/2601.{n:05d})\n*A*\n\nTL;DR: t\n\n"
        for n in range(1, 30_001)
    )
    digest = parse_text(text, "s.md")
    assert len(digest.papers) == 30_000
    assert len(digest.sections) == SECTION_LIMIT + 1 and digest.sections[-1].name == OVERFLOW_SECTION
    assert len(digest.sections[-1].papers) == 30_000 - SECTION_LIMIT
    assert any(f"beyond the first {SECTION_LIMIT:,}" in warning for warning in digest.warnings)
    app = make_app(tmp_path, digest)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert len(app.main.sections.entries) == SECTION_LIMIT + 3, "All, the bounded sections, Starred"
        await pilot.press("r", "s", "j", "r", "G")
        await pilot.pause()
        assert app.main.detail.paper.title == "Paper 30000"
        assert "[b]Section 1[/b]" in screen_text(app)
        assert_screen_safe(app)
    app.store.close()


# --- files that cannot be read: one line, exit status 2 ----------------------------------------


def state_with_a_mark(tmp_path: Path) -> tuple[Path, bytes]:
    """A state file holding one read mark and one star, and its bytes."""
    state = tmp_path / "state" / "state.toml"
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2601.10802")
    store.star(Paper(id="2601.10802", title="Known mark"), "2026-01-01")
    store.close()
    data = state.read_bytes()
    assert b"Known mark" in data
    return state, data


def run_cli(tmp_path: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIGEST_READER")}
    env.update(
        DIGEST_READER_STATE=str(tmp_path / "state" / "state.toml"),
        DIGEST_READER_CONFIG=str(tmp_path / "state" / "config.toml"),
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / "config"),
        TERM="dumb",
    )
    (tmp_path / "home").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], cwd=cwd or tmp_path, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, encoding="utf-8", errors="backslashreplace", timeout=60,
    )


def _latin1(path: Path) -> Path:
    path.write_bytes("Résumé des articles du jour, très détaillé.\n".encode("latin-1"))
    return path


def _binary(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 64)
    return path


def _png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000))
    return path


def _escapes_and_controls(path: Path) -> Path:
    path.write_bytes(b"\x1b[31m\x01\x02\x03\x04\x05\x06" * 1000)
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    (path / "README.md").write_text("# A readme, not a digest\n")
    (path / "notes.txt").write_text("### [1] [Not a digest](https://arxiv.org/abs/2601.00001)\n")
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _dangling(path: Path) -> Path:
    target = path.with_name("gone.md")
    target.write_text(digest_text(entry(1, "Gone")))
    path.symlink_to(target)
    target.unlink()
    return path


def _missing(path: Path) -> Path:
    return path


def _unreadable(path: Path) -> Path:
    path.write_text(digest_text(entry(1, "Secret")))
    path.chmod(0)
    return path


def _unreadable_folder(path: Path) -> Path:
    path.mkdir()
    (path / "d_2026-01-01.md").write_text(digest_text(entry(1, "Secret")))
    path.chmod(0)
    return path


def _folder_of_fifos(path: Path) -> Path:
    path.mkdir()
    os.mkfifo(path / "2026-01-01.md")
    return path


def _escape_in_name(path: Path) -> Path:
    path = path.with_name("evil\x1b]52;c;ZXZpbA==\x07\x1b[2J\nsecond line [b]x[b].md")
    path.write_text("Only prose here, no papers.\n")
    return path


ROOT_SKIP = pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads everything")

UNREADABLE = [
    pytest.param(_latin1, "not a digest", id="latin-1-prose"),
    pytest.param(_binary, "binary", id="binary"),
    pytest.param(_png, "binary", id="png"),
    pytest.param(_escapes_and_controls, "binary", id="control-codes"),
    pytest.param(_empty, "empty", id="empty"),
    pytest.param(_directory, "no digest", id="directory"),
    pytest.param(_fifo, "not a regular file", id="fifo"),
    pytest.param(_folder_of_fifos, "no digest", id="folder-of-fifos"),
    pytest.param(_dangling, "no such file", id="vanished"),
    pytest.param(_missing, "no such file", id="missing"),
    pytest.param(_unreadable, "permission denied", id="no-permission", marks=ROOT_SKIP),
    pytest.param(_unreadable_folder, "permission denied", id="no-permission-folder", marks=ROOT_SKIP),
    pytest.param(_escape_in_name, "not a digest", id="escape-in-name"),
]


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stderr.startswith("digest-reader: error:"), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert not UNSAFE.search(result.stderr.rstrip("\n")), repr(result.stderr)
    assert result.stdout == ""


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_digest_with_its_bom_is_read_and_one_without_it_is_refused(tmp_path, encoding):
    path = tmp_path / "digest.md"
    text = digest_text(entry(1, "UTF-16 digest 中文"))
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + text.encode(encoding))
    assert [paper.title for paper in load(path, chunk_size=7).papers] == ["UTF-16 digest 中文"]
    assert parse_bytes(path.read_bytes(), "digest.md").papers == load(path).papers
    assert run_cli(tmp_path, "--dump", str(path)).returncode == 0
    path.write_bytes(text.encode("utf-16-le"))  # no BOM: as binary as it looks
    assert_one_line_error(run_cli(tmp_path, "--dump", str(path)), "binary")


@pytest.mark.parametrize(("make", "expected"), UNREADABLE)
@pytest.mark.parametrize("mode", [[], ["--dump"]], ids=["app", "dump"])
def test_unreadable_input_gives_one_line_and_status_2(tmp_path, make, expected, mode):
    state, before = state_with_a_mark(tmp_path)
    files_before = sorted(state.parent.iterdir())
    target = make(tmp_path / "digest.md")
    try:
        result = run_cli(tmp_path, *mode, str(target))
    finally:
        if target.exists() and not target.is_symlink():
            target.chmod(0o700 if target.is_dir() else 0o600)
    assert_one_line_error(result, expected)
    assert state.read_bytes() == before
    assert sorted(state.parent.iterdir()) == files_before


def test_device_gives_one_line_and_status_2(tmp_path):
    state, before = state_with_a_mark(tmp_path)
    result = run_cli(tmp_path, "/dev/zero")
    assert_one_line_error(result, "not a regular file")
    assert state.read_bytes() == before


def vanish_on_open(monkeypatch, target: Path, then=None) -> None:
    """Make ``target`` disappear (or be replaced by ``then``) just as the parser opens it."""
    real_open = os.open

    def opening(path, flags, *args, **kwargs):
        if os.fspath(path) == os.fspath(target) and target.exists():
            target.unlink()
            if then is not None:
                then(target)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", opening)


def raised_unless_hung(call, hung_after: float = 60.0) -> BaseException | None:
    """What ``call`` raises, run in a thread; still running after ``hung_after`` seconds means it blocked (on a FIFO)."""
    raised: list[BaseException | None] = [None]

    def run() -> None:
        try:
            call()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            raised[0] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(hung_after)
    assert not worker.is_alive(), "hung: blocked on a FIFO"
    return raised[0]


@pytest.mark.parametrize(
    ("then", "expected"),
    [(None, "vanished"), (os.mkfifo, "not a regular file")],
    ids=["vanishes", "becomes-a-fifo"],
)
def test_a_file_that_changes_between_check_and_open(tmp_path, monkeypatch, capsys, then, expected):
    """The parser stats before it opens: a file that goes away (or turns into a FIFO) in between."""
    from reader import cli

    state, before = state_with_a_mark(tmp_path)
    monkeypatch.setenv("DIGEST_READER_STATE", str(state))
    monkeypatch.setenv("DIGEST_READER_CONFIG", str(state.with_name("config.toml")))
    target = tmp_path / "d_2026-01-01.md"
    for call in (lambda: load(target), lambda: cli.main([str(target)]), lambda: cli.main(["--dump", str(target)])):
        target.unlink(missing_ok=True)
        target.write_text(digest_text(entry(1, "Here")), encoding="utf-8")
        vanish_on_open(monkeypatch, target, then)
        raised = raised_unless_hung(call)
        if isinstance(raised, SystemExit):
            assert raised.code == 2
            err = capsys.readouterr().err
            assert err.startswith("digest-reader: error:") and err.count("\n") == 1 and expected in err
        else:
            assert isinstance(raised, DigestError) and expected in str(raised)
    assert state.read_bytes() == before


def test_permission_denied_gives_one_line_even_as_root(tmp_path, monkeypatch, capsys):
    """The no-permission cases above are skipped for root; the same refusals, simulated."""
    from reader import cli

    state, before = state_with_a_mark(tmp_path)
    monkeypatch.setenv("DIGEST_READER_STATE", str(state))
    monkeypatch.setenv("DIGEST_READER_CONFIG", str(state.with_name("config.toml")))
    target = tmp_path / "d_2026-01-01.md"
    target.write_text(digest_text(entry(1, "Secret")), encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    real_open, real_scandir = os.open, os.scandir

    def denied_open(path, flags, *args, **kwargs):
        if os.fspath(path) == os.fspath(target):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    def denied_scandir(path="."):
        if os.fspath(path) == os.fspath(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", denied_open)
    monkeypatch.setattr(os, "scandir", denied_scandir)
    for args in ([str(target)], ["--dump", str(target)], [str(folder)], ["--dump", str(folder)]):
        with pytest.raises(SystemExit) as raised:
            cli.main(args)
        assert raised.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("digest-reader: error:") and err.count("\n") == 1, err
        assert "permission denied" in err and "Traceback" not in err
    assert state.read_bytes() == before


def test_a_digest_that_is_not_utf8_is_read_with_a_warning(tmp_path):
    state, before = state_with_a_mark(tmp_path)
    path = tmp_path / "latin1_2026-01-01.md"
    path.write_bytes(digest_text(entry(1, "Café résumé")).encode("latin-1"))
    digest = load(path)
    assert digest.papers[0].title == "Caf\ufffd r\ufffdsum\ufffd"
    assert any("not valid UTF-8" in warning for warning in digest.warnings)
    result = run_cli(tmp_path, "--dump", str(path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "digest-reader: warning: The file is not valid UTF-8" in result.stderr
    assert json.loads(result.stdout)["title"] == "Caf\ufffd r\ufffdsum\ufffd"
    assert state.read_bytes() == before


def test_dump_of_json_with_lone_surrogates_does_not_crash(tmp_path):
    path = tmp_path / "s_2026-01-01.jsonl"
    path.write_text(json.dumps({"id": "2601.00001", "title": "A\ud800B", "summary": "\udfff"}) + "\n", encoding="ascii")
    result = run_cli(tmp_path, "--dump", str(path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["title"] == "A\ufffdB"


# --- nothing in a digest changes where the app writes ------------------------------------------

PATH_TRICKS = [
    "--state /tmp/digest-reader-hostile-state.toml",
    "-o ../../etc/passwd",
    "../../etc",
    "~/.ssh/authorized_keys",
    "$HOME/.bashrc",
    "`touch pwned`",
    "DIGEST_READER_STATE=/tmp/x",
]


async def test_digest_text_never_moves_the_state_or_the_export(tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    text = digest_text(
        *(entry(n, trick, authors=trick, category=trick, tldr=trick) for n, trick in enumerate(PATH_TRICKS, 1)),
        section="../../etc",
    )
    digest = parse_text(text, "../../etc/--state=evil.md")
    assert digest.name == "--state=evil.md"
    state_dir = tmp_path / "state"
    exports = tmp_path / "exports"
    exports.mkdir()
    app = make_app(state_dir, digest, config=Config(mark_read="manual", export_dir=str(exports)))
    expected_state = Path(os.path.realpath(state_dir / "state.toml"))
    assert app.store.path == expected_state
    async with app.run_test(size=(159, 50)) as pilot:
        await pilot.press("s", "r", "j", "s", "e")
        await pilot.pause()
        dialog = app.screen
        target = default_path(next(iter(FORMATS)), str(exports), date.today())
        assert dialog.path_input.value == str(target)
        await pilot.click("#export-save")
        await pilot.pause()
        assert app.store.path == expected_state
        await pilot.press("q")
    app.store.close()
    assert sorted(path.name for path in exports.iterdir()) == [target.name]
    assert "../../etc" in target.read_text(encoding="utf-8")
    assert "--state /tmp/digest-reader-hostile-state.toml" in expected_state.read_text(encoding="utf-8")
    assert list(cwd.iterdir()) == []
    assert not Path("/tmp/digest-reader-hostile-state.toml").exists()
    assert not (tmp_path / "pwned").exists() and not (cwd / "pwned").exists()


def test_cli_export_and_dump_write_only_where_asked(tmp_path):
    state, _ = state_with_a_mark(tmp_path)
    store = MarkStore.open(state, save_delay=None)
    for n, trick in enumerate(PATH_TRICKS, 1):
        store.star(Paper(id=f"2601.{n:05d}", title=trick, authors=(trick,), category=trick), trick)
    store.close()
    before = state.read_bytes()
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "--state=x -o ..%2f_2026-01-01.md").write_text(
        digest_text(*(entry(n, trick) for n, trick in enumerate(PATH_TRICKS, 1))), encoding="utf-8"
    )
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    out = tmp_path / "out" / "stars.json"
    out.parent.mkdir()
    result = run_cli(tmp_path, "--export", "json", "-o", str(out), cwd=cwd)
    assert result.returncode == 0, result.stderr
    titles = {item["title"] for item in json.loads(out.read_text(encoding="utf-8"))}
    assert set(PATH_TRICKS) <= titles
    result = run_cli(tmp_path, "--dump", str(folder), cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()] == PATH_TRICKS
    assert list(cwd.iterdir()) == [] and list(out.parent.iterdir()) == [out]
    assert state.read_bytes() == before
    assert not Path("/tmp/digest-reader-hostile-state.toml").exists()
