"""Search: the query language, filtering with folding, highlight spans in the original text, interests."""

import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import search as search_module
from reader.core.model import Paper
from reader.core.search import (
    Interests,
    Query,
    QueryError,
    SearchIndex,
    Term,
    fold,
    highlight_spans,
    parse_query,
    term_spans,
)

CORPUS = Path(__file__).parent / "corpus"


def real_records(name: str) -> list[dict]:
    return [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()]


def from_record(record: dict) -> Paper:
    """A paper of the raw crawl (plus its AI summary when the file has one)."""
    summary = record.get("AI") or {}
    return Paper(
        id=record["id"],
        title=record["title"],
        authors=tuple(record["authors"]),
        category=record["categories"][0],
        abstract=record["summary"],
        **{name: summary.get(name) for name in ("tldr", "motivation", "method", "result", "conclusion")},
    )


POLYCUBE = next(
    from_record(record)
    for record in real_records("dw-dengwei__daily-arXiv-ai-enhanced__2026-05-21_AI_enhanced_Chinese.jsonl")
    if record["id"] == "2605.20274"
)
PAPERS = [
    Paper(
        id="2601.10802",
        title="Graph Neural Networks for Molecules",
        authors=("Geoffrey E. Hinton", "Wei Li"),
        category="cs.LG",
        tldr="We train graph neural networks with deep RL.",
        abstract="Message passing on molecular graphs, with the abstract hard-wrapped\nacross lines.",
    ),
    Paper(
        id="2601.10803",
        title="Über Straße und Café: a survey of large language models",
        authors=("José Müller",),
        category="cs.CL",
        abstract="We don’t fine-tune; ＧＰＴ-4 is prompted.",
    ),
    Paper(
        id="2601.20001",
        title="Vision Transformers at Scale",
        authors=("Lina Smith",),
        category="cs.CV",
        tldr="视觉变换器在图像分类中的应用",
        abstract="A world model of images; LLMs are not used.",
        extra=(("Keywords", "ViT, 画像認識, 한국어 요약"),),
    ),
    Paper(id="2602.00001", title="A paper with no category or authors"),
    POLYCUBE,
]
READ = {"2601.10802", "2602.00001"}
STARRED = {"2601.20001"}
STATES = {"is_read": READ.__contains__, "is_starred": STARRED.__contains__}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(PAPERS)


def ids(index: SearchIndex, text: str, among: list[int] | None = None) -> list[str]:
    found = index.filter(parse_query(text), **STATES, among=among)
    return [PAPERS[position].id for position in found]


ALL = [paper.id for paper in PAPERS]


@pytest.mark.parametrize("text", ["", "   ", " - ", '""'])
def test_an_empty_query_matches_everything(index, text):
    assert parse_query(text).terms == ()
    assert ids(index, text) == ALL


