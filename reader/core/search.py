"""The search box: a small query language, a prebuilt index, match highlighting and interests.

Query syntax (terms are ANDed)::

    graph "neural network" -survey -"large language" cat:cs.CL -cat:cs.CV
    author:Hinton author:"de la Cruz" is:unread -is:read is:starred id:2601.108
    tag:later -tag:"group meeting" has:note

Free words and phrases are substrings of the folded text of a paper (title, authors,
summary fields, fork fields, abstract, and the user's note on it): case-insensitive, Latin accents ignored
(``muller`` finds ``Müller``), compatibility forms folded (full-width ``ＧＰＴ`` is
``gpt``, ``²`` is ``2``) and any run of whitespace equal to one space, so a phrase
matches across the hard line breaks of wrapped abstracts. Chinese, Japanese and Korean
have no word breaks, so plain substring search is exactly right for them.
``cat:`` and ``id:`` are prefixes of the paper's main category and arXiv id;
``author:`` is a substring of any one author. ``tag:`` is a tag of the paper, whole,
without regard to case; ``has:note`` holds for a paper with a note. Titles are searched as the list shows
them, LaTeX converted (``pm2.5`` finds "PM$_{2.5}$", shown as "PM₂.₅"); the other fields
as written, since converting every abstract would add some 40% to building the index.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping
from typing import NamedTuple

from reader.core.model import SUMMARY_FIELDS, Paper, tag_key
from reader.core.latex import to_unicode

_PLAIN = {
    **dict(zip("‘’‚‛“”„‟‐‒–—―−øłđħı", "''''" + '""""' + "------" + "oldhi", strict=True)),
    **{"æ": "ae", "œ": "oe", "þ": "th", "ð": "d"},
}
"""Typographic quotes and dashes as the ASCII ones people type (``don't`` finds "don’t"),
and Latin letters that no decomposition takes apart (``orsted`` finds "Ørsted")."""


@functools.cache
def _foldable() -> re.Pattern[str]:
    """What :func:`_plain` changes: the characters above, Latin and Greek letters that may
    carry accents, lone diacritics. Only these are decomposed: kana and Hangul keep their
    marks and syllables (が is not か, 하 does not find 한), and decomposing Korean text
    would make folding it ten times slower. (Compiled on first use, as :func:`_marks` is:
    a start folds nothing.)"""
    return re.compile("[" + "".join(_PLAIN) + "\u00c0-\u024f\u0300-\u03ff\u1e00-\u1fff]")


@functools.cache
def _marks() -> re.Pattern[str]:
    """Combining diacritics: the accents of Latin and Greek letters once decomposed."""
    return re.compile("[\u0300-\u036f]")


_FIELD_BREAK = "\x00"
"""Between the fields of a haystack: never typed, so a phrase cannot run across fields."""


def _normalize(text: str) -> str:
    """Folding without the whitespace: case, compatibility forms, punctuation, accents."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    # A regex, as str.translate is ten times slower on non-ASCII text.
    return _foldable().sub(lambda match: _plain(match[0]), text)


def fold(text: str) -> str:
    """The form both queries and papers are compared in (see the module docstring)."""
    return " ".join(_normalize(text).split())


@functools.lru_cache(maxsize=4096)
def _plain(char: str) -> str:
    return _PLAIN.get(char) or _marks().sub("", unicodedata.normalize("NFD", char))


_normalize_char = functools.lru_cache(maxsize=4096)(_normalize)


_fold_note = functools.lru_cache(maxsize=8192)(fold)


def folded_notes(notes: Mapping[str, str]) -> dict[str, str]:
    """Notes by paper id as :meth:`SearchIndex.filter` takes them; each text is folded once."""
    return {paper_id: _fold_note(text) for paper_id, text in notes.items()}


class QueryError(ValueError):
    """A query that cannot be read; ``position`` is the 0-based index in the query text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class Term(NamedTuple):
    """One condition of a query; ``value`` is already folded.

    ``field`` is ``text``, ``cat``, ``author``, ``id``, ``tag``, ``has`` or ``is`` (``is:unread``
    is kept as a negated ``is:read``); a tag's value is its key (:func:`~reader.core.model.tag_key`).
    """

    field: str
    value: str
    negated: bool = False


