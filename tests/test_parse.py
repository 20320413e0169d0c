"""The digest parser against the real corpus, damaged and hostile input, and the load errors."""

import gc
import json
import os
import re
import tempfile
import threading
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.model import SUMMARY_FIELDS, DigestError
from reader.core.parse import builder as builder_module
from reader.core.parse import jsonl as jsonl_module
from reader.core.parse.lines import split_lines
from reader.core.parse import (
    CHUNK_SIZE,
    EXTRA_LIMIT,
    FIELD_LIMIT,
    PLACEHOLDERS,
    TITLE_LIMIT,
    iter_parse,
    iter_stream,
    load,
    parse_bytes,
    parse_text,
    preflight,
)

CORPUS = Path(__file__).parent / "corpus"
TODAY = CORPUS / "today.md"
DW = "dw-dengwei__daily-arXiv-ai-enhanced__"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MULTILINE_FIELDS = {*SUMMARY_FIELDS, "abstract"}
ENTRY_HEADING = re.compile(r"^### \[", re.MULTILINE)
ARXIV_HEADING = re.compile(r"^### \[.*\]\(https?://arxiv\.org/abs/([^)\s]+?)(?:v\d+)?\)$", re.MULTILINE)


def readme_counts() -> dict[str, int]:
    """file name -> papers (or records) from the corpus README table."""
    rows = re.findall(r"^\| (\S+) \| (\d+)(?: records)? \|", (CORPUS / "README.md").read_text("utf-8"), re.MULTILINE)
    return {name: int(count) for name, count in rows}


COUNTS = readme_counts()


def corpus(name: str):
    """A corpus file parsed afresh (the whole corpus parses in well under a second): no cache, so
    mutation testing credits every test with the parsing it checks, not only the first to load a file."""
    return load(CORPUS / name)


def today_entries() -> tuple[str, list[str]]:
    """today.md split into its preamble and its entry blocks (headings kept)."""
    head, *entries = re.split(r"\n(?=### \[)", TODAY.read_text("utf-8"))
    return head, entries


def test_readme_table_lists_every_corpus_file():
    files = {path.name for path in CORPUS.iterdir() if path.name != "README.md" and path.is_file()}
    assert set(COUNTS) == files


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_corpus_counts_ids_and_clean_text(name):
    """Entry counts match the README and a plain grep; ids are exactly the file's arXiv ids."""
    text = (CORPUS / name).read_text("utf-8")
    digest = corpus(name)
    if name.endswith(".jsonl"):
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
        expected = {re.sub(r"v\d+$", "", record["id"]) for record in records}
        assert len(records) == COUNTS[name] == len(digest.entries)
        assert all(section == paper.category for section, paper in digest.entries)
    else:
        expected = set(ARXIV_HEADING.findall(text))
        assert len(ENTRY_HEADING.findall(text)) == COUNTS[name] == len(digest.entries)
    assert {paper.id for paper in digest.papers} == expected
    assert len(digest.papers) == len(expected)
    assert digest.warnings == []
    names = [section.name for section in digest.sections]
    assert len(names) == len(set(names))
    assert {section for section, _ in digest.entries} == set(names)
    for paper in digest.papers:
        assert_clean(paper)
        for field in (*SUMMARY_FIELDS, "abstract"):
            value = getattr(paper, field)
            assert value is None or value.strip().lower() not in PLACEHOLDERS


def assert_clean(paper) -> None:
    """No control characters anywhere; newlines only in the multi-line fields."""
    for key, value in paper.to_dict().items():
        values = value if isinstance(value, list) else [value]
        if key == "extra":
            values = [text for pair in value.items() for text in pair]
        for text in values:
            if text is None:
                continue
            assert not CONTROL.search(text), (key, text)
            if key not in MULTILINE_FIELDS and key != "extra":
                assert "\n" not in text, (key, text)


def test_current_format_fields():
    digest = corpus("today.md")
    assert (digest.date, digest.name) == (None, "today.md")
    assert [(s.name, len(s.papers)) for s in digest.sections] == [("cs.CV", 35), ("cs.CL", 38), ("cs.AI", 12), ("cs.LG", 43)]
    first = digest.papers[0]
    assert first.id == "2601.10802" and first.version is None
    assert first.title == "ICONIC-444: A 3.1-Million-Image Dataset for OOD Detection Research"
    assert first.url == "https://arxiv.org/abs/2601.10802"
    assert first.authors == ("Gerhard Krumpl", "Henning Avenhaus", "Horst Possegger")
    assert first.category == "cs.CV"
    assert first.tldr.startswith("ICONIC-444是一个包含310万张图像")
    assert first.motivation.startswith("当前OOD检测研究受限于")
    assert first.conclusion.startswith("ICONIC-444填补了")
    assert first.abstract.startswith("Current progress in out-of-distribution (OOD) detection")
    assert first.abstract.endswith("22 state-of-the-art post-hoc OOD detection methods.")
    assert first.extra == ()


def test_titles_are_kept_as_written():
    titles = {paper.id: paper.title for name in ("today.md", DW + "2026-05-21.md", DW + "2025-03-20.md") for paper in corpus(name).papers}
    assert titles["2601.11214"] == "T$^\\star$: Progressive Block Scaling for MDM Through Trajectory Aware RL"
    assert titles["2605.20490"].startswith("\\ECUAS{n}: A family of metrics")
    assert titles["2503.15457"] == "Di$\\mathtt{[M]}$O: Distilling Masked Diffusion Models into One-step Generator"


