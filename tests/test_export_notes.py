"""Tags and notes in every export format, read back by the tools that read those formats."""

from __future__ import annotations

import csv
import io
import json

import rispy
from test_cli import run_cli
from test_export import bib_entries

from reader.core.export import FORMATS, render
from reader.core.model import Paper, Star
from reader.core.store import MarkStore

STAR = Star(Paper(id="2601.00001", title="A", authors=("Ada Lovelace",), category="cs.CV", tldr="Short."), "2026-01-01T00:00:00Z")
PLAIN = Star(Paper(id="2601.00002", title="B"), "2026-01-02T00:00:00Z")
TAGS = {"2601.00001": ("group meeting", "R&D")}
NOTE = "Why: the 50% speed-up {really}.\n\n=cite in ch. 3 #1"
NOTES = {"2601.00001": NOTE}


def test_bibtex_annote_keeps_the_note_line_by_line_through_bibtexparser():
    entries = bib_entries(render([STAR, PLAIN], "bibtex", TAGS, NOTES))
    entry, plain = entries.values()
    assert entry["annote"] == "Why: the 50\\% speed-up {really}.\n\n=cite in ch. 3 \\#1"
    assert entry["keywords"] == r"group meeting, R\&D"
    assert "annote" not in plain and "keywords" not in plain


def test_ris_n1_carries_the_note_after_the_tldr_through_rispy():
    record, plain = rispy.loads(render([STAR, PLAIN], "ris", TAGS, NOTES))
    assert record["notes"] == ["Short.", "Why: the 50% speed-up {really}. =cite in ch. 3 #1"]
    assert record["keywords"] == ["cs.CV", "group meeting", "R&D"]
    assert "notes" not in plain


def test_csv_has_tags_and_note_columns_and_no_formula():
    rows = list(csv.DictReader(io.StringIO(render([STAR, PLAIN], "csv", TAGS, {**NOTES, "2601.00002": "-1+1"}))))
    assert rows[0]["tags"] == "group meeting; R&D"
    assert rows[0]["note"] == NOTE  # the csv module quotes its line breaks
    assert rows[1]["tags"] == "" and rows[1]["note"] == "'-1+1"


def test_json_has_tags_and_note():
    record, plain = json.loads(render([STAR, PLAIN], "json", TAGS, NOTES))
    assert record["tags"] == ["group meeting", "R&D"] and record["note"] == NOTE
    assert plain["tags"] == [] and plain["note"] is None


def test_markdown_lists_the_tags_and_quotes_the_note():
    text = render([STAR], "markdown", TAGS, NOTES)
    assert "  Tags: group meeting, R&D\n" in text
    assert "  > Why: the 50% speed-up {really}.\n  >\n  > =cite in ch. 3 \\#1\n" in text


def test_every_format_is_unchanged_without_tags_and_notes():
    for fmt in FORMATS:
        assert render([STAR], fmt, {}, {}) == render([STAR], fmt)


def test_export_from_the_shell_carries_the_notes(tmp_path):
    state = tmp_path / "state.toml"
    store = MarkStore.open(state, save_delay=None)
    store.star(STAR.paper)
    store.set_note(STAR.paper, "for the group")
    store.close()
    result = run_cli("--export", "json", state=state)
    assert result.returncode == 0, result.stderr
    assert [record["note"] for record in json.loads(result.stdout)] == ["for the group"]