def test_parsed_terms():
    query = parse_query('Graph -"Large  Language" CAT:cs.CL -is:read is:unread author:"de la Cruz" -id:2601')
    assert query.terms == (
        Term("text", "graph"),
        Term("text", "large language", negated=True),
        Term("cat", "cs.cl"),
        Term("is", "read", negated=True),  # -is:read
        Term("is", "read", negated=True),  # is:unread
        Term("author", "de la cruz"),
        Term("id", "2601", negated=True),
    )
    assert query.highlights == ("graph",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("graph", ["2601.10802"]),
        ("graph molecules", ["2601.10802"]),  # words are ANDed
        ("graph vision", []),
        ("networks graph", ["2601.10802"]),  # in any order
        ("mole", ["2601.10802"]),  # substrings
        ('"neural networks"', ["2601.10802"]),
        ('"networks neural"', []),
        ('"hard-wrapped across"', ["2601.10802"]),  # whitespace runs are one space
        ('"graphs molecular"', []),
        ("hinton", ["2601.10802"]),  # authors are searched too
        ("keywords", []),  # but not the labels of fork fields
        ("vit", ["2601.20001"]),  # fork fields are
        ("-graph", ["2601.10803", "2601.20001", "2602.00001", "2605.20274"]),
        ("model -survey", ["2601.20001", "2605.20274"]),
        ('model -"large language"', ["2601.20001", "2605.20274"]),
        ('-"large language" -vision -diffusion', ["2601.10802", "2602.00001"]),
    ],
)
def test_free_words_phrases_and_exclusions(index, text, expected):
    assert ids(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cat:cs.CL", ["2601.10803"]),
        ("cat:CS.cl", ["2601.10803"]),
        ("cat:cs", ["2601.10802", "2601.10803", "2601.20001", "2605.20274"]),
        ("cat:cs.C", ["2601.10803", "2601.20001"]),
        ("-cat:cs.CV", ["2601.10802", "2601.10803", "2602.00001", "2605.20274"]),
        ("cat:math", []),
        ("author:hinton", ["2601.10802"]),
        ("author:MULLER", ["2601.10803"]),
        ('author:"e. hint"', ["2601.10802"]),
        ("-author:li", ["2601.10803", "2602.00001"]),  # Wei Li, Lina Smith, Yanjun Liang
        ("author:deng model", ["2605.20274"]),
        ("is:read", ["2601.10802", "2602.00001"]),
        ("is:unread", ["2601.10803", "2601.20001", "2605.20274"]),
        ("-is:read", ["2601.10803", "2601.20001", "2605.20274"]),
        ("-is:unread", ["2601.10802", "2602.00001"]),
        ("is:starred", ["2601.20001"]),
        ("-is:starred is:read", ["2601.10802", "2602.00001"]),
        ("IS:Unread", ["2601.10803", "2601.20001", "2605.20274"]),
        ("id:2601.10802", ["2601.10802"]),
        ("id:2601.1", ["2601.10802", "2601.10803"]),
        ("-id:2601", ["2602.00001", "2605.20274"]),
        ("id:10802", []),  # a prefix, not a substring
    ],
)
def test_qualifiers_and_their_negations(index, text, expected):
    assert ids(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GRAPH", ["2601.10802"]),
        ("muller", ["2601.10803"]),  # Müller
        ("MÜLLER", ["2601.10803"]),
        ("cafe uber", ["2601.10803"]),  # Café, Über
        ("café", ["2601.10803"]),
        ("strasse", ["2601.10803"]),  # Straße
        ("gpt-4", ["2601.10803"]),  # full-width ＧＰＴ
        ("ＧＲＡＰＨ", ["2601.10802"]),  # full-width query
        ("don't", ["2601.10803"]),  # typographic apostrophe
        ("jose", ["2601.10803"]),
    ],
)
def test_case_accents_and_width_are_folded(index, text, expected):
    assert ids(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("扩散模型", ["2605.20274"]),  # inside a sentence of the real Chinese TL;DR
        ("点云配准", ["2605.20274"]),
        ("图像分类", ["2601.20001"]),
        ("画像認識", ["2601.20001"]),
        ("한국어", ["2601.20001"]),
        ("扩散 -图像", ["2605.20274"]),
        ("模型扩散", []),
    ],
)
def test_chinese_japanese_korean_substrings(index, text, expected):
    assert ids(index, text) == expected


def test_titles_are_searched_as_shown():
    paper = Paper(id="1", title="PM$_{2.5}$ forecasting with T$^\\star$", abstract="Raw PM$_{10}$ data.")
    index = SearchIndex([paper])
    for text, found in [("pm2.5", [0]), ("t⋆", [0]), ("pm$_{10}", [0]), ("star", [])]:
        assert index.filter(parse_query(text), **STATES) == found


def test_accents_are_folded_only_for_latin_scripts():
    assert fold("Crème Brûlée") == "creme brulee"
    assert fold("が") != fold("か")  # a voiced kana is another sound
    assert fold("한") == "한"  # Hangul stays whole syllables, so 하 does not find 한


def test_among_restricts_and_keeps_its_order(index):
    assert ids(index, "model", among=[4, 2, 0, 1]) == ["2605.20274", "2601.20001", "2601.10803"]
    assert ids(index, "", among=[3, 1]) == ["2602.00001", "2601.10803"]


