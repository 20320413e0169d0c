"""Exports of starred papers, each format read back by a real parser.

Papers are built here rather than parsed, so these tests do not depend on reader.core.parse;
the titles are real digest titles (or shaped like them) with the characters that break
naive exporters.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date
from pathlib import Path

import bibtexparser
import pytest
import rispy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.model import Paper, Star
from reader.core.export import (
    CSV_COLUMNS,
    FORMATS,
    ExportError,
    default_path,
    filter_stars,
    render,
    write,
)

ICONIC = Paper(
    id="2601.10802",
    title="ICONIC-444: A 3.1-Million-Image Dataset for OOD Detection Research",
    url="https://arxiv.org/abs/2601.10802",
    authors=("Gerhard Krumpl", "Henning Avenhaus", "Horst Possegger"),
    category="cs.CV",
    tldr="一个用于OOD检测研究的大规模数据集。",
    abstract="Current progress in OOD detection is limited.\n  We introduce ICONIC-444.",
)
TSTAR = Paper(
    id="2601.11214",
    title=r"T$^\star$: Progressive Block Scaling for MDM Through Trajectory Aware RL",
    url="https://arxiv.org/abs/2601.11214",
    authors=("Hanchen Xia", "Baoyou Chen", "Yutang Ge", "Guojiang Zhao", "Siyu Zhu"),
    category="cs.CL",
    tldr="T*是一种基于TraceRL的训练课程方法。",
)
PM25 = Paper(
    id="2605.21090",
    title=r"Forecasting PM$_{2.5}$ with Graph Networks & 50% Less Data",
    authors=("Jonas Müller", "Ingrid Ødegaard", "王小明", "Ayşe Çelik"),
    category="physics.ao-ph",
    tldr="Cheaper forecasts.",
)
VOID = Paper(
    id="2606.00829",
    title="Let [VOID] Handle the Padding: Learning When to Stop with [EOS]",
    url="https://arxiv.org/abs/2606.00829v2",
    authors=("Lee, Ann", "Johnson and Johnson Research", "Alexander Andersen"),
    category="cs.CL",
)
DIARC = Paper(
    id="2605.21112",
    title=r'\textsc{DiARC}: Di$\mathtt{[M]}$O-style Routing for #1 "Quoted" {Tasks} with a_b {open',
    authors=("Hanchen Xia",),
    category="cs.CV",
    tldr="Ranks #1; 100% of_the time {sic",
)
OLD = Paper(
    id="hep-th/9901001",
    title="The Large N Limit of Superconformal Field Theories and Supergravity",
    authors=("Juan Maldacena",),
    category="hep-th",
    tldr="AdS/CFT.",
)
MANY = Paper(
    id="2507.09862",
    title="SpeakerVid-5M: A Large-Scale High-Quality Dataset for Audio-Visual Dyadic Interactive Human Generation",
    url="https://arxiv.org/abs/2507.09862",
    authors=tuple(f"Author{i} Surname{i}" for i in range(50)),
    category="cs.CV",
    tldr="5M clips.",
)
EVIL = Paper(
    id="2601.99999",
    title="Evil\x1b[31m Red\x07 Title\x9b2J\nsecond line",
    url="javascript:alert(1)",
    authors=("\x1b]0;pwned\x07Mallory Evil", "=HYPERLINK(\"http://x\")"),
    category="cs.CR\x1b[0m",
    tldr="-1+1 \x1b[2J cleared\r\n",
    abstract="Line\x00 one\x1b[1m.\n  Para two.",
    extra=(("Keywords", "a\x1bb"),),
)
FORMULA = Paper(
    id="2601.10836",
    title="=1+1",
    authors=("@attacker", "+Plus Minus"),
    category="cs.LG",
    tldr="-ray emission",
)
# Same first author, year and first title word as ICONIC: needs a suffixed key.
ICONIC_TOO = Paper(
    id="2601.20000",
    title="Iconic Failures of OOD Detectors",
    authors=("Gerhard Krumpl",),
    category="cs.CV",
)

PAPERS = [ICONIC, TSTAR, PM25, VOID, DIARC, OLD, MANY, EVIL, FORMULA, ICONIC_TOO]
STARS = [
    Star(paper, f"2026-11-{10 + index:02d}T09:15:00Z", f"2026-01-{10 + index % 3:02d}")
    for index, paper in enumerate(PAPERS)
]
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def bib_entries(text: str) -> dict[str, dict[str, str]]:
    """The entries of a BibTeX export by key, failing on any block bibtexparser rejects."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys))
    return {entry.key: {field.key: field.value for field in entry.fields} for entry in library.entries}