def test_placeholders_mean_no_summary():
    failed = [paper for paper in corpus(DW + "2026-05-21.md").papers if not paper.has_summary]
    assert len(failed) == 48 and all(paper.abstract for paper in failed)
    fallback = corpus(DW + "pr96-laoyunzai__2026-03-04.md").papers
    assert not any(paper.has_summary for paper in fallback) and all(paper.abstract for paper in fallback)
    assert [paper.id for paper in corpus(DW + "2026-06-02.md").papers if not paper.has_summary] == ["2606.01400"]
    errors = next(paper for paper in corpus(DW + "2025-03-20.md").papers if paper.id == "2503.15457")
    assert not errors.has_summary and errors.abstract.startswith("Masked Diffusion Models")
    korean = {paper.id: paper for paper in corpus("sanghyun-son__daily-arXiv-ai-enhanced__2025-08-20.md").papers}
    assert korean["2508.13236"].tldr is None  # "TL;DR: ?"
    assert korean["2508.13968"].method is None and korean["2508.13968"].result  # "(Duplicate field corrected)"
    empty = [paper for paper in korean.values() if not paper.has_summary]
    assert empty and all(paper.abstract for paper in empty)


def test_hard_wrapped_abstract_is_rejoined_with_paragraphs_kept():
    papers = {paper.id: paper for paper in corpus(DW + "2025-07-15.md").papers}
    first = papers["2507.08831"].abstract
    assert "where an agent follows instructions and moves freely" in first and "\n" not in first
    paragraphs = papers["2507.09230"].abstract.split("\n\n")
    assert len(paragraphs) == 4 and "\n" not in "".join(paragraphs)
    assert paragraphs[0].endswith("occlusions and distorted body proportions.")
    assert paragraphs[1].startswith("There are few works reconstructing human appearance from egocentric views,")


def test_indented_paragraphs_of_one_line_abstracts():
    dagent = corpus("DAgentSec__Agent-Security-Paper-Daily__2026-05-15.md").papers[0]
    paragraphs = dagent.abstract.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[1].startswith("We demonstrate that even a simple length-based positional trigger")
    split = [paper for paper in corpus(DW + "2026-06-02.md").papers if "\n\n" in (paper.abstract or "")]
    assert split and all(not part.startswith(" ") for paper in split for part in paper.abstract.split("\n\n"))


def test_first_format_without_sections():
    digest = corpus(DW + "2025-03-20.md")
    assert [section.name for section in digest.sections] == ["Papers"]
    first = digest.papers[0]
    assert first.tldr == "构建高质量的企业阿拉伯语应用大语言模型（LLMs）"  # Task:
    assert first.motivation.startswith("由于阿拉伯语数字化数据")  # outside <details>
    assert first.method.startswith("提出了一种数据合成") and first.abstract.startswith("Building high-quality")
    assert first.category is None


def test_pre_summary_format_and_repeats():
    digest = corpus(DW + "2025-03-18.md")
    assert (len(digest.entries), len(digest.papers)) == (465, 328)
    assert len(digest.sections[0].papers) == 328
    covid = next(paper for paper in digest.papers if paper.id == "2503.13277")
    assert covid.abstract.startswith("Background: The COVID-19 pandemic has overwhelmed healthcare systems, emphasizing")
    assert covid.extra == () and not covid.has_summary


def test_older_tldr_label_and_physics_sections():
    digest = corpus(DW + "2025-04-16.md")
    assert len(digest.sections) == 15 and {"physics.soc-ph", "physics.flu-dyn"} <= {s.name for s in digest.sections}
    assert all(paper.tldr for paper in digest.papers)


def test_bold_label_fork():
    digest = corpus("ZL-Asica__daily-arXiv-digest__2025-09-03.md")
    assert digest.date == "2025-09-03" and [s.name for s in digest.sections] == ["cs.HC", "cs.CL"]
    first = digest.papers[0]
    assert first.authors[:2] == ("Yuqing Wei", "Yupeng Wang") and first.category == "cs.HC"
    assert first.tldr.startswith("This paper presents a mixed reality application")
    assert first.abstract.startswith("Extended reality (XR)")
    extra = dict(first.extra)
    assert [label for label, _ in first.extra] == ["Keywords", "Relevance Score", "Read time", "Key Contributions"]
    assert extra["Relevance Score"] == "6" and extra["Read time"] == "10 min"
    assert extra["Key Contributions"] == (
        "1. Introduction of a mixed reality application for anatomy education.\n"
        "2. Implementation of intuitive interactions using hand gestures and controllers.\n"
        "3. Development of an automatic calibration module for real human interactions."
    )
    assert any(label == "Limitations" for paper in digest.papers for label, _ in paper.extra)


def test_xmkxabc_fork():
    digest = corpus(DW + "pr16-xmkxabc__2025-06-21.md")
    assert digest.date == "2025-06-21" and len(digest.sections) == 52 and digest.sections[0].name == "cs.CR"
    first = digest.papers[0]
    assert first.authors == ("Wassim Bouaziz", "Mathurin Videau", "Nicolas Usunier", "El-Mahdi El-Mhamdi")
    assert first.category == "cs.CR"
    assert first.tldr.startswith("研究表明，在LLM预训练中")  # > **TL;DR:**
    assert first.motivation and first.conclusion and first.abstract is None
    assert [label for label, _ in first.extra] == ["Translated title", "Keywords", "Comment", "AI_Comments", "ai_Abstract", "摘要翻译"]
    assert dict(first.extra)["Translated title"] == "冬日战士：通过间接数据投毒在预训练阶段对语言模型进行后门攻击"
    comments = {dict(paper.extra).get("Comment") for paper in digest.papers}
    assert "This is submitted to the ACM/IEEE Symposium on Edge Computing (SEC 2025)" in comments


def test_quoted_fields_go_on_over_quoted_lines():
    """xmkxabc quotes some fields (``> **摘要翻译:**``); their later lines keep every character after ``> ``."""
    text = (
        "### [1] [A](https://arxiv.org/abs/2601.00001)\n*Ann*\n\n"
        "> **TL;DR:** Wrapped\n> over two lines\n>no space\n\n"
        "> **摘要翻译:** 第一段\n> 第二行\n>\n> 新段落\n> \u3000全角\n"
    )
    paper = parse_text(text, "x.md").papers[0]
    assert paper.tldr == "Wrapped over two lines no space"
    assert dict(paper.extra)["摘要翻译"] == "第一段\n第二行\n\n新段落\n全角"


