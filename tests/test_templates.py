"""Issue 12: every fork's template read right, and no line of text lost, on real files (tests/corpus/forks)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader.core.parse import DigestError, load, parse_text
from reader.core.parse.fields import FAILURES, is_failure
from reader.core.sanitize import clean
from reader.core.session import relevance_of

CORPUS = Path(__file__).parent / "corpus"
FORKS = CORPUS / "forks"
ALL = sorted(p for p in [*CORPUS.iterdir(), *FORKS.iterdir()] if p.is_file() and p.name != "README.md")


def fork(name: str):
    return load(FORKS / name)


def fork_counts() -> dict[str, int]:
    rows = re.findall(r"^\| (\d+) \| (\S+) \|", (CORPUS / "README.md").read_text("utf-8"), re.MULTILINE)
    return {name: int(count) for count, name in rows}


def test_readme_lists_every_fork_file_with_its_paper_count():
    counts = fork_counts()
    assert set(counts) == {path.name for path in FORKS.iterdir()}
    for name, count in counts.items():
        try:
            entries = len(fork(name).entries)
        except DigestError:
            entries = 0
        assert entries == count, name


_NORMAL = re.compile(r"[\s*`>#|_\\,;:'\"\[\]()：]+")


def _normal(text: str) -> str:
    return _NORMAL.sub("", text)


_STRUCTURE = re.compile(
    r"^(#{1,6} |<|- \[.*\]\(#|[-=_* ]+$|\[.*\]\(#[^)]*\)( \| \[.*\]\(#[^)]*\))*$|---$)"
)


@pytest.mark.parametrize("path", [p for p in ALL if p.suffix == ".md"], ids=lambda p: p.name)
def test_no_line_of_text_is_lost(path):
    """Every non-blank line of the file is markup, or its text is in a field of --dump's output, or warned about."""
    try:
        digest = load(path)
    except DigestError:
        return
    dumped = _normal(json.dumps([{**paper.to_dict(), "section": section} for section, paper in digest.entries],
                                ensure_ascii=False).encode().decode("unicode_escape", errors="ignore"))
    dumped = _normal(" ".join(
        " ".join([paper.title, paper.url or "", paper.pdf or "", section, *paper.authors, *paper.categories,
                  *(v or "" for v in (paper.category, paper.tldr, paper.motivation, paper.method, paper.result,
                                      paper.conclusion, paper.abstract)),
                  *(f"{label} {text}" for label, text in paper.extra)])
        for section, paper in digest.entries
    ))
    warned = "unread" if any("not read" in w for w in digest.warnings) else ""
    lost = []
    in_front_matter = False
    # the file as the reader shows it: control characters as visible stand-ins (ESC as ␛, NUL as ␀)
    for number, line in enumerate(clean(path.read_text("utf-8", errors="replace"), multiline=True).split("\n"), 1):
        text = line.strip()
        if number == 1 and text == "---":
            in_front_matter = True  # a post's YAML front matter: the file's metadata (its date is read)
        elif in_front_matter:
            in_front_matter = text != "---"
        if in_front_matter or not text or _STRUCTURE.match(text):
            continue
        for part in re.split(r"\s+[|·]\s+", text):  # "a | b", "[id](abs)  ·  [PDF](pdf)"
            # a labelled part: its value must be kept (the label itself may be a field name)
            value = re.sub(r"^(?:- )?(?:\*\*[^*]{1,40}\*\*:?|[^:：\s][^:：]{0,38}[:：])\s*", "", part.strip())
            value = re.sub(r"^\[\*\*\[PDF\]\*\*\]\(([^)]*)\)", r"\1", value)
            link = re.fullmatch(r"\[([^\]]*)\]\(([^)]*)\)", value)
            if link and link.group(1) in link.group(2):  # "[2604.18777](https://arxiv.org/abs/2604.18777)": the url says it all
                value = link.group(2)
            probe = _normal(value)[:60]
            if not probe or probe in dumped or _normal(part)[:60] in dumped:
                continue
            if is_failure(value) or is_failure(part.strip().strip("*")):
                continue  # a fork's failure text is "no summary"
            lost.append((number, part[:80]))
    if warned:  # lines outside the papers are counted in a warning the user sees
        count = sum(int(w.split()[0]) for w in digest.warnings if "not read" in w)
        assert len(lost) <= count, lost[:5]
    else:
        assert lost == [], lost[:5]


def _strings(value) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