def assert_bibtex_balanced(text: str) -> None:
    """Braces balance the way BibTeX counts them: every brace, escaped or not."""
    depth = 0
    for char in text:
        depth += char == "{"
        depth -= char == "}"
        assert depth >= 0
    assert depth == 0


def by_id(stars: list[Star]) -> dict[str, dict]:
    return {record["id"]: record for record in json.loads(render(stars, "json"))}


# --- BibTeX ---------------------------------------------------------------------------

def test_bibtex_every_paper_parses_with_expected_fields():
    text = render(STARS, "bibtex")
    assert_bibtex_balanced(text)
    entries = bib_entries(text)
    assert len(entries) == len(PAPERS)
    iconic = entries["krumpl2026iconic"]
    assert iconic == {
        "author": "Gerhard Krumpl and Henning Avenhaus and Horst Possegger",
        "title": "{ICONIC-444: A 3.1-Million-Image Dataset for OOD Detection Research}",
        "year": "2026",
        "eprint": "2601.10802",
        "archivePrefix": "arXiv",
        "primaryClass": "cs.CV",
        "url": "https://arxiv.org/abs/2601.10802",
    }
    assert all(text.count(f"@misc{{{key},") == 1 for key in entries)


def test_bibtex_keys_are_scholar_like_and_disambiguated_by_arxiv_id():
    keys = set(bib_entries(render(STARS, "bibtex")))
    assert {"krumpl2026iconic", "krumpl2026iconica", "xia2026t", "maldacena1999large",
            "muller2026forecasting", "lee2026let", "xia2026diarc"} <= keys
    assert keys == set(bib_entries(render(list(reversed(STARS)), "bibtex")))


def test_bibtex_keys_stay_unique_past_z():
    stars = [Star(Paper(id=f"2601.{index:05d}", title="Iconic", authors=("G. Krumpl",)),
                  "2026-11-28T00:00:00Z") for index in range(30)]
    keys = list(bib_entries(render(stars, "bibtex")))
    assert keys[:3] == ["krumpl2026iconic", "krumpl2026iconica", "krumpl2026iconicb"]
    assert keys[26:] == ["krumpl2026iconicz", "krumpl2026iconicaa", "krumpl2026iconicab", "krumpl2026iconicac"]


def test_bibtex_keeps_math_and_latex_and_escapes_the_rest():
    entries = bib_entries(render(STARS, "bibtex"))
    assert entries["xia2026t"]["title"].startswith(r"{T$^\star$: Progressive")
    assert entries["muller2026forecasting"]["title"] == r"{Forecasting PM$_{2.5}$ with Graph Networks \& 50\% Less Data}"
    assert entries["xia2026diarc"]["title"] == (
        r'{\textsc{DiARC}: Di$\mathtt{[M]}$O-style Routing for \#1 "Quoted" {Tasks} '
        r"with a\_b \textbraceleft{}open}"
    )
    assert entries["lee2026let"]["title"] == "{Let [VOID] Handle the Padding: Learning When to Stop with [EOS]}"


def test_bibtex_authors():
    entries = bib_entries(render(STARS, "bibtex"))
    assert entries["muller2026forecasting"]["author"] == "Jonas Müller and Ingrid Ødegaard and 王小明 and Ayşe Çelik"
    assert entries["lee2026let"]["author"] == "{Lee, Ann} and {Johnson and Johnson Research} and Alexander Andersen"
    assert entries["surname02025speakervid"]["author"].split(" and ") == list(MANY.authors)


def test_bibtex_year_of_old_style_id_and_url_fallback():
    entry = bib_entries(render(STARS, "bibtex"))["maldacena1999large"]
    assert entry["year"] == "1999"
    assert entry["eprint"] == "hep-th/9901001"
    assert entry["url"] == "https://arxiv.org/abs/hep-th/9901001"