def test_a_wrapped_line_that_starts_with_a_number_is_no_list_item():
    """Hard-wrapped prose may put ``17. Our`` at a line start: only indented numbers are list items."""
    text = (
        "### [1] [A](https://arxiv.org/abs/2601.00001)\n*Ann*\n\n"
        "Abstract: We train on a corpus of\n17. Our model wins. Steps:\n 1. collect\n 12) clean\n 123. last\n 1234. no item\n"
    )
    abstract = parse_text(text, "x.md").papers[0].abstract
    assert abstract == "We train on a corpus of 17. Our model wins. Steps:\n1. collect\n12) clean\n123. last 1234. no item"


def test_a_bold_label_whose_value_holds_a_colon():
    """``**Code: https://...**``: the label ends at the first colon, the URL keeps its own."""
    text = "### [1] [A](https://arxiv.org/abs/2601.00001)\n*Ann*\n\n**Code: https://github.com/a/b**\n\nAbstract: a\n"
    paper = parse_text(text, "x.md").papers[0]
    assert paper.extra == (("Code", "https://github.com/a/b"),) and paper.abstract == "a"


def test_a_bold_line_before_the_authors_is_no_author_list():
    text = "### [1] [A](https://arxiv.org/abs/2601.00001)\n**Spotlight** paper\n*Ann, Bob*\n\nTL;DR: t\n"
    assert parse_text(text, "x.md").papers[0].authors == ("Ann", "Bob")


def test_json_lines_limits_and_versions_warn_like_markdown():
    records = [
        {"id": "2601.00001v2", "title": "T" * (TITLE_LIMIT + 1), "summary": "s" * (FIELD_LIMIT + 1),
         "comment": "c" * (FIELD_LIMIT + 1)},
        {"id": "2601.00002", "title": "Extras", "summary": "s", "AI": {f"extra_key_{n}": "v" for n in range(60)}},
    ]
    digest = parse_text("\n".join(json.dumps(record) for record in records), "x.jsonl")
    first, second = digest.papers
    assert (first.id, first.version) == ("2601.00001", "v2")
    assert len(second.extra) == EXTRA_LIMIT and second.extra[0] == ("Extra key 0", "v")
    assert digest.warnings == [
        "1 title longer than 1,000 characters cut: 2601.00001",
        "2 fields longer than 100,000 characters cut: 2601.00001 abstract, 2601.00001 Comment",
        "1 entry has more extra fields than shown (at most 50 and 100,000 characters are kept): 2601.00002",
    ]


def test_a_field_line_just_over_the_limit_is_marked_as_cut():
    """The kept part ends in spaces the join strips; the one character dropped still makes it a cut."""
    line = "x" * (FIELD_LIMIT - 1) + "  y"
    paper = parse_text(f"### [1] [A](https://arxiv.org/abs/2601.00001)\nAbstract: {line}\n", "x.md").papers[0]
    assert paper.abstract == "x" * (FIELD_LIMIT - 1) + "…"


def test_no_entry_is_dropped_for_a_cap():
    """Issue 12: a year of papers in one file is read whole (memory is bounded by streaming, not by a cap)."""
    text = "".join(f"### [{n}] [T](https://arxiv.org/abs/{2601 + n // 100_000}.{n % 100_000:05d})\nAbstract: a\n" for n in range(1, 120_002))
    digest = parse_text(text, "x.md")
    assert len(digest.entries) == 120_001 and digest.warnings == []


def test_a_parser_bug_is_an_internal_error_naming_the_file(monkeypatch):
    def broken(lines, builder):
        raise RuntimeError("bug")
        yield

    monkeypatch.setattr("reader.core.parse.parse_markdown", broken)
    with pytest.raises(DigestError, match=r"^x\.md: internal error while parsing \(RuntimeError\)$"):
        parse_text("# Notes\n", "dir/x.md")


def test_astro_and_topic_forks():
    astro = corpus("Straw674__daily-arXiv-astro-ph__2025-12-16.md").papers[0]
    assert astro.tldr and astro.method and astro.result and astro.category is None
    assert [label for label, _ in astro.extra] == ["Background", "Data"]
    # shown in the file's order: the fork's Background and Data come before its Method
    assert [label for label, _ in astro.in_file_order()] == ["TL;DR", "Background", "Data", "Method", "Result"]
    digest = corpus("DAgentSec__Agent-Security-Paper-Daily__2026-05-15.md")
    assert [s.name for s in digest.sections][:2] == ["Agent Sec", "Agent for Sec"]
    first = digest.papers[0]
    # a topic is a section, never an arXiv category (it would be exported as primaryClass): kept as extra
    assert first.category is None and first.extra == (("Source", "arXiv"), ("Catalog", "Agent Sec"))
    japanese = corpus("KAFKA2306__daily-arXiv-ai-enhanced__2025-11-20.md").papers[0]
    assert japanese.id == "2012.10187" and re.search("[\u3040-\u30ff]", japanese.tldr)


def test_jsonl_digests():
    enhanced = corpus(DW + "2026-05-21_AI_enhanced_Chinese.jsonl")
    record = json.loads((CORPUS / (DW + "2026-05-21_AI_enhanced_Chinese.jsonl")).open(encoding="utf-8").readline())
    first = enhanced.papers[0]
    assert (first.id, first.title, first.category) == (record["id"], record["title"], record["categories"][0])
    assert first.authors == tuple(record["authors"]) and first.abstract == record["summary"]
    assert first.url == record["abs"] and enhanced.date == "2026-05-21"
    assert sum(not paper.has_summary for paper in enhanced.papers) == 48
    assert any(label == "Code" for paper in enhanced.papers for label, _ in paper.extra)
    raw = corpus(DW + "2026-05-21.jsonl")
    assert not any(paper.has_summary for paper in raw.papers) and all(paper.abstract for paper in raw.papers)
    fork = dict(corpus("ZL-Asica__daily-arXiv-digest__2025-09-03_AI_enhanced.jsonl").papers[0].extra)
    assert fork["Keywords"].startswith("Mixed Reality, Anatomy Education") and fork["Read time"] == "10 min"
    assert fork["Key Contributions"].startswith("1. Introduction of a mixed reality application")
    wrapped = corpus("ZL-Asica__daily-arXiv-digest__2025-09-03_AI_enhanced.jsonl").papers[0].abstract
    assert "\n" not in wrapped and "encompassing Virtual Reality (VR), Augmented Reality (AR)" in wrapped