def test_remembered_words_give_the_same_answers_as_a_fresh_index():
    index = SearchIndex(PAPERS)
    for text in ["m", "mo", "mod", "model", "model -s", "model -su", "model -survey", "mod", "model"]:
        assert ids(index, text) == ids(SearchIndex(PAPERS), text), text


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("foo:x", 0, 'unknown qualifier "foo:"'),
        ("graph -foo:x", 7, 'unknown qualifier "foo:"'),
        ("Note: this", 0, 'unknown qualifier "Note:"'),
        ("is:maybe", 3, 'unknown state "is:maybe"'),
        ("-is:", 4, '"is:" needs a value'),
        ("cat:", 4, '"cat:" needs a value'),
        ('author:"" x', 7, '"author:" needs a value'),
        ('"graph neural', 0, "unterminated quote"),
        ('graph -"neural', 7, "unterminated quote"),
        ('author:"Hinton', 7, "unterminated quote"),
        ('don"t', 3, "unterminated quote"),
    ],
)
def test_malformed_queries(text, position, message):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.position == position
    assert str(caught.value).startswith(message)
    assert caught.value.message == str(caught.value)


@pytest.mark.parametrize("text", ['"Note: this"', "10:30", "GPT-4o: results", "a-b", "C++"])
def test_colons_and_dashes_inside_words_are_text(text):
    assert all(term.field == "text" for term in parse_query(text).terms)


def marked(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Graph Neural Networks", "graph", ["Graph"]),
        ("Graph Neural Networks", "networks graph", ["Graph", "Networks"]),
        ("Graph Neural Networks", "graph -neural cat:cs", ["Graph"]),  # only positive words
        ("José Müller and Müller", "muller", ["Müller", "Müller"]),
        ("Mu\u0308ller (decomposed)", "müller", ["Mu\u0308ller"]),
        ("Die Straße ist lang", "strasse", ["Straße"]),
        ("ﬁne-tuning", "fine", ["ﬁne"]),
        ("ＧＰＴ-4 wins", "gpt", ["ＧＰＴ"]),
        ("graph\n   neural nets", '"graph neural"', ["graph\n   neural"]),
        ("graph neural nets", 'neural "graph neural"', ["graph neural"]),  # overlaps are merged
        ("graphneural nets", "neural graph", ["graphneural"]),  # and so are touching spans
        ("本文提出了扩散模型的方法", "扩散模型", ["扩散模型"]),
        ("Crème brûlée", "brulee creme", ["Crème", "brûlée"]),
        ("nothing here", "graph", []),
    ],
)
def test_highlight_spans_map_to_the_original_text(text, query, expected):
    spans = highlight_spans(text, parse_query(query))
    assert spans == sorted(spans)
    assert marked(text, spans) == expected


def test_term_spans_use_the_interest_rule():
    text = "Deep RL in a world of RLHF; LLMs and an LLM on graphs"
    assert marked(text, term_spans(text, ["RL", "LLM", "graph"])) == ["RL", "LLMs", "LLM", "graph"]


def test_interests_match_keywords_and_authors():
    interests = Interests(
        keywords=["RL", "large language", "扩散", "Hinton", "world", "  "],
        authors=["Hinton", "wei li", "Li", "Jose Muller", "Deng Qitao"],
    )
    assert interests.matches(PAPERS[0]) == ["RL", "Hinton", "wei li", "Li"]  # "RL" in "deep RL"
    assert interests.matches(PAPERS[1]) == ["large language", "Jose Muller"]
    assert interests.matches(PAPERS[2]) == ["world"]  # not "Li" for "Lina", not "RL" for "world"
    assert interests.matches(PAPERS[3]) == []
    assert interests.matches(POLYCUBE) == ["扩散", "Deng Qitao"]  # every word of the name, any order


def test_a_short_keyword_is_a_word_a_long_one_a_substring():
    text_paper = Paper(id="1", title="Subgraphs for LLMs", abstract="We model the world.")
    assert Interests(["graph", "LLM", "RL", "orl"], []).matches(text_paper) == ["graph", "LLM"]