class Query(NamedTuple):
    """A parsed query: all terms must hold. No terms matches every paper."""

    text: str
    terms: tuple[Term, ...] = ()

    @property
    def highlights(self) -> tuple[str, ...]:
        """The positive free words and phrases, the only terms that are marked in the text."""
        return tuple(term.value for term in self.terms if term.field == "text" and not term.negated)


_QUALIFIER = re.compile(r"([A-Za-z]+):")
_QUALIFIERS = ("cat", "author", "id", "tag", "has", "is")
_STATES = {"read": ("read", False), "unread": ("read", True), "starred": ("starred", False)}


def _phrase(text: str, quote: int) -> tuple[str, int]:
    """The text between the quote at ``quote`` and the next one, and the index after it."""
    end = text.find('"', quote + 1)
    if end < 0:
        raise QueryError("unterminated quote", quote)
    return text[quote + 1 : end], end + 1


def _word_end(text: str, start: int) -> int:
    """A bare word runs to whitespace or a quote (a quote always starts a phrase)."""
    end = start
    while end < len(text) and not text[end].isspace() and text[end] != '"':
        end += 1
    return end


def _value(text: str, start: int) -> tuple[str, int]:
    if text.startswith('"', start):
        return _phrase(text, start)
    end = _word_end(text, start)
    return text[start:end], end


def _qualifier(key: str, value: str, negated: bool, value_at: int) -> Term:
    if key == "tag":
        return Term(key, tag_key(" ".join(value.split())), negated)
    if key == "has":
        if value.lower() != "note":
            raise QueryError(f'unknown "has:{value}" (has:note)', value_at)
        return Term(key, "note", negated)
    if key != "is":
        return Term(key, fold(value), negated)
    state = _STATES.get(value.lower())
    if state is None:
        raise QueryError(f'unknown state "is:{value}" (read, unread or starred)', value_at)
    return Term("is", state[0], negated != state[1])


def parse_query(text: str) -> Query:
    """Read a query; anything it cannot read raises :class:`QueryError`, nothing else.

    A lone ``-`` and an empty phrase ``""`` are ignored, as they appear while typing.
    Any ``letters:`` at the start of a word is a qualifier; quote it to search for it.
    """
    terms: list[Term] = []
    index = 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        negated = text[index] == "-"
        start = index + negated
        qualifier = _QUALIFIER.match(text, start, _word_end(text, start))
        if qualifier:
            key, value_at = qualifier[1].lower(), qualifier.end()
            if key not in _QUALIFIERS:
                raise QueryError(f'unknown qualifier "{qualifier[0]}" (quote it to search the text)', start)
            value, index = _value(text, value_at)
            if not value.strip():
                raise QueryError(f'"{qualifier[0]}" needs a value', value_at)
            terms.append(_qualifier(key, value, negated, value_at))
            continue
        value, index = _value(text, start)
        if folded := fold(value):
            terms.append(Term("text", folded, negated))
    return Query(text, tuple(terms))


def content_fields(paper: Paper) -> list[str]:
    """The fields keywords are looked for in: title (as shown), summaries, fork fields, abstract."""
    fields = [to_unicode(paper.title)]
    fields += [getattr(paper, name) for name in SUMMARY_FIELDS]
    fields += [value for _, value in paper.extra]
    fields.append(paper.abstract)
    return [field for field in fields if field]


_COST = {"id": 0, "cat": 0, "is": 1, "tag": 1, "has": 1, "author": 2, "text": 3}