def test_jsonl_records_without_categories_ids_or_links():
    """Raw records as forks write them: authors as one string, a title wrapped over lines, AI lists with gaps."""
    records = [
        {"id": "2601.00001", "title": "A\n  wrapped\ntitle", "authors": "Ann Lee, Bob Ray", "summary": "s",
         "AI": {"keywords": ["a", None, "b"], "read_time_minutes": 7, "key_contributions": ["x", None, "y"]}},
        {"title": "No id", "summary": "t", "abs": "https://openreview.net/forum?id=x"},
        {"title": "No link either", "summary": "u"},
    ]
    digest = parse_text("\n".join(json.dumps(record) for record in records), "x.jsonl")
    first, second, third = digest.papers
    assert [section.name for section in digest.sections] == ["Papers"]
    assert (first.title, first.authors) == ("A wrapped title", ("Ann Lee", "Bob Ray"))
    assert first.url == "https://arxiv.org/abs/2601.00001"
    assert first.extra == (("Keywords", "a, b"), ("Read time", "7 min"), ("Key Contributions", "1. x\n2. y"))
    assert second.url == "https://openreview.net/forum?id=x" and third.url is None
    assert second.id.startswith("noid-") and third.id.startswith("noid-")
    assert digest.warnings == [f"2 entries have no arXiv id (a made-up id is used): {second.id}, {third.id}"]


def no_id_digest(count: int):
    return parse_text("".join(f"### [{n}] [Title {n}](https://example.org/{n})\nAbstract: a\n" for n in range(count)), "x.md")


def test_a_warning_lists_five_items_then_counts_the_rest():
    five = no_id_digest(5)
    assert five.warnings == ["5 entries have no arXiv id (a made-up id is used): " + ", ".join(p.id for p in five.papers)]
    six = no_id_digest(6)
    assert six.warnings == [
        "6 entries have no arXiv id (a made-up id is used): " + ", ".join(p.id for p in six.papers[:5]) + " and 1 more"
    ]


def test_a_warning_counts_items_beyond_those_it_remembers():
    """A thousand items of a kind are remembered; the count goes on beyond them."""
    warning = no_id_digest(1_003).warnings[0]
    assert warning.startswith("1003 entries have no arXiv id") and warning.endswith(" and 998 more")


def test_an_empty_day_may_mark_its_toc_with_anchors_only():
    """The generator's ``<div id=toc>`` anchor marks an empty day even without the heading; other anchors and quotes keep it one."""
    for text in (
        "<div id=toc></div>\n",
        "# Table of Contents\n\n<div id='cs.CV'></div>\n\n# cs.CV [[Back]](#toc)\n",
        "# Table of Contents\n\n> No new papers today\n",  # a quote is markup, not a README's prose
    ):
        digest = parse_text(text, "d_2025-10-09.md")
        assert (digest.papers, digest.sections, digest.warnings, digest.name) == ([], [], [], "2025-10-09")
    assert catch(parse_text, "<div id=notes></div>\n", "x.md") == "x.md is not a digest (no papers found)"


def test_jsonl_is_detected_by_content():
    text = (CORPUS / (DW + "2026-05-21.jsonl")).read_text("utf-8")
    assert len(parse_text(text, "whatever.md").entries) == 385


