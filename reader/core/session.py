"""The reading session: what the reader is looking at and the reading rules, with no UI.

One object holds the scope (a sidebar entry), the filters, the search query, the
summary/abstract view, the paper on show, the read marks of the papers at hand, the
auto-read rule and the undo of "all read". The screen turns keys and clicks into calls
here and draws what it answers; tests drive it without a terminal. A new digest (a
reload, later another day) goes through :meth:`ReadingSession.set_digest`, the one reset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, NamedTuple

from reader.core.archive.inbox import Archive
from reader.core.archive.index import ArchiveIndex
from reader.core.archive.search import IndexedSearch
from reader.core.archive.library import INBOX, ArchiveLibrary, library_for, opened
from reader.core.autoread import AutoRead
from reader.core.config import Config
from reader.core.latex import to_unicode
from reader.core.library import ALL, STARRED, Count, Filters, is_kept, tag_of, tag_scope
from reader.core.model import LATER, Digest, Paper, Star, tag_key
from reader.core.mute import Muting
from reader.core.saved import search_of, search_scope
from reader.core.parse.builder import plural
from reader.core.search import Interests, Query, SearchIndex, folded_notes, highlight_spans, parse_query
from reader.core.store import MarkStore
from reader.core.store.marks import SHOWN
from reader.core.store.notes import note_text

UNDO_DEPTH = 20
"""How many steps (an "all read", an unstar) ``U`` can take back, newest first."""
MUTE_INDEX_LIMIT = 2000
"""Mute rules and saved searches are queries on the search index: a digest up to this size is
indexed at once for them (a day's digest takes a few milliseconds); a larger one hides its muted
papers and counts its saved searches once the background index arrives."""
AT_ONCE = 0.05
"""A paper due to be read sooner than this after it is shown (``mark_read_delay = 0``) is read as
it is shown: the UI gets no timer of (almost) no time, which Textual cannot run."""


@dataclass(frozen=True, slots=True)
class RowInfo:
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


@dataclass(frozen=True, slots=True)
class PaperIndex:
    """A search index over a digest's papers and each paper's position in it."""

    papers: list[Paper]
    index: SearchIndex
    positions: dict[str, int]

    @classmethod
    def build(cls, papers: list[Paper], text_index: ArchiveIndex | None = None) -> PaperIndex:
        """Costly (about 0.15 ms a paper; without the text, with an archive's ``text_index``):
        run it off the UI thread for big digests."""
        search = SearchIndex(papers) if text_index is None else IndexedSearch(papers, text_index)
        return cls(papers, search, {paper.id: position for position, paper in enumerate(papers)})


class UndoStep(NamedTuple):
    """What ``U`` takes back: the papers one ``A`` marked read, or one star removed."""

    read_ids: tuple[str, ...] = ()
    star: Star | None = None


RELEVANCE_LABELS = frozenset(("relevance", "相关性", "recommendation", "interest score", "relevance score", "score"))
"""Fields in which forks rate a paper for the reader (``★★★☆☆ (56/100) - ...``, ``55%``)."""
TRANSLATED_TITLE_LABELS = frozenset(("translated title", "title translation", "标题翻译", "中文标题", "title (zh)"))
_SCORE = re.compile(r"\d{1,3}(?:\.\d+)?\s*(?:%|/\s*\d{1,3})|(?<![\d.])[01]\.\d{1,4}(?![\d.])")
"""``56/100``, ``55%``, or a score between 0 and 1 (``0.684``)."""


def relevance_of(paper: Paper) -> str:
    """The paper's relevance score from a fork's field, short: ``56/100``, ``55%`` (else empty)."""
    for label, value in paper.extra:
        if label.casefold() in RELEVANCE_LABELS:
            score = _SCORE.search(value)
            return score[0].replace(" ", "") if score else ""
    return ""


def interests_of(config: Config) -> Interests | None:
    """The configured interests, or None when there are none (no ◆ column, no counts)."""
    return Interests(config.interests, config.authors) if config.interests or config.authors else None


class ReadingSession:
    """The state of one reader over one digest, and every rule of reading it."""

    def __init__(self, store: MarkStore, config: Config, digest: Digest, *, loading: bool = False) -> None:
        self.store = store
        self.config = config
        self.loading = loading
        """The digest is still arriving from a background load."""
        self.scope = ALL
        self.filters = Filters()
        self.query: Query | None = None
        self.view = "abstract" if store.get_setting("detail_view", "summary") == "abstract" else "summary"
        self.auto_read = AutoRead(config.mark_read_delay, config.mark_read == "auto")
        self.interests = interests_of(config)
        self.muting = Muting(config.mute)
        self._interest_cache: dict[str, list[str]] = {}
        self._undo: list[UndoStep] = []
        self._read: set[str] = set()
        """Read ids among the digest's and the starred papers: counts ask this set, not the
        store, so a key that changes one mark recounts 10,000 papers in a millisecond."""
        self.index: PaperIndex | None = None
        self._counts: list[Count] | None = None
        """The sidebar's counts, kept until a mark, the digest or the interests change."""
        self._read_here: set[str] = set()
        """Papers read since the Inbox was entered: they stay in its list until it is entered again."""
        self.library = library_for(digest)
        self.set_digest(digest)
        self.scope = self.library.home

    # -- the digest ------------------------------------------------------------

    def set_digest(self, digest: Digest) -> None:
        """Read ``digest`` from now on (a load that grew, a reload): scope, filters, query
        and view stay; the search index is built again."""
        self.library = library_for(digest, self.library)
        self.index = None
        if not self._known(self.scope):
            self.scope = self.library.home
        self.sync_read()

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

    def install_index(self, index: PaperIndex) -> bool:
        """Take an index built off the UI thread, if it is of the current digest's papers."""
        if index.papers is not self.digest.papers:
            return False
        self.index = index
        self._counts = None  # the mute rules are matched on it
        return True

    def cache_interests(self, interests: Interests, matched: dict[str, list[str]]) -> bool:
        """Take interest matches computed off the UI thread, if the interests still hold."""
        if interests is not self.interests:
            return False
        self._interest_cache.update(matched)
        self._counts = None
        return True

    def reconfigure(self, config: Config) -> None:
        """New settings from a reloaded config file."""
        self.config = config
        self.auto_read.configure(config.mark_read_delay, config.mark_read == "auto")
        self.interests = interests_of(config)
        self.muting = Muting(config.mute)
        self._interest_cache = {}
        self._counts = None
        if self.interests is None:
            self.filters = replace(self.filters, interests_only=False)
        if not self._known(self.scope):  # a saved search taken out of the config
            self.scope = self.library.home

    # -- marks -----------------------------------------------------------------

    def starred_papers(self) -> list[Paper]:
        return [star.paper for star in self.store.stars()]

    def tagged_papers(self, name: str = "") -> list[Paper]:
        """The snapshots of the papers with tag ``name`` (any tag: empty), oldest tag first."""
        return [entry.paper for entry in self.store.tagged(name or None)]

    def tag_names(self) -> list[str]:
        """The tags in use, for the sidebar and the tag line's completion (Later always)."""
        names = self.store.tag_names()
        return names if any(tag_key(name) == tag_key(LATER) for name in names) else sorted([*names, LATER], key=tag_key)

    def tags_of(self, paper_id: str) -> tuple[str, ...]:
        return self.store.tags_of(paper_id)

    def full(self, paper: Paper) -> Paper:
        """``paper`` with all its text: an indexed archive keeps only what the list needs in memory."""
        return self.library.full(paper)

    def toggle_later(self, paper: Paper) -> bool:
        """The Later key: put the built-in Later tag on or take it off; True if now on."""
        self._counts = None
        paper = self.full(paper)
        if self.store.has_tag(paper.id, LATER):
            self.store.remove_tag(paper.id, LATER)
            return False
        self.store.add_tag(paper, LATER, self.digest.date or self.digest.name)
        if self.store.is_read(paper.id):  # a paper from another day joins the papers at hand
            self._read.add(paper.id)
        return True

    def edit_tags(self, paper: Paper, text: str) -> str:
        """The tag line: ``name`` puts a tag on, ``-name`` takes one off; several are separated
        by commas (``later, group meeting, -ml``). Returns what was done, for the user."""
        added, removed = [], []
        paper = self.full(paper)
        for word in text.split(","):
            word = " ".join(word.split())
            if word.startswith("-") and word[1:].strip():
                if self.store.remove_tag(paper.id, word[1:].strip()):
                    removed.append(word[1:].strip())
            elif word and word != "-" and self.store.add_tag(paper, word, self.digest.date or self.digest.name):
                added.append(next(tag for tag in self.store.tags_of(paper.id) if tag_key(tag) == tag_key(word)))
        self._counts = None
        if self.store.is_read(paper.id):
            self._read.add(paper.id)
        parts = [f"tagged {', '.join(added)}"] * bool(added) + [f"untagged {', '.join(removed)}"] * bool(removed)
        said = "; ".join(parts)
        return said[:1].upper() + said[1:] if parts else "No tag changed"

    def note_of(self, paper_id: str) -> str | None:
        return self.store.note_of(paper_id)

    def set_note(self, paper: Paper, text: str, over: object = SHOWN) -> str:
        """The note editor's save: write (or, empty, remove) the paper's note, written ``over`` the
        note the editor opened with; what was done, for the user."""
        had = self.store.note_of(paper.id) is not None
        if not self.store.set_note(paper, text, self.digest.date or self.digest.name, over=over):
            return "Note unchanged"
        note = self.store.note_of(paper.id)
        if note != note_text(text):  # another window changed it since the editor opened
            return "Note saved, and another window's change kept in it" if note_text(text) else "Note kept: another window changed it"
        if note is None:
            return "Note removed"
        return "Note saved" if had else "Note added"

    def sync_read(self) -> None:
        """Ask the store about every paper at hand (after a load, or another instance's save).

        A mark of the paper on show that changed meanwhile came from elsewhere (another
        instance, a synced file): it stands, so this instance's pending timer is dropped.
        """
        on_show = self.auto_read.paper_id
        was_read = on_show in self._read
        ids = [paper.id for paper in (*self.digest.papers, *self.starred_papers(), *self.tagged_papers())]
        self._read = {paper_id for paper_id in ids if self.store.is_read(paper_id)}
        self._counts = None
        if on_show is not None and (on_show in self._read) != was_read:
            self.auto_read.forget()

    def is_read(self, paper_id: str) -> bool:
        return paper_id in self._read

    def is_starred(self, paper_id: str) -> bool:
        return self.store.is_starred(paper_id)

    def mark_read(self, paper_ids: Iterable[str], read: bool) -> list[str]:
        """Change read marks, keeping the read set in step; returns the ids that changed."""
        paper_ids = list(paper_ids)
        changed = self.store.mark_read_many(paper_ids) if read else self.store.mark_unread_many(paper_ids)
        if read:
            self._read.update(paper_ids)
            self._read_here.update(paper_ids)
        else:
            self._read.difference_update(paper_ids)
        self._counts = None
        return changed

    def toggle_read(self, paper: Paper) -> bool:
        """``r``: flip the mark by hand; leaving the paper will not change it again."""
        self.auto_read.forget()
        read = not self.is_read(paper.id)
        self.mark_read([paper.id], read)
        return read

    def toggle_star(self, paper: Paper) -> bool:
        """Star (keeping a full snapshot of the paper) or unstar; True if now starred. An
        unstar can be taken back with :meth:`undo`: the snapshot may be the only copy left
        of a paper from an old digest."""
        self._counts = None
        paper = self.full(paper)  # the snapshot keeps the whole paper
        removed = self.store.star_for(paper.id)
        starred = self.store.toggle_star(paper, self.digest.date or self.digest.name)
        if not starred and removed is not None:
            self._push_undo(UndoStep(star=removed))
        return starred

    def mark_all_read(self, papers: Iterable[Paper]) -> list[str]:
        """``A``: mark ``papers`` read; the ids that changed can be taken back with :meth:`undo`."""
        changed = self.mark_read((paper.id for paper in papers), True)
        if changed:
            self._push_undo(UndoStep(read_ids=tuple(changed)))
        return changed

    def _push_undo(self, step: UndoStep) -> None:
        self._undo = [*self._undo[-(UNDO_DEPTH - 1) :], step]

    def undo(self) -> UndoStep | None:
        """``U``: take back the last "all read" (those papers are unread again) or unstar (the
        star is back as it was); the step taken back, or None if there is none."""
        if not self._undo:
            return None
        step = self._undo.pop()
        if step.star is not None:
            self.store.restore_star(step.star)
            self._counts = None
        else:
            self.mark_read(step.read_ids, False)
        return step

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
        """``paper`` is now in the detail pane, ``chosen`` by the user (a key, a click, enter)
        or landed on (start, section switch, filter, search: it is not read by staying).
        Returns the id of a paper that became read: the one left (shown long enough, before
        the UI's timer ran), or this one when its delay is (about) 0 (see AT_ONCE)."""
        left = self.auto_read.show(paper.id if paper else None, now, already_read=bool(paper and self.is_read(paper.id)), chosen=chosen)
        if paper is not None and not is_kept(self.scope) and self.store.get_setting(self._position_key) != paper.id:
            self.store.set_setting(self._position_key, paper.id)  # where to come back to
        marked = self._auto_mark(left)
        deadline = self.auto_read.deadline
        if deadline is not None and deadline - now < AT_ONCE:  # no UI timer for (almost) no time: read now
            marked = self._auto_mark(self.auto_read.due(max(deadline, now))) or marked
        return marked

    def read_if_due(self, now: float) -> str | None:
        """The UI's timer fired: mark the paper on show read if its time has come."""
        return self._auto_mark(self.auto_read.due(now))

    def _auto_mark(self, paper_id: str | None) -> str | None:
        """Mark a paper read by the auto rule, only if it is unread: a read mark records the
        intent "read" even where it changes nothing, and that must not be saved over an
        unread that another instance decided meanwhile."""
        if paper_id is None or self.is_read(paper_id):
            return None
        return paper_id if self.mark_read([paper_id], True) else None

    # -- what is shown ---------------------------------------------------------

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

    def hidden(self) -> frozenset[str]:
        """The ids the mute rules hide now: none while muted papers are shown (or while a large
        digest is still being indexed), and never a starred or tagged paper."""
        if not self.muting or self.filters.show_muted:
            return frozenset()
        index = self._ready_index()
        if index is None:
            return frozenset()
        store = self.store
        matched = self.muting.matched(index.index, index.papers, self._marks)
        return frozenset(paper_id for paper_id in matched if not store.is_starred(paper_id) and not store.tags_of(paper_id))

    def _search(self, papers: list[Paper], scope: str) -> list[Paper]:
        """The papers among ``papers`` that match the query (the index knows the digest's papers)."""
        assert self.query is not None
        if is_kept(scope):  # snapshots, some from other days: not in the digest's index
            index, among, source = SearchIndex(papers), None, papers
        else:
            if self.index is None:
                return []  # the index is being built: the list says so, then shows the result
            index, source = self.index.index, self.index.papers
            # All, unfiltered, is the index's own list: no need to look up 10,000 positions per keystroke.
            among = None if papers is source else [self.index.positions[paper.id] for paper in papers]
        found = index.filter(self.query, among=among, **self._marks())
        return [source[position] for position in found]

    def _ready_index(self) -> PaperIndex | None:
        """The search index, built here for a digest small enough (the mute rules and saved searches
        are queries on it); None while a larger one is built in the background."""
        if self.index is None and not self.loading and len(self.digest.papers) <= MUTE_INDEX_LIMIT:
            self.install_index(PaperIndex.build(self.digest.papers, self.text_index))
        return self.index

    def _marks(self) -> dict[str, object]:
        """What a query asks of the marks (read, starred, tags, notes), as SearchIndex.filter takes it."""
        store = self.store
        return {"is_read": self.is_read, "is_starred": store.is_starred, "has_tag": store.has_tag, "notes": folded_notes(store.notes())}

    def _kept(self, scope: str) -> list[Paper]:
        """The snapshots a Starred or tag entry lists (nothing for the digest's own entries)."""
        if scope == STARRED:
            return self.starred_papers()
        if (name := search_of(scope)) is not None:
            return self.saved_papers(name)
        tag = tag_of(scope)
        return [] if tag is None else self.tagged_papers(tag)

    def saved_papers(self, name: str) -> list[Paper]:
        """The digest's papers that saved search ``name`` finds now (none before the index)."""
        query = self.config.searches.get(name)
        index = self._ready_index()
        if query is None or index is None:
            return []
        return [index.papers[position] for position in index.index.filter(parse_query(query), **self._marks())]

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
            searches = [(search_scope(name), f"/ {name}", self.saved_papers(name)) for name in self.config.searches]
            self._counts = self.library.counts(
                is_read=self.is_read,
                is_interesting=self.is_interesting if self.interests else None,
                starred=self.starred_papers(),
                tags=searches + tags,
                read=self._read,
                hidden=self.hidden(),
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

    # -- choices ---------------------------------------------------------------

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
        self.filters = replace(self.filters, **{name: on})
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
