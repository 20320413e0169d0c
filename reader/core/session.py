"""The reading session: what the reader is looking at and the reading rules, with no UI.

One object holds the scope (a sidebar entry), the filters, the search query, the
summary/abstract view, the paper on show, the read marks of the papers at hand, the
auto-read rule and the undo of "all read". The screen turns keys and clicks into calls
here and draws what it answers; tests drive it without a terminal. A new digest (a
reload, later another day) goes through :meth:`ReadingSession.set_digest`, the one reset.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from reader.core.archive.inbox import Archive
from reader.core.archive.library import INBOX, ArchiveLibrary, library_for, opened
from reader.core.config import Config
from reader.core.latex import to_unicode
from reader.core.finding import IN_PLACE_LIMIT, Finding, PaperIndex
from reader.core.marking import Marking
from reader.core.library import ALL, STARRED, Count, Filters, is_kept, tag_of, tag_scope
from reader.core.model import LATER, RELEVANCE_LABELS, TRANSLATED_TITLE_LABELS, Digest, Paper, tag_key
from reader.core.mute import Muting
from reader.core.saved import search_of, search_scope
from reader.core.parse.builder import plural
from reader.core.search import Interests, Query, highlight_spans
from reader.core.store import MarkStore

if TYPE_CHECKING:
    from reader.core.archive.index import ArchiveIndex


class RowInfo(NamedTuple):
    """How one row of the paper list looks: the title to show and the marks beside it."""

    title: str
    read: bool = False
    starred: bool = False
    interesting: bool = False
    highlights: tuple[tuple[int, int], ...] = ()
    """Spans of ``title`` that match the search, as (start, end)."""
    category: str = ""
    """The paper's category where the list mixes categories (All, Starred, a search), else empty."""
    authors: str = ""
    """The first author, and "et al." for more (the list shows it where there is room)."""
    relevance: str = ""
    """A fork's relevance score for the paper, short (``56/100``, ``55%``), if the file gives one."""
    translated_title: str = ""
    """A fork's translation of the title, if the file gives one (shown after the title)."""
    tagged: bool = False
    noted: bool = False


_SCORE = r"\d{1,3}(?:\.\d+)?\s*(?:%|/\s*\d{1,3})|(?<![\d.])[01]\.\d{1,4}(?![\d.])"
"""``56/100``, ``55%``, or a score between 0 and 1 (``0.684``); compiled (by ``re``) when a fork's
score is first shown, not on every start."""


def relevance_of(paper: Paper) -> str:
    """The paper's relevance score from a fork's field, short: ``56/100``, ``55%`` (else empty)."""
    for label, value in paper.extra:
        if label.casefold() in RELEVANCE_LABELS:
            score = re.search(_SCORE, value)
            return score[0].replace(" ", "") if score else ""
    return ""


def interests_of(config: Config) -> Interests | None:
    """The configured interests, or None when there are none (no ◆ column, no counts)."""
    return Interests(config.interests, config.authors) if config.interests or config.authors else None


