"""Paper: arXiv links, the one-line citation and the AI summary as the reader shows them."""

from reader.core.model import Paper

ICONIC = Paper(
    id="2601.10802",
    version="v2",
    title="ICONIC-444: A Dataset for OOD Detection.",
    url="https://example.org/iconic",
    authors=("Gerhard Krumpl", "Horst Possegger"),
    tldr="A large dataset.",
    result="Baselines fail.",
)
NO_ID = Paper(id="noid-3f2a", title="A Blog Post", url="https://example.org/post")


def test_pdf_url_only_for_an_arxiv_id():
    assert ICONIC.pdf_url == "https://arxiv.org/pdf/2601.10802v2"
    assert Paper(id="2601.10802", title="T").pdf_url == "https://arxiv.org/pdf/2601.10802"
    assert NO_ID.pdf_url is None


def test_citation_is_title_authors_and_arxiv_id():
    assert ICONIC.citation == "ICONIC-444: A Dataset for OOD Detection. Gerhard Krumpl, Horst Possegger. arXiv:2601.10802v2"
    assert Paper(id="2601.10802", title="Untitled").citation == "Untitled. arXiv:2601.10802"


def test_citation_without_arxiv_id_uses_a_safe_url_only():
    assert NO_ID.citation == "A Blog Post. https://example.org/post"
    assert Paper(id="noid-1", title="Odd", url="javascript:alert(1)").citation == "Odd."


def test_summary_fields_in_display_order_with_labels():
    assert ICONIC.has_summary
    assert ICONIC.summary == [("TL;DR", "A large dataset."), ("Result", "Baselines fail.")]
    assert not NO_ID.has_summary and NO_ID.summary == []


def test_to_dict_has_every_field():
    paper = Paper(id="2601.1", title="T", authors=("A",), extra=(("Keywords", "k"),))
    assert paper.to_dict() == {
        "id": "2601.1", "version": None, "title": "T", "url": None, "authors": ["A"], "category": None,
        "tldr": None, "motivation": None, "method": None, "result": None, "conclusion": None,
        "abstract": None, "extra": {"Keywords": "k"}, "categories": [], "pdf": None,
    }


def test_fields_follow_the_files_order_and_the_rest_follows_in_display_order():
    paper = Paper(
        id="2601.00001",
        title="T",
        tldr="short",
        method="how",
        result="what",
        extra=(("Background", "why"), ("Data", "which"), ("Keywords", "k")),
        order=("Background", "Data", "method", "gone", "tldr"),
    )
    assert [label for label, _ in paper.in_file_order()] == ["Background", "Data", "Method", "TL;DR", "Result", "Keywords"]
    plain = Paper(id="2601.00002", title="T", tldr="short", extra=(("Keywords", "k"),))
    assert plain.in_file_order() == [("TL;DR", "short"), ("Keywords", "k")]


def test_an_extra_label_spelt_like_a_field_name_is_shown_once_each():
    paper = Paper(id="2601.00001", title="T", method="first", extra=(("method", "second"),), order=("method", "method"))
    assert paper.in_file_order() == [("Method", "first"), ("method", "second")]