def test_bom_and_crlf_parse_like_the_original():
    raw = TODAY.read_bytes()
    original = parse_bytes(raw, "today.md")
    variant = parse_bytes(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"), "today.md")
    assert variant.entries == original.entries and variant.warnings == []
    assert [s.name for s in variant.sections] == [s.name for s in original.sections]
    assert parse_text("\ufeff" + raw.decode("utf-8"), "today.md").papers == original.papers


def test_repeated_paper_is_one_paper_listed_in_both_sections():
    head, entries = today_entries()
    first = entries[0]  # 2601.10802 under cs.CV
    without_tldr = re.sub(r"\nTL;DR: .*\n", "\n", first)
    text = head + "\n" + without_tldr + "\n# cs.LG [[Back]](#toc)\n\n" + first
    digest = parse_text(text, "today.md")
    assert [section for section, _ in digest.entries] == ["cs.CV", "cs.LG"]
    assert len(digest.papers) == 1
    paper = digest.papers[0]
    assert [s.papers for s in digest.sections] == [[paper], [paper]]
    assert all(entry is paper for _, entry in digest.entries)
    assert paper.tldr.startswith("ICONIC-444是")  # filled from the later occurrence


def test_versions_and_old_style_ids():
    text = (
        "### [1] [A](https://arxiv.org/abs/2601.10802v2)\nAbstract: a\n\n"
        "### [2] [B](http://arxiv.org/abs/hep-th/9901001v1)\nAbstract: b\n\n"
        "### [3] [Let [VOID] Handle ... [EOS]](https://arxiv.org/pdf/2601.00001.pdf)\nAbstract: c\n"
    )
    papers = parse_text(text, "x.md").papers
    assert [(p.id, p.version) for p in papers] == [("2601.10802", "v2"), ("hep-th/9901001", "v1"), ("2601.00001", None)]
    assert papers[0].url == "https://arxiv.org/abs/2601.10802v2"
    assert papers[2].title == "Let [VOID] Handle ... [EOS]"


def test_missing_arxiv_id_gets_a_stable_id_and_a_warning():
    text = "### [1] [A paper](https://openreview.net/forum?id=x)\nAbstract: a\n\n### [2] [No link]\nAbstract: b\n"
    first, second = parse_text(text, "x.md"), parse_text(text, "x.md")
    assert [p.id for p in first.papers] == [p.id for p in second.papers]
    assert len({p.id for p in first.papers}) == 2 and first.papers[1].url is None
    assert len(first.warnings) == 1 and first.warnings[0].startswith("2 entries have no arXiv id")


def test_links_without_a_scheme_and_broken_ids():
    """``arxiv.org/abs/...`` without https is still an arXiv link; a record id that is a lone surrogate gets a made-up id."""
    paper = parse_text("### [1] [A](arxiv.org/abs/2601.00001v3)\nAbstract: a\n", "x.md").papers[0]
    assert (paper.id, paper.version, paper.url) == ("2601.00001", "v3", "arxiv.org/abs/2601.00001v3")
    digest = parse_text('{"id": "\\ud800", "title": "T", "summary": "s"}\n', "x.jsonl")
    assert digest.papers[0].id.startswith("noid-") and digest.papers[0].title == "T"
    assert digest.warnings == [f"1 entry has no arXiv id (a made-up id is used): {digest.papers[0].id}"]


def test_a_file_name_without_a_name_shows_as_digest():
    entry = "### [1] [A](https://arxiv.org/abs/2601.00001)\nAbstract: a\n"
    assert parse_text(entry, "").name == "digest"
    assert catch(parse_text, "Just prose.\n", "") == "digest is not a digest (no papers found)"


def test_sections_beyond_the_limit_are_named_in_the_warning_cut_to_40(monkeypatch):
    monkeypatch.setattr(builder_module, "SECTION_LIMIT", 2)
    long = "Section " + "x" * 50
    text = "".join(f"# {name}\n\n### [{n}] [T{n}](https://arxiv.org/abs/2601.0000{n})\nAbstract: a\n\n"
                   for n, name in enumerate(["cs.AI", "cs.CL", long, "cs.LG"], 1))
    digest = parse_text(text, "x.md")
    assert [(s.name, len(s.papers)) for s in digest.sections] == [("cs.AI", 1), ("cs.CL", 1), ("Other sections", 2)]
    assert digest.warnings == [f"2 sections beyond the first 2 listed under 'Other sections': {long[:40]}…, cs.LG"]


def test_empty_day_is_a_digest_with_no_papers():
    digest = corpus(DW + "2025-10-09.md")
    assert (digest.papers, digest.entries, digest.sections, digest.warnings) == ([], [], [], [])
    assert digest.name == digest.date == "2025-10-09"


def test_date_from_heading_or_file_name():
    entry = "### [1] [A](https://arxiv.org/abs/2601.00001)\nAbstract: a\n"
    assert parse_text(entry, "digest_2025-09-03.md").name == "2025-09-03"
    assert parse_text("# Daily 2025-01-02\n\n" + entry, "x_2025-09-03.md").date == "2025-01-02"
    assert parse_text(entry, "notes.md").name == "notes.md"


def test_damaged_entries_keep_what_they_have_with_few_warnings():
    head, entries = today_entries()
    no_details = entries[1].split("<details>")[0]
    many_without = [re.sub(r"\nAbstract: .*", "", entry) for entry in entries[2:12]]
    truncated = entries[12].split("Method:")[0]
    digest = parse_text(head + "\n".join([entries[0], no_details, *many_without, truncated]), "today.md")
    assert len(digest.papers) == 13
    cut_off = digest.papers[12]
    assert cut_off.motivation and cut_off.method is None and cut_off.abstract is None
    assert digest.papers[1].tldr and digest.papers[1].abstract is None
    assert len(digest.warnings) == 3
    assert digest.warnings[0] == "The table of contents lists 128 papers, but 13 were found"
    assert digest.warnings[1].startswith(f"1 entry is cut off (the details block never closes): {cut_off.id}")
    assert digest.warnings[2].startswith("12 entries have no abstract: 2601.10835,") and "and 7 more" in digest.warnings[2]


def huge_field_digest(size: int) -> str:
    """A long title and a ``size``-character abstract in a details block, both over the limits."""
    return (
        f"### [1] [{'[' * (TITLE_LIMIT + 50)}](https://arxiv.org/abs/2601.00001)\nAbstract: a\n\n"
        f"### [2] [B](https://arxiv.org/abs/2601.00002)\n<details>\nAbstract: {'word ' * (size // 5)}\n</details>\n"
    )


def test_size_limits_cut_with_a_warning():
    """How the cost grows with the field's size is measured by benchmarks/parse_linearity.py."""
    digest = parse_text(huge_field_digest(10_000_000), "x.md")
    first, second = digest.papers
    assert first.title == "[" * TITLE_LIMIT + "…"
    assert len(second.abstract) <= FIELD_LIMIT + 1
    assert digest.warnings == [
        "1 title longer than 1,000 characters cut: 2601.00001",
        "1 field longer than 100,000 characters cut: 2601.00002 Abstract",
    ]


def test_invalid_utf8_is_replaced_with_a_warning():
    data = "### [1] [Caf\u00e9](https://arxiv.org/abs/2601.00001)\nAbstract: a\n".encode().replace(b"\xc3\xa9", b"\xe9")
    digest = parse_bytes(data, "x.md")
    assert digest.papers[0].title == "Caf\ufffd"
    assert digest.warnings == ["The file is not valid UTF-8: undecodable bytes are shown as \ufffd"]


def test_control_characters_are_made_visible():
    digest = parse_text("### [1] [A\x1b[31mB](https://arxiv.org/abs/2601.00001)\nAbstract: x\x07y\n", "x.md")
    assert digest.papers[0].title == "A\u241b[31mB" and digest.papers[0].abstract == "x\u2407y"


def test_iter_parse_yields_snapshots_the_caller_may_keep():
    text = TODAY.read_text("utf-8")
    yielded = list(iter_parse(text, "today.md", batch=50))
    counts = [(len(digest.entries), len(digest.papers), sum(len(s.papers) for s in digest.sections)) for digest in yielded]
    assert counts == [(50, 50, 50), (100, 100, 100), (128, 128, 128)], "each keeps what it had when yielded"
    assert len({id(digest) for digest in yielded}) == 3
    assert len({id(digest.sections[0].papers) for digest in yielded}) == 3
    whole = parse_text(text, "today.md")
    assert yielded[-1].entries == whole.entries and yielded[-1].sections == whole.sections
    assert yielded[0].papers == whole.papers[:50] and yielded[0].papers[0] is yielded[-1].papers[0], "papers are shared"


def test_iter_parse_yields_every_500_entries_by_default():
    name = DW + "2026-06-02.md"
    counts = [len(digest.entries) for digest in iter_parse((CORPUS / name).read_text("utf-8"), name)]
    assert counts == [500, 532]


def test_a_snapshot_keeps_the_first_occurrence_of_a_paper_filled_later():
    """A repeat fills the first paper in everything yielded after it, never in snapshots taken before."""
    head, entries = today_entries()
    without_tldr = re.sub(r"\nTL;DR: .*\n", "\n", entries[0])
    text = head + "\n" + without_tldr + "\n".join(entries[1:3]) + "\n# cs.LG [[Back]](#toc)\n\n" + entries[0]
    before, after = list(iter_parse(text, "today.md", batch=3))
    assert before.papers[0].tldr is None and before.sections[0].papers[0].tldr is None
    assert after.papers[0].tldr and after.sections[0].papers[0] is after.papers[0] is after.entries[-1][1]


# --- load and its errors ---------------------------------------------------------------------


def test_load_reads_files_only_folders_are_for_the_caller(tmp_path):
    assert catch(load, CORPUS).endswith("corpus is a directory, not a digest file")
    assert catch(preflight, CORPUS).endswith("corpus is a directory, not a digest file")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda tmp: tmp / "missing.md", "no such file or directory"),
        (lambda tmp: write(tmp / "notes.txt", b"hi").parent, "is a directory, not a digest file"),
        (lambda tmp: write(tmp / "README.md", (CORPUS / "README.md").read_bytes()), "is not a digest (no papers found)"),
        (lambda tmp: write(tmp / "empty.md", b""), "empty.md is empty"),
        (lambda tmp: write(tmp / "blank.md", b"\n \n"), "blank.md is empty"),
        (lambda tmp: write(tmp / "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50), "is not a digest (binary file)"),
        (lambda tmp: write(tmp / "noise.md", bytes(range(1, 256)) * 40), "is not a digest (binary file)"),
        (lambda tmp: write(tmp / "data.jsonl", b'{"a": 1}\n{"b": 2}\n'), "is not a digest (no papers found)"),
    ],
)
def test_load_errors(tmp_path, setup, message):
    with pytest.raises(DigestError, match=re.escape(message)) as raised:
        load(setup(tmp_path))
    assert "\n" not in str(raised.value)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("function", [load, preflight, iter_stream])