def synthetic_papers(count: int) -> list[Paper]:
    """Real records, repeated under new ids: about the text size of real digests."""
    records = real_records("dw-dengwei__daily-arXiv-ai-enhanced__2026-05-21_AI_enhanced_Chinese.jsonl")
    records += real_records("ZL-Asica__daily-arXiv-digest__2025-09-03_AI_enhanced.jsonl")
    base = [from_record(record) for record in records]
    return [
        Paper(**{**paper.to_dict(), "id": f"{number:09d}", "extra": (), "version": None, "url": None})
        for number, paper in ((number, base[number % len(base)]) for number in range(count))
    ]


def test_ten_thousand_papers():
    """Real-sized input gives the answers a small index gives; its speed is measured by
    benchmarks/run.py, not by a wall-clock limit a loaded machine (or mutation run) trips."""
    papers = synthetic_papers(10_000)
    index = SearchIndex(papers)
    assert index.filter(parse_query("zzqx diffusion"), **STATES) == []
    found = index.filter(parse_query("diffusion model"), **STATES)
    assert found
    assert [i for i in found if i < 300] == SearchIndex(papers[:300]).filter(parse_query("diffusion model"), **STATES)


QUERY_PIECES = st.one_of(
    st.sampled_from(['"', "-", " ", ":", "cat:", "is:", "author:", "id:", "foo:", "read", "unread", "starred"]),
    st.characters(),
)


@given(st.one_of(st.text(), st.lists(QUERY_PIECES).map("".join)))
def test_parse_query_raises_only_query_error(text):
    try:
        query = parse_query(text)
    except QueryError as error:
        assert 0 <= error.position <= len(text)
    else:
        assert isinstance(query, Query)


WORDS = ["graph", "model", "neural", "muller", "扩散", "vit", "a", "li", "-", "é", "Ｇ", "cs", "2601", "x"]
VALID_TERMS = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", "-"]),
    st.sampled_from(["", "cat:", "author:", "id:"]),
    st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS).map('"{} x"'.format)),
) | st.sampled_from(["is:read", "is:unread", "is:starred", "-is:read"])
AMONG = st.none() | st.lists(st.sampled_from(range(len(PAPERS))), unique=True)
SHARED = SearchIndex(PAPERS)


@settings(max_examples=300)
@given(st.lists(VALID_TERMS, max_size=5).map(" ".join), AMONG)
def test_filter_never_raises_and_memory_never_changes_answers(text, among):
    query = parse_query(text)
    found = SHARED.filter(query, **STATES, among=among)
    assert found == SearchIndex(PAPERS).filter(query, **STATES, among=among)
    assert set(found) <= set(range(len(PAPERS)))


FOLDABLE = st.text(alphabet=st.sampled_from(list("aeiouAEIOU sßéÉüñ\u0301ﬁＧＰ\n\t扩散模型한が-'’")), max_size=30)