@pytest.mark.parametrize("path", [p for p in ALL if p.suffix == ".jsonl"], ids=lambda p: p.name)
def test_no_value_of_a_json_lines_record_is_lost(path):
    """Every string of every record is in a field of the papers (or is a fork's failure text)."""
    digest = load(path)
    dumped = _normal(" ".join(" ".join(_strings(paper.to_dict())) for paper in digest.papers))
    lost = []
    data = path.read_bytes()
    for line in data.decode("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8").splitlines():
        if not line.strip():
            continue
        for text in _strings(json.loads(line)):
            # "arxiv:2605.03964" is the paper's id, which the dump has without its prefix
            probe = _normal(clean(re.sub(r"^arxiv:", "", text, flags=re.IGNORECASE), multiline=True))[:60]
            if probe and probe not in dumped and not is_failure(text):
                lost.append(text[:80])
    assert lost == [], lost[:5]


def test_junle_chen_no_toc_template():
    digest = fork("junle-chen__daily-arXiv-gemini-enhanced__2025-06-07.md")
    assert len(digest.entries) == 5 and digest.warnings == []
    paper = digest.papers[0]
    assert (paper.id, paper.title) == ("2506.04515", "The Latent Space Hypothesis: Toward Universal Medical Representation Learning")
    assert paper.authors == ("Salil Patel",)
    assert paper.category == "q-bio.QM" and paper.categories == ("q-bio.QM", "cs.AI", "cs.LG")
    assert paper.tldr.startswith("该论文提出了潜在空间假设") and paper.pdf == "https://arxiv.org/pdf/2506.04515"
    assert paper.abstract.startswith("医学数据范围广泛") and paper.abstract.endswith("提供了合理的前进道路。")
    assert paper.extra == ()


def test_junle_chen_topic_digest_with_quota_failures_and_cross_listed_categories():
    digest = fork("junle-chen__daily-arXiv-gemini-enhanced__2025-09-18_trajectory_and_large_models.md")
    assert len(digest.entries) == 13 and digest.warnings == []
    assert digest.sections[0].name == "人工智能 (Artificial Intelligence) [cs.AI]"
    first, failed = digest.papers[0], digest.papers[2]
    assert first.categories == ("cs.AI", "cs.CL", "cs.LG") and first.tldr.startswith("本文提出了一种新颖的LLM辅助路线规划系统")
    assert first.conclusion.startswith("本文提出的LLMAP系统") and first.abstract.startswith("大型语言模型（LLM）的兴起")
    assert failed.id == "2509.12263" and not failed.has_summary
    assert failed.abstract.startswith("Large multimodal models (LMMs)") and failed.categories == ("cs.AI", "cs.LG")


def test_xmkxabc_category_lists_python_authors_and_unfilled_slots():
    digest = fork("xmkxabc__daily-arXiv-ai-enhanced__2025-06-29.md")
    assert len(digest.entries) == 25 and digest.warnings == []
    poster = digest.papers[2]
    assert poster.category == "cs.CR" and poster.categories == ("cs.CR", "cs.AI")
    assert poster.authors == ("Zhonghao Zhan", "Huichi Zhou", "Hamed Haddadi")
    old = fork("xmkxabc__daily-arXiv-ai-enhanced__mainv2__2025-06-10.md")
    paper = old.papers[0]
    assert paper.authors == ("Benjamin von Berg", "Bernhard K. Aichernig") and paper.category is None
    assert [s.name for s in old.sections] == ["cs.LG", "nlin.CG", "cs.CL"]
    assert paper.result is None and paper.tldr.startswith("AALpy库")
    assert fork("xmkxabc__daily-arXiv-ai-enhanced__v2.120__2025-06-11.md").papers[0].category == "eess.SP"


def test_troy_fork_extra_fields_keep_the_abstract_apart():
    paper = fork("Troy9748__daily-arXiv-ai-enhanced__2026-08-20.md").papers[0]
    labels = [label for label, _ in paper.extra]
    assert labels == ["Recommendation", "Abstract Translation", "Conclusion Translation", "Key Figures"]
    assert dict(paper.extra)["Recommendation"].startswith("★★★★☆ (78/100)")
    assert paper.abstract.startswith("Galaxy clusters act") and "星系团" not in paper.abstract
    assert paper.conclusion.startswith("这些进展将把") and "Translation" not in paper.conclusion
    structured = fork("Troy9748__daily-arXiv-ai-enhanced__2026-02-28.md").papers[0]
    assert "Methods:" in structured.abstract or "Aims:" in structured.abstract