def test_never_blocks_on_a_fifo(tmp_path, function):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(catch(function, fifo)), daemon=True)
    worker.start()
    worker.join(60)  # a load that blocks never ends: 60 s means hung, not slow
    assert not worker.is_alive(), "blocked on a FIFO"
    assert "is not a regular file" in outcome[0]


def test_text_with_up_to_5_percent_control_codes_is_no_binary(tmp_path):
    """Control codes other than tab, newlines, form feed and ESC: 5% of the first bytes are tolerated, more are not."""
    entry = b"### [1] [T](https://arxiv.org/abs/2601.00001)\nAbstract: a\x01\n"
    padded = entry + b"y" * (200 - len(entry))  # 200 bytes, one control code so far
    ratio = write(tmp_path / "ratio.md", padded.replace(b"y", b"\x02", 9))  # 10 in 200: 5%
    assert load(ratio).papers[0].id == "2601.00001"
    over = write(tmp_path / "over.md", padded.replace(b"y", b"\x02", 10))
    assert catch(load, over) == "over.md is not a digest (binary file)"


def test_preflight_checks_without_parsing(tmp_path):
    assert preflight(TODAY) == (TODAY, TODAY.stat().st_size)
    notes = write(tmp_path / "notes.md", b"not a digest, but text")
    assert preflight(notes) == (notes, 22)
    assert catch(preflight, write(tmp_path / "image.md", b"\x89PNG\x00" * 10)).endswith("is not a digest (binary file)")
    assert catch(preflight, tmp_path / "missing.md").endswith("no such file or directory")


def test_iter_stream_reads_and_yields_batches(tmp_path):
    counts = [len(digest.entries) for digest in iter_stream(TODAY, batch=60)]
    assert counts == [60, 120, 128]
    latin1 = write(tmp_path / "x.md", "### [1] [Caf\u00e9](https://arxiv.org/abs/2601.00001)\nAbstract: a\n".encode("latin-1"))
    assert list(iter_stream(latin1))[-1].warnings[0].startswith("The file is not valid UTF-8")
    assert catch(lambda path: list(iter_stream(path)), write(tmp_path / "r.md", b"# Notes\n\nJust prose.\n")).endswith(
        "r.md is not a digest (no papers found)"
    )


def catch(function, *args) -> str:
    try:
        function(*args)
    except DigestError as error:
        return str(error)
    return "no error"


@pytest.mark.parametrize(
    ("error", "message"),
    [(FileNotFoundError, "the file vanished before it could be read"), (PermissionError, "permission denied")],
)
def test_load_open_failures(monkeypatch, error, message):
    """Races and permissions root cannot reproduce: the open itself fails after the stat."""

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(os, "open", fail)
    assert catch(load, TODAY) == catch(preflight, TODAY) == f"{TODAY}: {message}"