PIECES = st.sampled_from([*"{}\\$%&#_^~\"'@,= \x1b\x07\n\t\r[]aZé王", "\\textsc{", "$x$", "\\\\", "\\{", "\\}", " and "])
TEXT = st.lists(st.one_of(PIECES, st.characters()), max_size=30).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXT, st.lists(TEXT, max_size=4), TEXT), min_size=1, max_size=3))
def test_bibtex_always_balanced_and_parseable(papers):
    stars = [
        Star(Paper(id=f"2601.{index:05d}", title=title, authors=tuple(authors), category=category),
             "2026-11-28T09:15:00Z")
        for index, (title, authors, category) in enumerate(papers)
    ]
    text = render(stars, "bibtex")
    assert_bibtex_balanced(text)
    assert len(bib_entries(text)) == len(papers)
    assert not CONTROL.search(text)


# --- RIS ------------------------------------------------------------------------------

def test_ris_reads_back_with_rispy():
    text = render(STARS, "ris")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.splitlines() if line)
    records = {record["id"]: record for record in rispy.loads(text)}
    assert len(records) == len(PAPERS)
    iconic = records["2601.10802"]
    assert iconic["type_of_reference"] == "GEN"
    assert iconic["title"] == ICONIC.title
    assert iconic["authors"] == ["Krumpl, Gerhard", "Avenhaus, Henning", "Possegger, Horst"]
    assert iconic["year"] == "2026"
    assert iconic["urls"] == [ICONIC.url]
    assert iconic["abstract"] == "Current progress in OOD detection is limited. We introduce ICONIC-444."
    assert iconic["keywords"] == ["cs.CV"]
    assert records["2605.21090"]["authors"] == ["Müller, Jonas", "Ødegaard, Ingrid", "王小明", "Çelik, Ayşe"]
    assert records["2606.00829"]["authors"][0] == "Lee, Ann"
    assert len(records["2507.09862"]["authors"]) == 50
    assert "notes" not in records["2606.00829"]


# --- Markdown -------------------------------------------------------------------------

def test_markdown_groups_by_category_in_first_seen_order():
    text = render(STARS, "markdown")
    headings = re.findall(r"^## (.*)$", text, re.MULTILINE)
    assert headings == ["cs.CV", "cs.CL", "physics.ao-ph", "hep-th", "cs.CR␛\\[0m", "cs.LG"]
    assert "- [ICONIC-444: A 3.1-Million-Image Dataset for OOD Detection Research](https://arxiv.org/abs/2601.10802)" in text
    assert "  *Gerhard Krumpl, Henning Avenhaus, Horst Possegger*" in text
    assert "  TL;DR: 一个用于OOD检测研究的大规模数据集。" in text


def test_markdown_escapes_link_text_and_skips_missing_tldr():
    text = render([STARS[3]], "markdown")
    assert text == (
        "## cs.CL\n\n"
        r"- [Let \[VOID\] Handle the Padding: Learning When to Stop with \[EOS\]]"
        "(https://arxiv.org/abs/2606.00829v2)\n"
        "  *Lee, Ann, Johnson and Johnson Research, Alexander Andersen*\n"
    )
    assert r"- [T\$^\\star\$: Progressive" in render([STARS[1]], "markdown")


# --- CSV ------------------------------------------------------------------------------

