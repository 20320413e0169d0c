"""Tags in exports: BibTeX keywords, and --export ... --tag NAME for a tag instead of the stars."""

from __future__ import annotations

import json

import rispy
from pathlib import Path

from app_support import TODAY
from test_cli import run_cli
from test_export import bib_entries

from reader.core.export import render
from reader.core.model import Paper, Star
from reader.core.parse import load
from reader.core.store import MarkStore


def test_bibtex_keywords_carry_the_tags_through_bibtexparser():
    stars = [Star(Paper(id="2601.00001", title="A", authors=("Ada Lovelace",)), "2026-01-01T00:00:00Z")]
    tags = {"2601.00001": ("group meeting", "R&D {draft}")}
    (entry,) = bib_entries(render(stars, "bibtex", tags)).values()
    assert entry["keywords"] == r"group meeting, R\&D {draft}"
    assert "keywords" not in render(stars, "bibtex")


def tagged_state(tmp_path: Path) -> Path:
    state = tmp_path / "state.toml"
    store = MarkStore.open(state, save_delay=None)
    papers = load(TODAY).papers
    store.star(papers[0], "today.md")
    store.add_tag(papers[1], "Later", "today.md")
    store.add_tag(papers[2], "later", "today.md")
    store.add_tag(papers[2], "ML", "today.md")
    store.close()
    return state


def test_export_tag_exports_that_tags_papers_whatever_the_case(tmp_path):
    state = tagged_state(tmp_path)
    result = run_cli("--export", "json", "--tag", "LATER", state=state)
    assert result.returncode == 0, result.stderr
    assert [record["id"] for record in json.loads(result.stdout)] == ["2601.10835", "2601.10836"]
    bib = run_cli("--export", "bibtex", "--tag", "ml", state=state).stdout
    assert [entry["keywords"] for entry in bib_entries(bib).values()] == ["Later, ML"]


def test_export_of_an_unused_tag_is_empty_and_says_so(tmp_path):
    result = run_cli("--export", "json", "--tag", "nothing", state=tagged_state(tmp_path))
    assert result.returncode == 0 and json.loads(result.stdout) == []
    assert "no paper is tagged nothing" in result.stderr


def test_tag_goes_with_export(tmp_path):
    result = run_cli("--tag", "later", state=tmp_path / "s.toml")
    assert result.returncode == 2 and "--tag goes with --export" in result.stderr


def test_ris_carries_each_tag_as_a_keyword():
    star = Star(Paper(id="2601.00001", title="T", category="cs.CV"), "2026-01-01T00:00:00Z")
    [record] = rispy.loads(render([star], "ris", {"2601.00001": ("Later", "group meeting")}))
    assert record["keywords"] == ["cs.CV", "Later", "group meeting"]