class ReadingSession(Finding, Marking):
    """The state of one reader over one digest, and every rule of reading it (the marks' in
    :class:`~reader.core.marking.Marking`, the queries' in :class:`~reader.core.finding.Finding`)."""

    def __init__(self, store: MarkStore, config: Config, digest: Digest, *, loading: bool = False) -> None:
        super().__init__(store, config)
        self.config = config
        self.loading = loading
        """The digest is still arriving from a background load."""
        self.scope = ALL
        self.filters = Filters()
        self.query: Query | None = None
        self.view = "abstract" if store.get_setting("detail_view", "summary") == "abstract" else "summary"
        self.interests = interests_of(config)
        self.muting = Muting(config.mute)
        self._interest_cache: dict[str, list[str]] = {}
        self._interesting: frozenset[str] | None = None
        """The ids of the digest's papers the interests match, for the counts (see :meth:`interesting_ids`)."""
        self._saved = {}
        self._hidden = None
        self.index: PaperIndex | None = None
        self.library = library_for(digest)
        self.set_digest(digest)
        self.scope = self.library.home

    def set_digest(self, digest: Digest) -> None:
        """Read ``digest`` from now on (a load that grew, a reload): scope, filters, query
        and view stay; the search index is built again."""
        self.library = library_for(digest, self.library)
        self.index = None
        self._interesting = None
        if not self._known(self.scope):
            self.scope = self.library.home
        self.sync_read()

    def sync_read(self) -> None:
        super().sync_read()
        self._saved = {}  # the saved searches asked the read ids taken before

    def _known(self, scope: str) -> bool:
        """Whether ``scope`` is a sidebar entry: the library's, a tag, a configured saved search."""
        return scope in self.library.keys or tag_of(scope) is not None or search_of(scope) in self.config.searches

    @property
    def digest(self) -> Digest:
        return self.library.digest

    @property
    def text_index(self) -> ArchiveIndex | None:
        """Where the papers' text is when it is not in memory (an indexed archive)."""
        return self.digest.index if isinstance(self.digest, Archive) else None

    def cache_interests(self, interests: Interests, matched: dict[str, list[str]]) -> bool:
        """Take interest matches computed off the UI thread, if the interests still hold."""
        if interests is not self.interests:
            return False
        self._interest_cache.update(matched)
        self._interesting = None
        self._counts = None
        return True

    def reconfigure(self, config: Config) -> bool:
        """New settings from a reloaded config file; True if the interests changed (the papers
        must be matched again: the matches of unchanged interests are kept)."""
        interests_changed = (config.interests, config.authors) != (self.config.interests, self.config.authors)
        if config.mute != self.config.mute:
            self.muting = Muting(config.mute)
        self.config = config
        self._saved = {}  # (and a search taken out of the config keeps nothing alive)
        self.auto_read.configure(config.mark_read_delay, config.mark_read == "auto")
        if interests_changed:
            self.interests = interests_of(config)
            self._interest_cache = {}
            self._interesting = None
        self._counts = None
        if self.interests is None:
            self.filters = self.filters._replace(interests_only=False)
        if not self._known(self.scope):  # a saved search taken out of the config
            self.scope = self.library.home
        return interests_changed


    def full(self, paper: Paper) -> Paper:
        """``paper`` with all its text: an indexed archive keeps only what the list needs in memory."""
        return self.library.full(paper)

    def start_paper(self) -> str | None:
        """The paper a start shows: the one on show when this digest was last open, if it is
        still in it, else the first unread paper of All (else the first paper)."""
        remembered = self.store.get_setting(self._position_key)
        papers = self.visible(self.library.home)
        if isinstance(remembered, str) and any(paper.id == remembered for paper in papers):
            return remembered
        return next((paper.id for paper in papers if not self.is_read(paper.id)), papers[0].id if papers else None)

    @property
    def _position_key(self) -> str:
        """The setting that remembers where this digest was left (per digest file name)."""
        return f"position {self.digest.name}"

    def show(self, paper: Paper | None, now: float, *, chosen: bool) -> str | None:
        """See :meth:`Marking.show`; and the paper on show is where this digest is come back to."""
        if paper is not None and not is_kept(self.scope) and self.store.get_setting(self._position_key) != paper.id:
            self.store.set_setting(self._position_key, paper.id)
        return super().show(paper, now, chosen=chosen)

    def math(self, text: str) -> str:
        """LaTeX shown as Unicode, unless the config asks for raw LaTeX."""
        return text if self.config.raw_latex else to_unicode(text)

    def interest_matches(self, paper: Paper) -> list[str]:
        if self.interests is None:
            return []
        found = self._interest_cache.get(paper.id)
        if found is None:
            found = self._interest_cache[paper.id] = self.interests.matches(paper)
        return found

    def is_interesting(self, paper: Paper) -> bool:
        return bool(self.interest_matches(paper))

    def interesting_ids(self) -> frozenset[str]:
        """The ids of the digest's papers the interests match, for the sidebar to count by set
        operations: matched here for a digest of up to IN_PLACE_LIMIT papers, else those the
        background matching found (an archive's papers are matched on their full text, which is
        in SQLite); made again when matches arrive or the interests change."""
        if self._interesting is None:
            papers = self.digest.papers
            if len(papers) <= IN_PLACE_LIMIT:
                self._interesting = frozenset(paper.id for paper in papers if self.interest_matches(paper))
            else:
                self._interesting = frozenset(paper_id for paper_id, found in self._interest_cache.items() if found)
        return self._interesting

    def interest_keywords(self, paper: Paper) -> list[str]:
        """The configured keywords (not authors) the paper matches, to mark in its text."""
        return [word for word in self.interest_matches(paper) if word in self.config.interests]

    def row(self, paper: Paper) -> RowInfo:
        title = self.math(paper.title)
        query = self.query
        mixed = self.library.mixes(self.scope) or is_kept(self.scope) or query is not None  # a section lists one category
        return RowInfo(
            title=title,
            read=self.is_read(paper.id),
            starred=self.store.is_starred(paper.id),
            interesting=self.is_interesting(paper),
            highlights=tuple(highlight_spans(title, query)) if query and query.highlights else (),
            category=(paper.category or "") if mixed else "",
            authors=paper.authors[0] + (" et al." if len(paper.authors) > 1 else "") if paper.authors else "",
            relevance=relevance_of(paper),
            translated_title=next((value for label, value in paper.extra if label.casefold() in TRANSLATED_TITLE_LABELS), ""),
            tagged=bool(self.store.tags_of(paper.id)),
            noted=self.store.note_of(paper.id) is not None,
        )

    def visible(self, scope: str | None = None) -> list[Paper]:
        """The papers the list shows for ``scope`` (default: the current one), in order."""
        scope = self.scope if scope is None else scope
        papers = self.library.visible(
            scope,
            self.filters,
            is_read=self.is_read if scope != INBOX else lambda paper_id: paper_id in self._read and paper_id not in self._read_here,
            is_interesting=self.is_interesting,
            starred=self._kept(scope),
            hidden=self.hidden(),
        )
        return self._search(papers, scope) if self.query is not None else papers

    def _kept(self, scope: str) -> list[Paper]:
        """The snapshots a Starred or tag entry lists (nothing for the digest's own entries)."""
        if scope == STARRED:
            return self.starred_papers()
        if (name := search_of(scope)) is not None:
            return self.saved_papers(name)
        tag = tag_of(scope)
        return [] if tag is None else self.tagged_papers(tag)

    def counts(self) -> list[Count]:
        """The sidebar: every entry with its total, unread and interesting counts (All first);
        once a paper is tagged, the Tags group (every tagged paper) and each tag in use."""
        if self._counts is None:
            tagged = self.store.tagged()
            names = self.store.tag_names()
            shown = tag_of(self.scope)  # the tag on show keeps its line when its last paper goes
            if shown and all(tag_key(name) != shown for name in names):
                names = sorted([*names, LATER if shown == tag_key(LATER) else shown], key=tag_key)
            tags = [(tag_scope(""), "Tags", [entry.paper for entry in tagged])] if tagged or shown is not None else []
            tags += [(tag_scope(name), f"  {name}", [entry.paper for entry in tagged if entry.has(name)]) for name in names]
            found = {name: self.saved_search(name) for name in self.config.searches}
            searches = [(search_scope(name), f"/ {name}", papers) for name, (papers, _) in found.items()]
            self._counts = self.library.counts(
                is_read=self.is_read,
                is_interesting=self.is_interesting if self.interests else None,
                starred=self.starred_papers(),
                tags=searches + tags,
                read=self._read,
                interesting=self.interesting_ids() if self.interests else None,
                hidden=self.hidden(),
                known={id(papers): ids for papers, ids in found.values()},
            )
        return self._counts

    def header(self, shown: int, *, sample: bool = False) -> tuple[str, str]:
        """The header's digest name and its facts, given how many papers the list shows."""
        digest = self.digest
        unread = self.counts()[0].unread
        papers = plural(len(digest.papers), "paper", "papers")
        repeats = len(digest.entries) - len(digest.papers)
        if repeats > 0:  # a weekend digest repeats Friday's papers: say they were merged
            papers += f" ({plural(repeats, 'repeat', 'repeats')} merged)"
        parts = [papers, f"{unread} unread", *self.library.facts()]
        if self.loading:
            parts.append("loading…")
        if muted := len(self.hidden()):
            parts.append(f"{muted} muted")
        if self.query is not None:
            parts.append(f"{shown} match")
        elif self.filters != Filters() or self.scope != self.library.home:
            parts.append(f"{shown} shown")
        return digest.name + (" (bundled sample)" if sample else ""), "  ·  ".join(parts)

    def empty_message(self) -> str:
        """What an empty list says, so the user knows why and which key brings papers back."""
        said = self.library.empty_message(self.scope)
        if said is not None:
            return said
        if self.loading:
            return "Loading…"
        if not self.digest.papers and self.scope != STARRED:
            return "This digest has no papers (an empty day)."
        if self.scope == STARRED and not self.store.stars():
            return "Nothing starred yet: press s on a paper to star it."
        if tag_of(self.scope) is not None and not self._kept(self.scope):
            return "No papers with this tag now: press T on a paper to tag it, L for Later."
        if self.query is not None:
            if self.index is None:
                return "Indexing for search…"
            return "No papers match the search (escape clears it)."
        if self.filters.interests_only:
            return "No papers match your interests here (m shows all)."
        if self.filters.unread_only:
            return "No papers match (u shows read papers again)."
        return "Every paper here is muted (M shows them)." if self.hidden() else "No papers."


    def select(self, scope: str) -> bool:
        """Show another sidebar entry; False if it is the one on show (or unknown)."""
        if scope == self.scope or not self._known(scope):
            return False
        if tag_of(scope) is not None or tag_of(self.scope) is not None or self.library.enter(scope):
            self._counts = None  # a tag view keeps its line in the sidebar while it is shown; a day its counts
        self.scope = scope
        self._read_here = set()
        return True

    def step_day(self, delta: int) -> str | None:
        """``]`` (1, newer) or ``[`` (-1, older): the entry to show next, the day or this
        category on the other day; None when there is no such day."""
        target = self.library.step_day(self.scope, delta)
        if target is not None:
            self._counts = None
        return target

    def open_archive(self, now: datetime) -> None:
        """The archive is open: the header counts what is new since it was opened last, and
        this opening is remembered (in the state, per folder)."""
        if isinstance(self.library, ArchiveLibrary) and self.library.archive.date is not None:
            key = f"opened {self.library.archive.origin}"
            self.library.since, now_said = opened(self.store.get_setting(key), self.library.archive, now)
            self.store.set_setting(key, now_said)
            self._counts = None

    def days_of(self, paper: Paper) -> tuple[str, ...]:
        """The days (labels) an archive's paper appeared on, newest first; () for one digest."""
        return self.library.days_of(paper.id)

    def toggle_filter(self, name: str) -> bool:
        """Flip a boolean filter of :class:`Filters`; True if it is now on."""
        on = not getattr(self.filters, name)
        self.filters = self.filters._replace(**{name: on})
        self._counts = None  # showing muted papers counts them
        return on

    def toggle_view(self) -> str:
        """``t``: summary <-> abstract for every paper, remembered for the next run."""
        self.view = "abstract" if self.view == "summary" else "summary"
        self.store.set_setting("detail_view", self.view)
        return self.view

    def set_query(self, query: Query | None) -> None:
        """Search for ``query`` (None, or a query without terms: no search)."""
        self.query = query if query is not None and query.terms else None

    def next_unread(self, papers: list[Paper], cursor: int, direction: int) -> tuple[str, str] | None:
        """Where ``n`` (1) or ``N`` (-1) goes from row ``cursor`` of the list ``papers``:
        (scope, paper id) of the next unread paper in this list, else in the next sections
        in that direction; None when there is none."""
        order = range(cursor + 1, len(papers)) if direction > 0 else range(cursor - 1, -1, -1)
        for index in order:
            if not self.is_read(papers[index].id):
                return self.scope, papers[index].id
        keys = self.library.walk_keys(self.scope)
        if self.scope not in keys:
            return None
        position = keys.index(self.scope)
        for key in keys[position + 1 :] if direction > 0 else reversed(keys[:position]):
            unread = [paper for paper in self.visible(key) if not self.is_read(paper.id)]
            if unread:
                return key, (unread[0] if direction > 0 else unread[-1]).id
        return None