def test_reports_journal_papers_and_empty_days():
    report = fork("Casablancassss__daily-arXiv-ai-enhanced__2026-08-13_report.md")
    paper = report.papers[0]
    assert (paper.id, paper.authors) == ("2608.12187", ("Ruochen Li", "Shuang Chen", "Wenke E"))
    assert paper.title.startswith("HSTGFormer") and paper.abstract.startswith("HSTGFormer是一个")
    assert dict(paper.extra)["相关性"] == "55%"
    english = fork("Casablancassss__daily-arXiv-ai-enhanced__2026-03-11_report.md").papers[0]
    assert english.title.startswith("The Bureaucracy of Speed") and english.tldr.startswith("This paper addresses")
    journal = fork("Jiayihua2001__daily-arXiv-ai-enhanced__2026-05-08.md")
    assert len(journal.entries) == 15 and journal.warnings[0] == "1 NUL byte in the file shown as \u2400"
    assert journal.papers[0].url == "https://doi.org/10.1002/smll.73436" and journal.papers[0].category is None
    assert any("\u2400" in (p.result or "") for p in journal.papers)
    for name in ("junle-chen__daily-arXiv-gemini-enhanced__2025-12-13_trajectory_and_large_models.md",
                 "xmkxabc__daily-arXiv-ai-enhanced__2025-06-18.md",
                 "junle-chen__daily-arXiv-gemini-enhanced__2025-12-13_trajectory_llm_AI_enhanced_Chinese.jsonl"):
        assert fork(name).entries == []


def test_utf16_json_lines_are_read_as_text():
    paper = fork("xpo0a__daily-arXiv-ai-enhanced__2025-10-10.jsonl").papers[0]
    assert (paper.id, paper.version, paper.categories) == ("2510.08470", "v1", ("cs.AI", "cs.CL", "cs.LG"))
    assert paper.title.startswith("Looking to Learn") and paper.authors[0] == "Bianca-Mihaela Ganescu"
    assert paper.abstract.endswith("even under severe constraints.")
    assert dict(paper.extra)["Comment"] == "Accepted to the EMNLP 2025 BabyLM Workshop"


def test_flat_json_lines_records():
    digest = fork("MYZhangwww__daily-arXiv-ai-enhanced__recommended_2026-02-26_AI_enhanced_Chinese.jsonl")
    paper = digest.papers[2]
    assert (paper.id, paper.category, paper.authors) == ("2602.21952", "cs.CV", ("Lingjun Zhang", "Yujian Yuan", "Changjie Wu"))
    assert paper.tldr is None and dict(paper.extra)["Is priority"] == "true"


def test_templates_of_the_issue_without_a_public_copy():
    """Written from issue 12's description: a Jekyll post, anchor entries under topics, Abstract (英文)."""
    post = parse_text(
        "---\nlayout: post\ntitle: Daily\ndate: 2026-04-22\n---\n\n### 一个中文标题\n\n"
        "- **arXiv**: [2604.18777](https://arxiv.org/abs/2604.18777)\n- **Title (EN)**: An English Title\n"
        "- **Authors**: A One, B Two\n- **Categories**: cs.CV, cs.LG\n- **TL;DR**: 一句话。\n\n"
        "We study things.\n", "post.md")
    paper = post.papers[0]
    assert (paper.id, paper.title, paper.authors, paper.categories) == (
        "2604.18777", "An English Title", ("A One", "B Two"), ("cs.CV", "cs.LG"))
    assert paper.tldr == "一句话。" and paper.abstract == "We study things." and post.date == "2026-04-22"
    assert dict(paper.extra)["Translated title"] == "一个中文标题"
    anchors = parse_text(
        '# Robotics\n\n## <a id="2604.21642v1"></a>[A Robot](http://arxiv.org/abs/2604.21642v1)\n\n'
        "**Relevance:** 8/10\n\n### Background Knowledge\n\nWhat came before.\n\n### Summary\n\nWhat it does.\n", "a.md")
    paper = anchors.papers[0]
    assert (paper.id, anchors.sections[0].name, paper.tldr) == ("2604.21642", "Robotics", "What it does.")
    assert paper.extra == (("Relevance", "8/10"), ("Background Knowledge", "What came before."))
    chinese = parse_text(
        "### [1] [T](https://arxiv.org/abs/2601.00001)\n*A*\n\nTL;DR: 短\n\nConclusion: 结论\n\n"
        "与遥感交叉或改进方案: 方案\n\nAbstract (英文): The abstract.\n", "c.md").papers[0]
    assert chinese.conclusion == "结论" and chinese.abstract == "The abstract."
    assert "方案" in str(chinese.extra) or "方案" in (chinese.conclusion or "")


