"""Parser behaviour that mutation testing found unchecked: fields, labels, warnings, repeats and file races."""

import os
import threading
from pathlib import Path

import pytest

from test_parse import catch

from reader.core.parse import FIELD_LIMIT, load, parse_text
from reader.core.parse.lines import first_text

CORPUS = Path(__file__).parent / "corpus"
TODAY = CORPUS / "today.md"
HEADING = "### [1] [A](https://arxiv.org/abs/2601.00001)\n"
RECORD = '{"id": "2601.00001", "title": "A", "categories": ["cs.AI"], "summary": "s"}\n'


def paper_of(body: str, heading: str = HEADING):
    """The one paper of a one-entry Markdown digest."""
    digest = parse_text(heading + body, "x.md")
    assert len(digest.papers) == 1
    return digest.papers[0]


# --- text into lines ---------------------------------------------------------------------------------


def test_a_text_with_a_bom_is_still_detected_as_json_lines():
    digest = parse_text("\ufeff" + RECORD, "x.txt")
    assert [(paper.id, paper.title, paper.category) for paper in digest.papers] == [("2601.00001", "A", "cs.AI")]
    assert digest.warnings == []


def test_blank_lines_before_the_text_are_only_counted():
    """Pieces that each start a blank line: the count grows, and only the blank start of the text's line is kept."""
    first, blank_lines, start = first_text(iter(["\n "] * 1_000 + ["\t{", "x}"]))
    assert (first, blank_lines, "".join(start)) == ("{", 1_000, " \t{")


# --- Markdown fields and labels --------------------------------------------------------------------


def test_plain_label_lines_inside_an_abstract_stay_abstract_text():
    """An abstract's wrapped lines may start like labels ("Results: ..."): only bold labels end it."""
    paper = paper_of(
        "*Ann*\n\nAbstract: We study retrieval.\nResults: accuracy improves by 3 points.\nMethod: none needed.\n"
    )
    assert paper.abstract == "We study retrieval. Results: accuracy improves by 3 points. Method: none needed."
    assert paper.result is None and paper.method is None


def test_a_bold_label_still_ends_an_abstract():
    paper = paper_of("*Ann*\n\nAbstract: We study retrieval.\n**Method:** a new index\n")
    assert (paper.abstract, paper.method) == ("We study retrieval.", "a new index")


def test_a_label_without_a_space_after_its_colon_keeps_its_whole_value():
    paper = paper_of("*Ann*\n\nTL;DR:Short summary\nAbstract:Text\n")
    assert (paper.tldr, paper.abstract) == ("Short summary", "Text")


def test_a_one_letter_bold_label_is_a_field():
    paper = paper_of("*Ann*\n\n**Q**: Why does it work?\nAbstract: a\n")
    assert paper.extra == (("Q", "Why does it work?"),) and paper.abstract == "a"


def test_a_field_line_starting_with_a_hash_is_no_heading():
    """``#P-hard`` wrapped to a line start is field text, not a section heading ending the entry."""
    text = (
        "# cs.CC\n\n" + HEADING + "*Ann*\n\nTL;DR: Counting matchings is\n#P-hard in general, and\n"
        "##easy on trees.\n\nAbstract: a\n"
    )
    digest = parse_text(text, "x.md")
    paper = digest.papers[0]
    assert paper.tldr == "Counting matchings is #P-hard in general, and ##easy on trees."
    assert paper.abstract == "a"
    assert [section.name for section in digest.sections] == ["cs.CC"]


def test_an_author_line_without_its_closing_asterisk_keeps_every_name_whole():
    assert paper_of("*Ann Lee, Bob Stone\n\nAbstract: a\n").authors == ("Ann Lee", "Bob Stone")
    assert paper_of("*Ann Lee, Bob Stone*\n\nAbstract: a\n").authors == ("Ann Lee", "Bob Stone")


def test_a_field_whose_dropped_text_follows_blanks_is_warned_as_cut():
    """The kept part of an over-long line ends in blanks the join strips: the warning must still name the field."""
    line = "x" * (FIELD_LIMIT - 5) + " " * 10 + "dropped"
    digest = parse_text(HEADING + f"Abstract: {line}\n", "x.md")
    assert digest.papers[0].abstract == "x" * (FIELD_LIMIT - 5) + "…"
    assert digest.warnings == ["1 field longer than 100,000 characters cut: 2601.00001 Abstract"]


def test_an_entry_without_a_title_is_warned_about():
    digest = parse_text("### [1] [](https://arxiv.org/abs/2601.00001)\nAbstract: a\n", "x.md")
    assert digest.papers[0].title == "(untitled)"
    assert digest.warnings == ["1 entry has no title: 2601.00001"]


def test_chinese_lines_ending_in_a_full_stop_after_latin_text_keep_their_break():
    """CJK text is never hard-wrapped: a line ending in ``。`` is a real break, even after ``GPT-4``."""
    paper = paper_of("*Ann*\n\nTL;DR: 我们评测了GPT-4。\n结果显示模型A\n优于基线。\n")
    assert paper.tldr == "我们评测了GPT-4。\n结果显示模型A 优于基线。"


def test_an_arxiv_link_with_a_trailing_slash_gives_the_id():
    paper = paper_of("Abstract: a\n", "### [1] [A](https://arxiv.org/abs/2601.00001v2/)\n")
    assert (paper.id, paper.version) == ("2601.00001", "v2")


# --- repeats and errors ------------------------------------------------------------------------------


def test_a_repeated_paper_keeps_the_fields_of_its_first_occurrence():
    """A repeat fills in only what the first occurrence lacked; it never overwrites what it had."""
    first = HEADING + "*Ann*\n\nTL;DR: first summary\nAbstract: first abstract\n\n"
    repeat = HEADING + "*Bob*\n\nTL;DR: second summary\nMotivation: from the repeat\n"
    digest = parse_text("# cs.AI\n\n" + first + "# cs.LG\n\n" + repeat, "x.md")
    (paper,) = digest.papers
    assert (paper.tldr, paper.abstract, paper.authors) == ("first summary", "first abstract", ("Ann",))
    assert paper.motivation == "from the repeat"
    assert [entry for _, entry in digest.entries] == [paper, paper]


def test_a_blank_text_is_an_empty_digest_by_name():
    assert catch(parse_text, "\n  \n\t\n", "dir/2025-01-02.md") == "2025-01-02.md is empty"


# --- file races --------------------------------------------------------------------------------------


def test_a_fifo_swapped_in_after_the_check_does_not_block_the_open(tmp_path, monkeypatch):
    """The file may become a FIFO between the stat and the open: the open must not wait for a writer."""
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    real_stat = os.stat

    def stat_as_before_the_swap(path, *args, **kwargs):
        return real_stat(TODAY if os.fspath(path) == os.fspath(fifo) else path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat_as_before_the_swap)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(catch(load, fifo)), daemon=True)
    worker.start()
    worker.join(60)  # a load that blocks never ends: 60 s means hung, not slow
    if worker.is_alive():  # let the blocked open go, so no thread is left behind
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join()
        pytest.fail("blocked on a FIFO")
    assert outcome == [f"{fifo} is not a regular file (a FIFO, socket or device)"]