def _cost(term: Term) -> tuple[int, bool, int]:
    """Cheap and selective terms first, so later (costlier) ones test fewer papers."""
    return _COST[term.field], term.negated, -len(term.value)


class SearchIndex:
    """The folded text of each paper, built once per digest so a query is a few scans.

    Which papers contain a free word is remembered for the last few words: a word that
    extends a remembered one (the next keystroke, ``diffu`` after ``diff``) is only
    looked for among that word's papers, and a repeated query costs no scan at all.
    A word no remembered one narrows is a scan of all the text (about 9 ms for 10,000
    papers of real size), so the index folds everything up front and nothing per query.
    """

    _REMEMBERED = 64

    def __init__(self, papers: list[Paper]) -> None:
        self._ids = [paper.id for paper in papers]
        self._folded_ids = [paper.id.lower() for paper in papers]
        self._categories = [fold(paper.category or "") for paper in papers]
        self._authors = [fold(_FIELD_BREAK.join(paper.authors)) for paper in papers]
        self._narrow, self._wide = self._texts(papers)
        self._containing: dict[str, frozenset[int]] = {}
        self._position_of: dict[str, int] | None = None
        """Each paper's position by id, made when notes are first searched."""

    @staticmethod
    def _texts(papers: list[Paper]) -> tuple[list[str], list[str]]:
        """The folded text of each paper, as (narrow, wide) parts (see ``_split_by_width``)."""
        texts = [_split_by_width([fold(field) for field in (*content_fields(paper), *paper.authors)]) for paper in papers]
        return [narrow for narrow, _ in texts], [wide for _, wide in texts]

    def _holder(self, value: str) -> Callable[[int], bool]:
        """Whether paper ``i``'s text contains ``value``: an ASCII value may be in either part."""
        narrow, wide = self._narrow, self._wide
        if value.isascii():
            return lambda i: value in narrow[i] or value in wide[i]
        return lambda i: value in wide[i]

    def _papers_containing(self, value: str, scope: list[int]) -> Container[int]:
        """The papers whose text contains ``value``, among ``scope`` at least.

        All of them are looked for, and remembered, among the papers of the narrowest
        remembered word it contains (else among all papers), unless ``scope`` (what the
        other terms left) is less than half of those: then only ``scope`` is searched.
        """
        known = self._containing.get(value)
        if known is not None:
            return known
        holds = self._holder(value)
        wider = [papers for word, papers in list(self._containing.items()) if word in value]
        pool = min(wider, key=len, default=range(len(self._ids)))
        if 2 * len(scope) < len(pool):
            return {i for i in scope if holds(i)}
        known = frozenset(i for i in pool if holds(i))
        if len(self._containing) >= self._REMEMBERED:
            self._containing.pop(next(iter(self._containing)), None)
        self._containing[value] = known
        return known

    def _noted(self, value: str, notes: Mapping[str, str]) -> set[int]:
        """The positions of the papers whose note contains ``value``."""
        if not notes:
            return set()
        if self._position_of is None:
            self._position_of = {paper_id: i for i, paper_id in enumerate(self._ids)}
        positions = self._position_of
        return {positions[paper_id] for paper_id, text in notes.items() if value in text and paper_id in positions}

    def filter(
        self,
        query: Query,
        *,
        is_read: Callable[[str], bool],
        is_starred: Callable[[str], bool],
        has_tag: Callable[[str, str], bool] | None = None,
        notes: Mapping[str, str] | None = None,
        among: list[int] | None = None,
    ) -> list[int]:
        """Positions of the papers matching ``query``, in order (of ``among`` when given).
        ``has_tag(paper id, tag key)``; without it no paper has a tag. ``notes``: the folded
        text of each note by paper id; free words are looked for in them too."""
        notes = notes or {}
        found = list(range(len(self._ids)) if among is None else among)
        everything = among is None  # found is every position, in order
        states = {"read": is_read, "starred": is_starred}
        for term in sorted(query.terms, key=_cost):
            value, keep = term.value, not term.negated
            if term.field == "text":
                hits = self._papers_containing(value, found)
                if noted := self._noted(value, notes):
                    hits = noted.union(hits)
                if keep and everything:  # the hits are the answer: no need to test every paper
                    found = sorted(hits)
                else:
                    found = [i for i in found if (i in hits) == keep]
            elif term.field == "author":
                authors = self._authors
                found = [i for i in found if (value in authors[i]) == keep]
            elif term.field == "tag":
                ids = self._ids
                found = [i for i in found if bool(has_tag and has_tag(ids[i], value)) == keep]
            elif term.field == "has":
                ids = self._ids
                found = [i for i in found if (ids[i] in notes) == keep]
            elif term.field == "is":
                state, ids = states[value], self._ids
                found = [i for i in found if bool(state(ids[i])) == keep]
            else:
                texts = self._folded_ids if term.field == "id" else self._categories
                found = [i for i in found if texts[i].startswith(value) == keep]
            everything = False
        return found


