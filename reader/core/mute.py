"""Mute rules: queries of the search language whose papers the lists and counts leave out.

``mute = ["-cat:cs.CV survey", "author:Someone", "quantum"]`` in the config: a paper of the
digest that matches any one rule is muted. A starred or tagged paper is never hidden, whatever
it matches, and the user can show the muted papers (a filter the session toggles). The rules
are matched on the search index, once per digest and index; is the paper starred or tagged is
asked live, so a star brings a muted paper back at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from reader.core.model import Paper
from reader.core.search import Query, QueryError, SearchIndex, parse_query


class RuleError(ValueError):
    """A query of the config (a mute rule, a saved search) that does not parse: which, and why."""

    def __init__(self, kind: str, rule: str, error: QueryError) -> None:
        super().__init__(f'{kind} "{rule}" cannot be read: {error.message} (at character {error.position + 1})')
        self.rule = rule


def parse_rules(rules: list[str], kind: str = "mute rule") -> tuple[Query, ...]:
    """The rules as queries; the first rule that does not parse raises :class:`RuleError`."""
    queries = []
    for rule in rules:
        try:
            queries.append(parse_query(rule))
        except QueryError as error:
            raise RuleError(kind, rule, error) from None
    return tuple(queries)


class Muting:
    """The config's mute rules and which papers of the digest they match, remembered per index."""

    def __init__(self, rules: list[str]) -> None:
        self.queries = parse_rules(rules)
        self._index: SearchIndex | None = None
        self._matched: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.queries)

    def matched(self, index: SearchIndex, papers: list[Paper], marks: Callable[[], dict[str, object]]) -> frozenset[str]:
        """:func:`muted_ids` of the indexed ``papers`` (``marks()`` gives its keyword arguments),
        matched again only for another index."""
        if index is not self._index:
            self._matched = muted_ids(self.queries, index, papers, **marks())  # type: ignore[arg-type]
            self._index = index
        return self._matched


def muted_ids(
    queries: tuple[Query, ...],
    index: SearchIndex,
    papers: list[Paper],
    *,
    is_read: Callable[[str], bool],
    is_starred: Callable[[str], bool],
    has_tag: Callable[[str, str], bool],
    notes: Mapping[str, str],
) -> frozenset[str]:
    """The ids of the indexed ``papers`` that match any rule (starred and tagged ones too: the
    caller keeps those, since a star can come and go while the rules stand)."""
    found: set[int] = set()
    for query in queries:
        if query.terms:  # a rule of only "-" would match every paper
            found.update(index.filter(query, is_read=is_read, is_starred=is_starred, has_tag=has_tag, notes=notes))
    return frozenset(papers[position].id for position in found)