@pytest.mark.parametrize("text", [
    "达到API配额限制，请明天再试", "Error: API quota exceeded", "请联系管理员或等待明天API配额重置。",
    "Summary generation failed", "Motivation analysis unavailable", "Error", "{cate}", "Rate limit reached",
])
def test_failure_texts_are_no_summary(text):
    assert is_failure(text)
    paper = parse_text(f"### [1] [T](https://arxiv.org/abs/2601.00001)\n*A*\n\nTL;DR: {text}\n\nAbstract: a\n", "x.md").papers[0]
    assert paper.tldr is None and not paper.has_summary


def test_a_real_summary_mentioning_a_failure_is_kept():
    text = "We show that rate limits and API quota errors make agents fail, and propose a retry policy for them."
    assert not is_failure(text) and len(FAILURES) > 10


def test_a_repeat_with_other_text_keeps_it_beside_the_first():
    """The first occurrence's fields stay the paper's; what a repeat says otherwise is one labelled extra field."""
    head = "### [1] [T](https://arxiv.org/abs/2601.00001)\n"
    first = head + "*Ann*\n\n**Keywords:** a, b\n\nTL;DR: first summary\n\nAbstract: the abstract\n\n"
    repeat = head + "*Ann, Bob*\n\n**Keywords:** a, c\n\nTL;DR: second summary\n\nMotivation: only here\n\nAbstract: the abstract\n"
    digest = parse_text("# cs.AI\n\n" + first + "# cs.LG\n\n" + repeat + "\n" + first, "x.md")
    (paper,) = digest.papers
    assert (paper.tldr, paper.authors, paper.motivation) == ("first summary", ("Ann",), "only here")
    assert paper.extra == (
        ("Keywords", "a, b"),
        ("Repeated entry (cs.LG)", "Authors: Ann, Bob\n\nTL;DR: second summary\n\nKeywords: a, c"),
    )
    assert digest.warnings == [] and all(entry is paper for _, entry in digest.entries)


def test_a_repeat_with_the_same_text_changes_nothing():
    entry = "### [1] [T](https://arxiv.org/abs/2601.00001)\n*Ann*\n\nTL;DR: s\n\nAbstract: a\n\n"
    (paper,) = parse_text("# cs.AI\n\n" + entry + "# cs.LG\n\n" + entry, "x.md").papers
    assert paper.extra == ()


def test_a_category_list_with_other_parts_keeps_the_list_as_written():
    paper = fork("xmkxabc__daily-arXiv-ai-enhanced__2025-06-29.md")
    paper = next(p for p in paper.papers if p.id == "2506.21310")
    assert paper.categories == ("cs.AI", "cs.SE")
    assert dict(paper.extra)["Category"] == "cs.AI, cs.SE, K.6.3 Software Management"


def test_a_paper_repeated_with_new_text_every_time_is_bounded():
    entries = "".join(
        f"### [{n}] [T](https://arxiv.org/abs/2601.00001)\nTL;DR: summary number {n}\n\nAbstract: a\n\n" for n in range(200)
    )
    digest = parse_text("# cs.AI\n\n" + entries, "x.md")
    (paper,) = digest.papers
    (label, text), = paper.extra
    assert label == "Repeated entry (cs.AI)" and text.count("TL;DR:") == 20 and "number 20" in text and "number 21" not in text
    assert len(digest.entries) == 200 and any("more extra fields than shown" in w for w in digest.warnings)


