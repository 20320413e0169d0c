"""A digest indexed by sidebar entry, and the sidebar's counts: plain data, no UI.

The reading session asks a :class:`Library` for the papers of a sidebar entry under the
current filters; a day source (one digest today, a folder of days later) only has to
build one.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import partial
from types import MappingProxyType
from typing import Callable, Container, Iterable, NamedTuple

from reader.core.model import Digest, Paper, tag_key
from reader.core.saved import SEARCH
from reader.core.parse.builder import plural

ALL = "\x00all"
"""Sidebar key of every paper of the digest (a NUL never occurs in a section name)."""
STARRED = "\x00starred"
"""Sidebar key of the starred papers, from the store's snapshots."""
TAG = "\x00tag:"
"""Sidebar keys of tags start with this, then the tag's key (its name, case folded)."""


def tag_scope(name: str) -> str:
    """The sidebar key of tag ``name``."""
    return TAG + tag_key(name)


def tag_of(scope: str) -> str | None:
    """The tag key of a tag's sidebar key, else None."""
    return scope[len(TAG) :] if scope.startswith(TAG) else None


def is_kept(scope: str) -> bool:
    """Whether a sidebar entry lists papers the session picks (Starred's and a tag's snapshots, a
    saved search's matches) rather than a part of the digest."""
    return scope == STARRED or scope.startswith(TAG) or scope.startswith(SEARCH)


class Filters(NamedTuple):
    """What narrows the list besides the sidebar entry and the search."""

    unread_only: bool = False
    interests_only: bool = False
    show_muted: bool = False
    """Show the papers the config's mute rules hide."""


class Count(NamedTuple):
    """A sidebar line: key, label and counts."""

    key: str
    label: str
    total: int
    unread: int
    interesting: int


class _Shown:
    """What an owned list shows under the hidden ids and interesting ids last given (the same
    objects, kept): its ids not hidden, and how many of them are interesting."""

    __slots__ = ("hidden", "interesting", "visible", "interesting_count")

    def __init__(self, hidden: frozenset[str], interesting: AbstractSet[str] | None, visible: set[str], interesting_count: int) -> None:
        self.hidden = hidden
        self.interesting = interesting
        self.visible = visible
        self.interesting_count = interesting_count