def _split_by_width(fields: list[str]) -> tuple[str, str]:
    """Folded fields joined as (the ASCII ones, the rest). CPython keeps an ASCII string at a
    byte a character, so the English abstract does not take the two bytes a character of the
    Chinese summary beside it: a third less memory for the index of a real digest."""
    narrow = _FIELD_BREAK.join(field for field in fields if field.isascii())
    return narrow, _FIELD_BREAK.join(field for field in fields if not field.isascii())


@functools.lru_cache(maxsize=512)
def _folded_with_origins(text: str) -> tuple[str, tuple[int, ...]]:
    """``fold(text)`` built character by character, with the original index of each character.

    Folding can change lengths (``ß`` is ``ss``, ``é`` may be ``e`` plus a mark that is
    dropped, ``ﬁ`` is ``fi``), so spans found in folded text are mapped back through this.
    Remembered for the texts on screen: each keystroke of a search marks them again.
    """
    folded: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        for piece in _normalize_char(char):
            if piece.isspace():
                if folded and folded[-1] == " ":
                    continue
                piece = " "
            folded.append(piece)
            origins.append(index)
    return "".join(folded), tuple(origins)


def _spans(text: str, patterns: Iterable[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Sorted, merged spans of ``text`` (original indices) where any pattern matches its fold."""
    folded, origins = _folded_with_origins(text)
    found = sorted(
        (origins[match.start()], origins[match.end() - 1] + 1)
        for pattern in patterns
        for match in pattern.finditer(folded)
    )
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where the query's positive words and phrases occur in ``text`` (e.g. a displayed title)."""
    return _spans(text, [re.compile(re.escape(value)) for value in query.highlights])


_WORDISH = re.compile(r"[a-z0-9]{1,4}")


@functools.lru_cache(maxsize=512)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    """How an interest keyword matches folded text.

    Short ASCII keywords (up to 4 letters or digits, mostly acronyms) match as whole
    words with an optional plural ``s``: ``RL`` finds "deep RL" but not "world" or
    "RLHF", ``LLM`` finds "LLMs". Longer or non-ASCII keywords are substrings (``graph``
    finds "subgraphs"; Chinese has no word breaks). The boundary is ASCII-only so that
    ``RL`` still matches between Chinese characters.
    """
    folded = fold(keyword)
    if _WORDISH.fullmatch(folded):
        return re.compile(rf"(?<![a-z0-9]){folded}s?(?![a-z0-9])")
    return re.compile(re.escape(folded))


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where interest keywords occur in ``text``, by the rule of :meth:`Interests.matches`."""
    return _spans(text, [_keyword_pattern(term) for term in terms if fold(term)])


_NAME_WORDS = re.compile(r"\w+")
_TOKEN = re.compile(r"[a-z0-9]+")
"""A maximal run of ASCII letters and digits in folded text: what a short keyword must equal
(or equal with an ``s`` added) to match as a whole word (see :func:`_keyword_pattern`)."""


def _name_words(name: str) -> frozenset[str]:
    return frozenset(_NAME_WORDS.findall(fold(name)))


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex for a set of literal strings, shared prefixes factored out (a trie as nested
    groups), so the regex engine walks it character by character instead of trying every word
    in turn. At a position it matches the longest of the words that start there."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    # Built bottom-up with an explicit stack: a long keyword must not exhaust Python's recursion.
    done: dict[int, str] = {}
    stack = [(trie, False)]
    while stack:
        node, visited = stack.pop()
        children = [(char, child) for char, child in sorted(node.items()) if char]
        if not visited:
            stack.append((node, True))
            stack.extend((child, False) for _, child in children)
            continue
        branches = [re.escape(char) + done.pop(id(child)) for char, child in children]
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})" if branches else ""
        done[id(node)] = f"(?:{body})?" if "" in node and body else body  # greedy: the longer word first
    return done[id(trie)]


class Interests:
    """The reader's standing interests, to mark papers and count them per section.

    However many there are, a paper's text is scanned a fixed number of times: short keywords
    are looked up by the words of the text, longer ones found by one compiled regex (a trie of
    them all), and authors looked up by a word of their name.
    """

    def __init__(self, keywords: list[str], authors: list[str]) -> None:
        self._order = {word: position for position, word in enumerate(dict.fromkeys(keywords))}
        self._by_token: dict[str, list[str]] = {}
        """A whole word of folded text -> the short keywords it matches (``llm`` and ``llms`` -> LLM)."""
        self._by_text: dict[str, list[str]] = {}
        """The folded text of a longer keyword -> the keywords that fold to it."""
        for word in keywords:
            folded = fold(word)
            if _WORDISH.fullmatch(folded):
                for token in (folded, folded + "s"):
                    self._by_token.setdefault(token, []).append(word)
            elif folded:
                self._by_text.setdefault(folded, []).append(word)
        self._pattern = re.compile(f"(?=({_trie_pattern(self._by_text)}))") if self._by_text else None
        # The regex gives the longest keyword at each position; the shorter ones that start
        # there too are its prefixes, so each keyword lists its prefixes that are keywords.
        self._prefixes = {
            text: [text[:end] for end in range(1, len(text)) if text[:end] in self._by_text] for text in self._by_text
        }
        self._authors: dict[str, list[tuple[str, frozenset[str]]]] = {}
        """One word of each configured name (its longest) -> (name, all its words)."""
        for name in authors:
            if words := _name_words(name):
                self._authors.setdefault(max(sorted(words), key=len), []).append((name, words))
        self._author_order = {name: position for position, name in enumerate(dict.fromkeys(authors))}

    def matches(self, paper: Paper) -> list[str]:
        """The keywords, then authors, that the paper matches, as configured.

        Keywords are looked for in the title, summaries, fork fields and abstract (not
        the authors). An author matches when every word of the configured name is a
        word of one author's name, accents and case aside: ``Hinton`` and ``Geoffrey
        Hinton`` both find "Geoffrey E. Hinton", ``Li`` finds "Wei Li" but not "Lina".
        """
        found: set[str] = set()
        if self._by_token or self._pattern is not None:
            content = fold(_FIELD_BREAK.join(content_fields(paper)))
            if self._by_token:
                for token in set(_TOKEN.findall(content)) & self._by_token.keys():
                    found.update(self._by_token[token])
            if self._pattern is not None:
                texts = set(self._pattern.findall(content))
                for text in list(texts):
                    texts.update(self._prefixes[text])
                for text in texts:
                    found.update(self._by_text[text])
        names: set[str] = set()
        if self._authors:
            for have in map(_name_words, paper.authors):
                for word in have & self._authors.keys():
                    names.update(name for name, words in self._authors[word] if words <= have)
        return sorted(found, key=self._order.__getitem__) + sorted(names, key=self._author_order.__getitem__)