def test_a_failing_fstat_says_cannot_read(monkeypatch):
    def fail(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fstat", fail)
    assert catch(load, TODAY).endswith("today.md: cannot read (Input/output error)")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_load_unreadable_file(tmp_path):
    path = write(tmp_path / "locked.md", TODAY.read_bytes())
    path.chmod(0)
    assert catch(load, path).endswith("permission denied")


# --- streaming: iter_stream reads and decodes in chunks ------------------------------------------

NOT_UTF8 = "The file is not valid UTF-8: undecodable bytes are shown as \ufffd"
BOM = b"\xef\xbb\xbf"


def outcome(digest):
    """Everything a parse produces, comparable with ==."""
    sections = [(section.name, section.papers) for section in digest.sections]
    return digest.name, digest.date, digest.papers, sections, digest.entries, digest.warnings


def streamed(path, chunk_size=CHUNK_SIZE, batch=500):
    """The last digest of iter_stream, or the DigestError message."""
    try:
        return outcome(list(iter_stream(path, batch, chunk_size=chunk_size))[-1])
    except DigestError as error:
        return str(error)


def decoded_whole(data: bytes, name: str):
    """What the parser made of a file before it streamed: the whole file decoded at once, then parsed."""
    data = data.removeprefix(BOM)
    try:
        digest = parse_text(data.decode("utf-8", "replace"), name)
    except DigestError as error:
        return str(error)
    if data.decode("utf-8", "replace").encode("utf-8") != data:
        digest.warnings.insert(0, NOT_UTF8)
    return outcome(digest)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_iter_stream_agrees_with_load_whatever_the_chunk_size(name):
    path = CORPUS / name
    expected = outcome(corpus(name))
    assert decoded_whole(path.read_bytes(), name) == expected
    assert streamed(path) == expected
    assert streamed(path, chunk_size=7, batch=50) == expected


def today_sample(entries: int = 6) -> str:
    head, blocks = today_entries()
    return head + "\n".join(blocks[:entries])


STREAM_CASES = {
    "crlf": today_sample().replace("\n", "\r\n").encode(),
    "bom": BOM + today_sample().encode(),
    "two-boms": BOM * 2 + today_sample().encode(),
    "bom-and-blank-start": BOM + b"\n \t\r\n\n" + "\u3000\x85\n".encode() * 3 + today_sample(2).encode(),
    # every chunk size below splits some of the 3- and 4-byte characters
    "multibyte": (today_sample(3) + "### [9] [\U0001d538\U0001d539 中文标题](https://arxiv.org/abs/2601.00009)\n"
                  "TL;DR: 𝔸𝔹 中文摘要\n").encode(),
    "invalid-utf8": today_sample(3).encode() + b"\n### [9] [Caf\xe9 \xe4\xb8](https://arxiv.org/abs/2601.00009)\n"
                    b"Abstract: \xed\xa0\x80 \xf0\x9f\n",
    "truncated-at-the-end": today_sample(2).encode() + "TL;DR: 中".encode()[:-1],
    "blank-runs": b"### [1] [A](https://arxiv.org/abs/2601.00001)\n\n\n\r\n \n\nAbstract: one\n\n\n\n\n"
                  b"two\n\r\n\r\n\tthree\n\n\n\n### [2] [B](https://arxiv.org/abs/2601.00002)\n\n\n\n",
    "indented-start": b"\n  \t  # cs.AI 2025-01-02\n" + today_sample(2).split("\n# ", 1)[1].encode(),
    "jsonl": b"\n\n  \n" + (CORPUS / (DW + "2026-05-21.jsonl")).read_bytes()[:20_000].rsplit(b"\n", 1)[0]
             + b"\nnot json\n\n{\"x\": 1}\n",
}


@pytest.mark.parametrize("case", sorted(STREAM_CASES))
def test_tiny_chunks_parse_like_the_whole_file(tmp_path, case):
    data = STREAM_CASES[case]
    path = write(tmp_path / f"{case}.md", data)
    expected = decoded_whole(data, path.name)
    assert isinstance(expected, tuple) and expected[4], "the case is a digest"
    assert (NOT_UTF8 in expected[5]) == case.startswith(("invalid", "truncated"))
    for size in (*range(1, 10), 64, 4099, CHUNK_SIZE):
        assert streamed(path, chunk_size=size, batch=2) == expected, size
    assert outcome(load(path, chunk_size=7)) == outcome(parse_bytes(data, path.name)) == expected


def test_blank_lines_before_the_text_keep_json_lines_numbers(tmp_path):
    """A blank start longer than the binary sniff: the empty check reads on, and line numbers still count it."""
    record = (CORPUS / (DW + "2026-05-21.jsonl")).read_bytes().split(b"\n", 1)[0]
    data = b"\n" * 100_000 + record + b"\njunk\n\n{\n" + record.replace(b'"id": "', b'"id": "1')
    path = write(tmp_path / "late.jsonl", data)
    expected = decoded_whole(data, path.name)
    assert expected[5] == ["2 lines are not a JSON paper record (skipped): 100002, 100004"]
    for size in (7, 4096, CHUNK_SIZE):
        assert streamed(path, chunk_size=size) == expected


def test_invalid_utf8_far_into_the_file_warns_from_its_chunk_on(tmp_path):
    """The first batch comes before the whole file is read: it has no warning yet; the last one has it, first."""
    entry = "### [{n}] [中文 {n}](https://arxiv.org/abs/2601.{n:05d})\nTL;DR: 摘要 {n}\nAbstract: text {n}\n\n"
    good = "".join(entry.format(n=n) for n in range(1, 12_001)).encode()
    assert len(good) > CHUNK_SIZE + 65_536
    data = good + b"### [9] [Bad \xff byte](https://arxiv.org/abs/2602.00001)\nAbstract: a\n"
    path = write(tmp_path / "late.md", data)
    digests = iter_stream(path, batch=100)
    assert next(digests).warnings == []
    assert outcome(list(digests)[-1]) == decoded_whole(data, path.name)
    last = list(iter_stream(path, batch=100, chunk_size=7))[-1]
    assert last.warnings == [NOT_UTF8] and last.papers[-1].title == "Bad \ufffd byte"


@pytest.mark.parametrize("data", [
    b'{"id": "2601.00001", "title": "A"}\n' + b"junk\n" * 5 + b'{"id": "2601.00002", "title": "B"}\n\xff',
])
def test_invalid_utf8_after_the_parse_stopped_still_warns(tmp_path, monkeypatch, data):
    """The parse stops in a JSON Lines file of junk: the rest is still checked."""
    monkeypatch.setattr(jsonl_module, "_BAD_RUN", 4)
    path = write(tmp_path / "stops.md", data)
    expected = decoded_whole(data, path.name)
    assert expected[5][0] == NOT_UTF8 and len(expected[5]) >= 2
    for size in (1, 7, CHUNK_SIZE):
        assert streamed(path, chunk_size=size) == expected


def long_line_file(folder: Path, size: int) -> Path:
    """A digest whose title and abstract are each one line of about ``size`` bytes."""
    data = ("### [1] [" + "中" * (size // 3) + "](https://arxiv.org/abs/2601.00001)\n*A*\nAbstract: "
            + "word " * (size // 5) + "\n").encode()
    return write(folder / f"line-{size}.md", data)


def test_a_10_mb_line_spanning_many_chunks_reads_as_one(tmp_path):
    """How the cost grows with the line's length is measured by benchmarks/parse_linearity.py."""
    path = long_line_file(tmp_path, 10 * 1024 * 1024)
    expected = decoded_whole(path.read_bytes(), path.name)
    assert len(expected[5]) == 2 and "cut" in expected[5][0]
    for size in (1024, CHUNK_SIZE):
        assert streamed(path, chunk_size=size) == expected


def test_megabytes_of_blank_lines_stream_as_a_few_lines(tmp_path):
    entry = b"### [%d] [T](https://arxiv.org/abs/2601.0000%d)\nAbstract: a\n"
    blank = write(tmp_path / "blank.md", b"\n" * 50_000_000)
    with pytest.raises(DigestError, match="blank.md is empty"):
        iter_stream(blank)  # a file error: raised before iterating
    data = b"\n" * 20_000_000 + entry % (1, 1) + b"\n" * 20_000_000 + entry % (2, 2) + b"\r\n" * 5_000_000
    path = write(tmp_path / "gaps.md", data)
    digest = list(iter_stream(path))[-1]
    assert [paper.abstract for paper in digest.papers] == ["a", "a"] and digest.warnings == []
    text = data.decode()
    chunks = [text[start:start + CHUNK_SIZE] for start in range(0, len(text), CHUNK_SIZE)]
    lines = list(split_lines(chunks, squeeze=True))
    assert len(lines) <= 2 * len(chunks) + 10, "a run of blank lines comes out as one per chunk at most"
    assert [line for line in lines if line.strip()] == (entry % (1, 1) + entry % (2, 2)).decode().splitlines()


def test_file_errors_come_at_once_and_the_file_is_closed(tmp_path):
    for name, data, message in [
        ("empty.md", BOM, "empty.md is empty"),
        ("image.md", b"\x89PNG\x00" * 10, "image.md is not a digest (binary file)"),
    ]:
        with pytest.raises(DigestError, match=re.escape(message)):
            iter_stream(write(tmp_path / name, data))  # not iterated
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return
    before = len(list(fds.iterdir()))
    unstarted, started = iter_stream(TODAY), iter_stream(TODAY, batch=10)
    next(started)
    assert len(list(fds.iterdir())) == before + 2
    del unstarted, started
    gc.collect()
    assert len(list(fds.iterdir())) == before
    list(iter_stream(TODAY))
    assert len(list(fds.iterdir())) == before


def test_streaming_never_holds_the_whole_file(tmp_path):
    entry = "### [1] [同一篇](https://arxiv.org/abs/2601.00001)\nAbstract: " + "摘要文字 " * 150 + "\n\n"
    data = (entry * 2_000).encode()  # about 3 MB of one repeated paper: the digest itself stays small
    path = write(tmp_path / "repeats.md", data)
    tracemalloc.start()
    try:
        digest = list(iter_stream(path, chunk_size=65_536))[-1]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(digest.entries) == 2_000
    assert peak < len(data) / 4, f"peak {peak:,} bytes for a {len(data):,}-byte file"


LINE_STARTS = ["", "### [1] [", "### [2] [", "# ", "  # ", "<details>", "</details>", "Abstract: ", "TL;DR: ", "{", "  ", "*"]
PIECES = ["", "中文", "\U0001d538", "](https://arxiv.org/abs/2601.00001)", "]", ":", "\r", "\ufeff", "\u3000", "}", " "]
STREAM_TEXT = st.lists(
    st.tuples(st.sampled_from(LINE_STARTS), st.lists(st.sampled_from(PIECES), max_size=4).map("".join)).map("".join),
    max_size=20,
).map("\n".join)
RAW_BYTES = st.sampled_from([b"", b"\xff", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf0\x9f", BOM, b"\n\n\n", b"\r\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([b"", BOM, BOM * 2, b"\n \n"]),
    st.lists(st.tuples(STREAM_TEXT.map(str.encode), RAW_BYTES), max_size=3),
    st.integers(1, 12),
)
def test_any_chunk_size_parses_like_the_whole_file(start, parts, size):
    data = start + b"".join(text + raw for text, raw in parts)
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "fuzz_2025-09-03.md", data)
        expected = decoded_whole(data, path.name) if data.removeprefix(BOM).strip() else "fuzz_2025-09-03.md is empty"
        assert streamed(path, chunk_size=size, batch=1) == expected