def test_csv_round_trip_and_formula_neutralisation():
    rows = list(csv.DictReader(io.StringIO(render(STARS, "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(PAPERS)
    iconic = next(row for row in rows if row["id"] == ICONIC.id)
    assert iconic == {
        "id": ICONIC.id,
        "title": ICONIC.title,
        "authors": "Gerhard Krumpl; Henning Avenhaus; Horst Possegger",
        "category": "cs.CV",
        "url": ICONIC.url,
        "starred": "2026-11-10",
        "tldr": ICONIC.tldr,
        "tags": "",
        "note": "",
    }
    formula = next(row for row in rows if row["id"] == FORMULA.id)
    assert formula["title"] == "'=1+1"
    assert formula["authors"] == "'@attacker; +Plus Minus"
    assert formula["tldr"] == "'-ray emission"
    evil = next(row for row in rows if row["id"] == EVIL.id)
    assert evil["tldr"].startswith("'-1+1")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


# --- JSON -----------------------------------------------------------------------------

def test_json_has_every_paper_field_plus_star():
    records = by_id(STARS)
    assert len(records) == len(PAPERS)
    for star in STARS:
        if star.paper is not EVIL:
            assert records[star.paper.id] == {
                **star.paper.to_dict(), "starred_at": star.starred_at, "digest": star.digest, "tags": [], "note": None
            }
    evil = records[EVIL.id]
    assert evil["title"] == "Evil␛[31m Red␇ Title\ufffd2J\nsecond line"
    assert evil["abstract"] == "Line␀ one␛[1m.\n  Para two."
    assert evil["extra"] == {"Keywords": "a␛b"}


# --- every format ---------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_no_control_characters_or_escapes_in_any_format(fmt):
    text = render(STARS, fmt)
    assert not CONTROL.search(text)
    assert "\\u001b" not in text
    if fmt != "json":  # JSON keeps the stored url field as it is; the others link only http(s)
        assert "javascript:" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic_and_each_paper_once(fmt):
    twice = STARS + [Star(ICONIC, "2026-12-01T00:00:00Z", "2026-02-01")]
    assert render(twice, fmt) == render(list(reversed(twice)), fmt) == render(STARS, fmt)


def test_order_is_by_starred_at_then_id():
    stars = [Star(TSTAR, "2026-11-02T00:00:00Z"), Star(ICONIC, "2026-11-02T00:00:00Z"), Star(OLD, "2026-11-01T00:00:00Z")]
    assert list(by_id(stars)) == [OLD.id, ICONIC.id, TSTAR.id]


def test_empty_export():
    assert render([], "json") == "[]\n"
    assert render([], "csv") == ",".join(CSV_COLUMNS) + "\n"
    assert render([], "bibtex") == render([], "ris") == render([], "markdown") == ""
    uncategorised = Star(Paper(id="2601.00001", title="No Section"), "2026-11-28T00:00:00Z")
    assert render([uncategorised], "markdown").startswith("## Other\n\n- [No Section](https://arxiv.org/abs/2601.00001)\n")


def test_unknown_format():
    with pytest.raises(ExportError, match="unknown export format: docx"):
        render(STARS, "docx")
    with pytest.raises(ExportError):
        default_path("docx", None, date(2026, 11, 28))


def test_filter_stars_keeps_only_given_papers_in_order():
    wanted = {STARS[0].paper.id, STARS[-1].paper.id}
    assert filter_stars(STARS, wanted) == [star for star in STARS if star.paper.id in wanted]
    assert filter_stars(STARS, set()) == []


def test_default_path():
    today = date(2026, 11, 28)
    assert default_path("bibtex", None, today) == Path.home() / "digest-reader-starred-2026-11-28.bib"
    assert default_path("markdown", "~/notes", today) == Path.home() / "notes" / "digest-reader-starred-2026-11-28.md"
    assert {name: format.extension for name, format in FORMATS.items()} == {
        "bibtex": "bib", "ris": "ris", "markdown": "md", "csv": "csv", "json": "json",
    }


# --- write ----------------------------------------------------------------------------

def test_write_creates_and_replaces(tmp_path):
    target = tmp_path / "starred.bib"
    write("old", target)
    write(render(STARS, "bibtex"), target)
    assert target.read_text(encoding="utf-8") == render(STARS, "bibtex")
    assert os.listdir(tmp_path) == ["starred.bib"]


def test_write_to_a_directory(tmp_path):
    with pytest.raises(ExportError, match=r"is a directory$"):
        write("x", tmp_path)


def test_write_to_a_missing_folder(tmp_path):
    with pytest.raises(ExportError, match="^folder does not exist: .*missing$"):
        write("x", tmp_path / "missing" / "starred.csv")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file permissions")
@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_write_read_only_target(tmp_path, read_only):
    target = tmp_path / "starred.md"
    target.write_text("keep")
    (target if read_only == "file" else tmp_path).chmod(0o555)
    try:
        with pytest.raises(ExportError, match="^permission denied: "):
            write("new", target)
        assert target.read_text() == "keep"
    finally:
        tmp_path.chmod(0o755)
        target.chmod(0o644)


def test_write_refuses_a_file_without_write_access(tmp_path, monkeypatch):
    """The same check as above where the suite runs as root, which chmod cannot stop."""
    target = tmp_path / "starred.ris"
    target.write_text("keep")
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != target)
    with pytest.raises(ExportError, match="^permission denied: .*starred.ris$"):
        write("new", target)
    assert target.read_text() == "keep"


@pytest.mark.parametrize(("error", "message"), [
    (PermissionError(13, "Permission denied"), "^permission denied: .*starred.json$"),
    (OSError(28, "No space left on device"), "^cannot write .*starred.json: No space left on device$"),
])
def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch, error, message):
    target = tmp_path / "starred.json"
    target.write_text("keep")

    def fail(*args):
        raise error

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ExportError, match=message):
        write("new", target)
    assert target.read_text() == "keep"
    assert os.listdir(tmp_path) == ["starred.json"]


# --- exact files and edge cases ---------------------------------------------------------

SPARSE = Paper(
    id="2601.00042",
    version="v3",
    title="Sparse Attention, Revisited",
    url="https://arxiv.org/abs/2601.00042v3",
    authors=("Ana Lima", "Bo Chen"),
    category="cs.LG",
    tldr="更快的注意力。",
    abstract="We revisit.",
)
NO_ID = Paper(id="noid-3f2a", title="On the")  # no arXiv id, no authors, only stopwords
EXACT_STARS = [Star(SPARSE, "2026-11-28T09:15:00Z", "2026-11-28"), Star(NO_ID, "2026-11-29T09:15:00Z")]


def test_bibtex_file_exactly():
    assert render(EXACT_STARS[:1] * 2, "bibtex") == (
        "@misc{lima2026sparse,\n"
        "  author = {Ana Lima and Bo Chen},\n"
        "  title = {{Sparse Attention, Revisited}},\n"
        "  year = {2026},\n"
        "  eprint = {2601.00042},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.LG},\n"
        "  url = {https://arxiv.org/abs/2601.00042v3}\n"
        "}\n"
    )
    two = render([Star(SPARSE, "2026-11-28T09:15:00Z"), Star(OLD, "2026-11-28T09:15:00Z")], "bibtex")
    assert "}\n\n@misc{maldacena1999large," in two


def test_ris_file_exactly():
    assert render(EXACT_STARS[:1], "ris") == (
        "TY  - GEN\n"
        "TI  - Sparse Attention, Revisited\n"
        "AU  - Lima, Ana\n"
        "AU  - Chen, Bo\n"
        "PY  - 2026\n"
        "PB  - arXiv\n"
        "UR  - https://arxiv.org/abs/2601.00042v3\n"
        "AB  - We revisit.\n"
        "N1  - 更快的注意力。\n"
        "KW  - cs.LG\n"
        "ID  - 2601.00042\n"
        "ER  - \n"
    )


def test_json_file_exactly():
    assert render(EXACT_STARS[:1], "json") == """[
  {
    "id": "2601.00042",
    "version": "v3",
    "title": "Sparse Attention, Revisited",
    "url": "https://arxiv.org/abs/2601.00042v3",
    "authors": [
      "Ana Lima",
      "Bo Chen"
    ],
    "category": "cs.LG",
    "tldr": "更快的注意力。",
    "motivation": null,
    "method": null,
    "result": null,
    "conclusion": null,
    "abstract": "We revisit.",
    "extra": {},
    "categories": [],
    "pdf": null,
    "starred_at": "2026-11-28T09:15:00Z",
    "digest": "2026-11-28",
    "tags": [],
    "note": null
  }
]
"""


def test_a_paper_without_year_author_or_title_word():
    entry = bib_entries(render(EXACT_STARS, "bibtex"))["anon"]
    assert "year" not in entry and "author" not in entry
    assert not any(line.startswith(("PY", "AU")) for line in render([EXACT_STARS[1]], "ris").splitlines())


@pytest.mark.parametrize(
    ("paper_id", "year"),
    [("hep-th/9108001", "1991"), ("hep-th/9901001", "1999"), ("math/0001001", "2000"),
     ("math.AG/0701001", "2007"), ("2601.10802", "2026"), ("0704.0001v2", "2007")],
)
def test_year_of_an_arxiv_id(paper_id, year):
    entry = bib_entries(render([Star(Paper(id=paper_id, title="Title"), "2026-11-28T00:00:00Z")], "bibtex"))
    assert [value["year"] for value in entry.values()] == [year]


@pytest.mark.parametrize(
    ("author", "title", "key"),
    [
        ("Sinéad O'Brien-Smith", "The Graph", "obriensmith2026graph"),  # surname words joined
        ("King, Martin Luther, Jr.", "Dreams", "king2026dreams"),  # surname before the first comma
        ("Kim", "On the", "kim2026"),  # no significant title word
    ],
)
def test_bibtex_key_of_an_author_and_title(author, title, key):
    star = Star(Paper(id="2601.00001", title=title, authors=(author,)), "2026-11-28T00:00:00Z")
    assert list(bib_entries(render([star], "bibtex"))) == [key]


def test_bibtex_title_with_two_math_spans():
    title = r"A_B: $x_1$ and $\alpha^{2}$_x at $>90%$ on #tags"
    entry = bib_entries(render([Star(Paper(id="2601.00001", title=title), "2026-11-28T00:00:00Z")], "bibtex"))
    assert entry["anon2026b"]["title"] == r"{A\_B: $x_1$ and $\alpha^{2}$\_x at $>90\%$ on \#tags}"


def test_unknown_format_names_the_known_ones():
    with pytest.raises(ExportError, match=r"^unknown export format: docx \(use bibtex, ris, markdown, csv, json\)$"):
        render(STARS, "docx")


def test_default_path_falls_back_home_for_an_unusable_folder():
    today = date(2026, 11, 28)
    assert default_path("csv", "~no-such-user-here/x", today) == Path.home() / "digest-reader-starred-2026-11-28.csv"


@pytest.mark.parametrize(
    ("name", "message"),
    [("a\0b.bib", r"^'a\\x00b.bib' is not a usable path \(it contains a NUL byte\)$"),
     ("~no-such-user-here/x.bib", r"^~no-such-user-here/x.bib: no such user's home folder$")],
)
def test_write_to_an_unusable_path(name, message):
    with pytest.raises(ExportError, match=message):
        write("x", name)


def test_write_to_a_name_too_long(tmp_path):
    with pytest.raises(ExportError, match=r"^cannot write .*x{300}.bib: File name too long$"):
        write("x", tmp_path / ("x" * 300 + ".bib"))


def test_write_replaces_lone_surrogates(tmp_path):
    target = tmp_path / "starred.md"
    write("a\ud800b", target)
    assert target.read_bytes() == b"a?b"


BLOG = Paper(id="noid-77aa", title="A Blog Post", url="https://example.org/post", category="cs.LG")
NOWHERE = Paper(id="noid-88bb", title="Nowhere", url="javascript:alert(1)")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_paper_without_an_arxiv_id_keeps_its_own_link_and_no_made_up_id(fmt):
    """The parser's noid-… key is no arXiv id: no eprint, no arxiv.org link made of it (issue 11)."""
    text = render([Star(BLOG, "2026-11-28T09:15:00Z"), Star(NOWHERE, "2026-11-29T09:15:00Z")], fmt)
    assert "https://example.org/post" in text
    assert "arxiv.org/abs/noid" not in text
    if fmt != "json":  # json keeps every field of the paper as it is, the parser's key included
        assert "noid-" not in text


def test_bibtex_of_a_paper_without_an_arxiv_id_has_no_eprint():
    entry = next(iter(bib_entries(render([Star(BLOG, "2026-11-28T09:15:00Z")], "bibtex")).values()))
    assert entry["url"] == "https://example.org/post"
    assert not {"eprint", "archiveprefix", "primaryclass"} & {key.lower() for key in entry}
    assert "- Nowhere" in render([Star(NOWHERE, "2026-11-29T09:15:00Z")], "markdown").splitlines()