def test_topic_digests_with_anchored_entries():
    """Straw674's astro digests: ``# Topic`` sections, ``## <a id=..></a>[Title](url)`` entries,
    Interest Score / Relevance, ``### Background Knowledge`` and ``### Summary``; no authors."""
    first = fork("Straw674__daily-arXiv-astro-ph__2026-04-25.md")
    assert [section.name for section in first.sections][:2] == ["Cosmology and Dark Matter", "Star Formation and Stellar Astrophysics"]
    paper = first.papers[0]
    assert (paper.id, paper.version, paper.url) == ("2604.21642", "v1", "http://arxiv.org/abs/2604.21642v1")
    assert paper.title.startswith("Exploring the statistical anisotropy") and paper.authors == ()
    assert paper.tldr.startswith("- 本文在一个唯象框架下") and dict(paper.extra)["Background Knowledge"].startswith("- 根据宇宙学原理")
    assert relevance_of(paper) == "0.684" and paper.category is None
    assert dict(paper.extra)["Interest Score"] == "0.684", "a value set as code is shown as the value"
    later = fork("Straw674__daily-arXiv-astro-ph__2026-05-04.md")  # entries end in "[[back]](#toc-1)"
    paper = later.papers[0]
    assert (paper.id, paper.url) == ("2605.00262", "http://arxiv.org/abs/2605.00262v1")
    assert paper.title == "Ultra-deep imaging of nearby dwarf irregular galaxies: stellar haloes and disk structure"
    assert all(paper.has_arxiv_id for paper in later.papers) and later.sections[0].name == "Milky Way and Local Universe"


def test_json_lines_with_topics_and_contributions():
    digest = fork("Straw674__daily-arXiv-astro-ph__2026-05-04.jsonl")
    paper = digest.papers[0]
    assert (paper.id, paper.version, paper.category) == ("2605.00262", "v1", "astro-ph.GA")
    assert paper.pdf == "https://arxiv.org/pdf/2605.00262v1" and paper.abstract.startswith("We have examined")
    assert digest.sections[0].name == "Milky Way and Local Universe", "the record's topic is its section"
    extra = dict(paper.extra)
    assert extra["Background knowledge"].startswith("矮不规则星系") and extra["Contribution"].startswith("本研究利用超深V波段")


def test_a_jekyll_post():
    digest = fork("table9__daily-arXiv__2026-05-23.md")
    assert digest.date == "2026-05-23" and len(digest.papers) == 3 and digest.warnings == []
    paper = digest.papers[0]
    assert (paper.id, paper.url, paper.pdf) == ("2605.21830", "https://arxiv.org/abs/2605.21830", "https://arxiv.org/pdf/2605.21830.pdf")
    assert paper.title.startswith("Solving forward and inverse wave scattering") and paper.extra == ()
    assert paper.authors[-1] == "Symeon Papadimitropoulos" and (paper.category, digest.entries[0][0]) == ("physics.comp-ph", "physics.comp-ph")
    assert paper.tldr.startswith("本文提出了一种基于编码器-解码器架构") and paper.abstract.startswith("We propose a deep learning framework")
    assert fork("table9__daily-arXiv__2026-04-22.md").papers[0].id == "2604.18777"


def test_a_remote_sensing_fork_with_its_own_field_and_journal_papers():
    digest = fork("Long-Holiday__research_accelerator__2026-07-09.md")
    paper = digest.papers[0]
    assert paper.id == "2607.06624" and paper.abstract.startswith("We present AgentLens")
    assert dict(paper.extra)["与遥感交叉或改进方案"].startswith("交叉/改进可行性：85%")
    journal = next(paper for section, paper in digest.entries if section == "RSE")
    assert not journal.has_arxiv_id and journal.url == "https://doi.org/10.1016/j.rse.2026.115546" and journal.category is None
    failed = fork("Long-Holiday__research_accelerator__2026-07-20.md").papers[0]
    # every AI field is a failure text that day, and the journal paper has no abstract: nothing to show
    assert not failed.has_summary and failed.abstract is None and "与遥感交叉或改进方案" not in dict(failed.extra)


def test_openalex_records_keep_their_ids_and_venues_and_pdf_links():
    digest = fork("Jiayihua2001__daily-arXiv-ai-enhanced__2026-05-03.jsonl")
    arxiv = digest.papers[0]
    assert (arxiv.id, arxiv.category, arxiv.categories) == ("2604.28106", None, ())
    assert dict(arxiv.extra)["Id"] == "openalex:W7159891305" and digest.entries[0][0] == "ArXiv.org"
    enhanced = fork("Jiayihua2001__daily-arXiv-ai-enhanced__2026-05-06_AI_enhanced_English.jsonl")
    springer = next(paper for paper in enhanced.papers if dict(paper.extra).get("Id") == "openalex:W7160316445")
    assert springer.pdf == "https://link.springer.com/content/pdf/10.1557/s43581-026-00162-9.pdf" == springer.pdf_url
    assert not springer.has_arxiv_id and springer.tldr
    screened = dict(enhanced.papers[0].extra)["Screen"]
    assert screened.startswith("Relevance: 9\nSignificance: 8\nBucket: CSP & polymorphs")