@given(FOLDABLE, st.data())
def test_highlight_spans_always_cover_an_occurrence(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    word = fold(text[start:end])
    spans = highlight_spans(text, Query(word, (Term("text", word),) if word else ()))
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
    if word:
        assert spans
        assert any(word in fold(text[a:b]) for a, b in spans)


def test_a_word_right_after_a_phrase_is_its_own_term():
    assert parse_query('"deep learning"graph').terms == (Term("text", "deep learning"), Term("text", "graph"))


def test_old_style_ids_and_missing_categories():
    papers = [Paper(id="hep-th/9901001", title="Large N"), Paper(id="2601.00001", title="x", category="cs.LG")]
    index = SearchIndex(papers)
    assert index.filter(parse_query("id:HEP-TH/9901001"), **STATES) == [0]
    assert index.filter(parse_query("cat:x"), **STATES) == []
    assert index.filter(parse_query("-cat:x"), **STATES) == [0, 1]


def test_a_mark_that_folds_to_a_space_and_a_letter_is_still_highlighted():
    # U+037A GREEK YPOGEGRAMMENI folds to " ι"; after a space only the letter is new.
    assert highlight_spans("a \u037a", parse_query("\u03b9")) == [(2, 3)]


def test_authors_alone_or_nothing_configured():
    paper = Paper(id="1", title="Capsules", authors=("Geoffrey E. Hinton",))
    assert Interests([], ["Geoffrey Hinton"]).matches(paper) == ["Geoffrey Hinton"]
    assert Interests([], []).matches(paper) == []


def test_answers_hold_after_more_words_than_the_index_remembers():
    index = SearchIndex(PAPERS)
    words = [f"{letter}{vowel}" for letter in "bcdfghklmnprstvz" for vowel in "aeiou"]  # 80 words
    for word in words:
        query = parse_query(word)
        assert index.filter(query, **STATES) == SearchIndex(PAPERS).filter(query, **STATES)


def test_the_query_keeps_its_text():
    assert parse_query("-cat:cs.LG  graph").text == "-cat:cs.LG  graph"


def _matches_one_term_at_a_time(keywords: list[str], authors: list[str], paper: Paper) -> list[str]:
    """The rule of Interests.matches, spelled out one keyword and one author at a time."""
    content = fold("\x00".join(search_module.content_fields(paper)))
    found = [word for word in dict.fromkeys(keywords) if fold(word) and search_module._keyword_pattern(word).search(content)]
    names = [search_module._name_words(author) for author in paper.authors]
    wanted = [(name, search_module._name_words(name)) for name in dict.fromkeys(authors)]
    return found + [name for name, words in wanted if words and any(words <= have for have in names)]


_WORD = st.text(alphabet="abgrsLM é扩散-", min_size=1, max_size=7)


@settings(max_examples=300, deadline=None)
@given(
    keywords=st.lists(_WORD, max_size=12),
    authors=st.lists(st.text(alphabet="ab lé", min_size=1, max_size=6), max_size=4),
    title=st.text(alphabet="abgrsLM é扩散-\n", max_size=40),
    abstract=st.text(alphabet="abgrsLM é扩散-\n", max_size=40),
    names=st.lists(st.text(alphabet="ab lé", max_size=6), max_size=3),
)
def test_one_automaton_finds_what_one_term_at_a_time_finds(keywords, authors, title, abstract, names):
    paper = Paper(id="1", title=title, abstract=abstract, authors=tuple(names))
    assert Interests(keywords, authors).matches(paper) == _matches_one_term_at_a_time(keywords, authors, paper)


def test_overlapping_keywords_that_share_a_start_all_match():
    paper = Paper(id="1", title="graph neural networks for diffusion-based graphs")
    keywords = ["graph", "graph neural", "graph neural networks", "neural", "diffusion-based", "diff", "OOD"]
    assert Interests(keywords, []).matches(paper) == ["graph", "graph neural", "graph neural networks", "neural", "diffusion-based"]


def _pattern_calls(action) -> int:
    """How many times ``action`` calls a method of a compiled regex (search, findall, …)."""
    calls = 0

    def profile(frame, event, arg):
        nonlocal calls
        if event == "c_call" and isinstance(getattr(arg, "__self__", None), re.Pattern):
            calls += 1

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


def test_matching_scans_a_paper_a_fixed_number_of_times_however_many_interests():
    """4,000 interests on a big digest stalled for seconds with one search per keyword (issue 11):
    a paper is scanned by one compiled automaton, not once per configured term."""
    paper = Paper(id="1", title="Diffusion for OOD detection", authors=("Wei Li",), abstract="We study RL.")
    few = Interests(["diffusion", "RL"], ["Wei Li"])
    many = Interests([f"topic{n} words" for n in range(2000)] + [f"t{n}" for n in range(999)] + ["diffusion", "RL"],
                     [f"Author{n} Name" for n in range(1000)] + ["Wei Li"])
    assert many.matches(paper) == ["diffusion", "RL", "Wei Li"]
    assert _pattern_calls(lambda: many.matches(paper)) == _pattern_calls(lambda: few.matches(paper)) <= 4