class Library:
    """A digest indexed by sidebar entry."""

    def __init__(self, digest: Digest) -> None:
        self.digest = digest
        self._by_key: dict[str, list[Paper]] = {ALL: digest.papers}
        for section in digest.sections:
            self._by_key.setdefault(section.name, []).extend(section.papers)
        self._owned = {id(papers) for papers in self._by_key.values()}
        """The lists this library (and its digest) keeps for its life: their ids stay theirs."""
        self._ids: dict[int, frozenset[str]] = {}
        self._shown: dict[int, _Shown] = {}
        """Per owned list: what it shows under the hidden and interesting ids last given. Both
        sets stay the same objects while unchanged (the session keeps them), so a recount after a
        read mark only intersects with the read ids."""
        self._change: tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]] | None = None
        """(old hidden, new hidden, shown again, hidden now) of the last change of the hidden ids:
        every list takes the same change, which a star or tag makes a paper or two."""

    @property
    def keys(self) -> list[str]:
        """Sidebar keys in order: All, each section in file order, Starred."""
        return self.digest_keys

    @property
    def digest_keys(self) -> list[str]:
        """All, each section in file order, Starred (an archive lists its days before them)."""
        return [*self._by_key, STARRED]

    @property
    def section_keys(self) -> list[str]:
        """The digest's own sections, in file order (what next-unread walks through)."""
        return [key for key in self._by_key if key != ALL]

    home = ALL
    """The entry a start shows."""

    def walk_keys(self, scope: str) -> list[str]:
        """The entries next-unread goes on through from ``scope``, in sidebar order."""
        return self.section_keys

    def mixes(self, scope: str) -> bool:
        """Whether the list of ``scope`` mixes categories (its rows then name theirs)."""
        return scope == ALL

    def enter(self, scope: str) -> bool:
        """``scope`` is now on show; True if that changed what other entries count (an archive's day)."""
        return False

    def step_day(self, scope: str, delta: int) -> str | None:
        """The entry ``[``/``]`` go to from ``scope``: one digest has no other day."""
        return None

    def days_of(self, paper_id: str) -> tuple[str, ...]:
        """The days a paper appeared on (one digest: none to list)."""
        return ()

    def full(self, paper: Paper) -> Paper:
        """The paper with all its text (one digest holds it all)."""
        return paper

    def facts(self) -> list[str]:
        """What the header says of the digest after its paper counts."""
        return [plural(len(self.digest.sections), "section", "sections")]

    def empty_message(self, scope: str) -> str | None:
        """Why the list of ``scope`` is empty, where the library knows better than the session."""
        return None

    def papers(self, key: str, starred: Iterable[Paper] = ()) -> list[Paper]:
        """The papers of a sidebar entry before filters (Starred and a tag's papers come from the store)."""
        if is_kept(key):
            return list(starred)
        return self._by_key.get(key, [])

    def visible(
        self,
        key: str,
        filters: Filters,
        *,
        is_read: Callable[[str], bool],
        is_interesting: Callable[[Paper], bool],
        starred: Iterable[Paper] = (),
        hidden: Container[str] = frozenset(),
    ) -> list[Paper]:
        """The papers the list shows for ``key`` under ``filters``, in digest order, but the
        ``hidden`` ids (muted)."""
        papers = self.papers(key, starred)
        if hidden:
            papers = [paper for paper in papers if paper.id not in hidden]
        if filters.unread_only:
            papers = [paper for paper in papers if not is_read(paper.id)]
        if filters.interests_only:
            papers = [paper for paper in papers if is_interesting(paper)]
        return papers

    def ids(self, papers: list[Paper]) -> frozenset[str] | None:
        """The ids of a list this library owns, made once; None for another list."""
        if id(papers) not in self._owned:
            return None
        ids = self._ids.get(id(papers))
        if ids is None:
            ids = self._ids[id(papers)] = frozenset(paper.id for paper in papers)
        return ids

    def tally(
        self,
        papers: list[Paper],
        *,
        is_read: Callable[[str], bool],
        is_interesting: Callable[[Paper], bool] | None,
        read: AbstractSet[str] | None,
        interesting: AbstractSet[str] | None,
        hidden: frozenset[str],
        known: frozenset[str] | None = None,
    ) -> tuple[int, int, int]:
        """(total, unread, interesting) of a sidebar line's papers, the ``hidden`` ids left out. A
        list this library owns is counted by set operations on its ids (``read``: the read ids,
        ``interesting``: the interesting ones, when given): the sidebar is counted again on every
        mark and day switch, a year's over hundreds of thousands of entries. So is a list of the
        digest's papers whose ids the caller gives as ``known`` (a saved search's), without keeping
        anything; another list (Starred's, a tag's: snapshots, some of other days) paper by paper."""
        ids = self.ids(papers)
        by_sets = read is not None and (interesting is not None or is_interesting is None)
        if by_sets and ids is None and known is not None:
            visible = known - hidden if hidden else known
            return len(visible), len(visible) - len(visible & read), len(visible & interesting) if interesting is not None else 0
        if by_sets and ids is not None:
            shown = self._shown.get(id(papers))
            if shown is None or shown.interesting is not interesting:
                visible = set(ids - hidden if hidden else ids)
                shown = self._shown[id(papers)] = _Shown(hidden, interesting, visible, len(visible & interesting) if interesting is not None else 0)
            elif shown.hidden is not hidden:
                back, gone = self._hidden_change(shown.hidden, hidden)
                back, gone = ids & back, ids & gone  # (a set operation runs over the smaller set)
                shown.visible |= back
                shown.visible -= gone
                if interesting is not None:
                    shown.interesting_count += len(back & interesting) - len(gone & interesting)
                shown.hidden = hidden
            visible = shown.visible
            return len(visible), len(visible) - len(visible & read), shown.interesting_count
        if hidden:
            papers = [paper for paper in papers if paper.id not in hidden]
        unread = sum(1 for paper in papers if not is_read(paper.id))
        return len(papers), unread, sum(1 for paper in papers if is_interesting(paper)) if is_interesting else 0

    def _hidden_change(self, old: frozenset[str], new: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
        """(the ids ``old`` hid and ``new`` does not, the ids ``new`` hides and ``old`` did not)."""
        change = self._change
        if change is None or change[0] is not old or change[1] is not new:
            change = self._change = (old, new, old - new, new - old)
        return change[2], change[3]

    def entries(self, starred: list[Paper]) -> list[tuple[str, str, list[Paper]]]:
        """(key, label, papers) of each sidebar line the library lists itself (no tags)."""
        labels = {ALL: "All", STARRED: "Starred"}
        return [(key, labels.get(key, key), self.papers(key, starred)) for key in self.digest_keys]

    def counts(
        self,
        *,
        is_read: Callable[[str], bool],
        is_interesting: Callable[[Paper], bool] | None,
        starred: list[Paper],
        tags: Iterable[tuple[str, str, list[Paper]]] = (),
        read: AbstractSet[str] | None = None,
        interesting: AbstractSet[str] | None = None,
        hidden: frozenset[str] = frozenset(),
        known: Mapping[int, frozenset[str]] = MappingProxyType({}),
    ) -> list[Count]:
        """One line per sidebar entry with its total, unread and interesting counts; after
        Starred, one per entry of ``tags`` (key, label, papers): the Tags group and each tag.

        ``is_interesting`` None means no interests are configured: every count is 0. ``read``
        and ``interesting``, the ids ``is_read`` and ``is_interesting`` answer for (the digest's
        papers), let the library count by set operations (see :meth:`tally`). The ``hidden`` ids
        (muted) are not counted. ``known``: the ids of lists of ``tags`` by ``id()`` of the list,
        where the caller has them (see :meth:`tally`).
        """
        tally = partial(self.tally, is_read=is_read, is_interesting=is_interesting, read=read, interesting=interesting, hidden=hidden)
        return [Count(key, label, *tally(papers, known=known.get(id(papers)))) for key, label, papers in [*self.entries(starred), *tags]]
