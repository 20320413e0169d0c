"""The Textual app: three panes over one digest, and every key binding in one table.

The app wires core modules (parse, store, view, search, export) to the widgets: it owns
the reading state (which section, which filters, which view) and turns widget messages
into calls on the core. Widgets only draw and report.
"""

from __future__ import annotations

import gc
import signal
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList

from reader.core.config import Config, ConfigError, load_config
from reader.core.model import Digest, Paper
from reader.core.latex import to_unicode
from reader.core.sanitize import clean, is_safe_url
from reader.tui.screens.help import HelpScreen, describe_keys
from reader.core.search import (
    Interests,
    Query,
    QueryError,
    SearchIndex,
    highlight_spans,
    parse_query,
    term_spans,
)
from reader.core.store import MarkStore
from reader.core.view import ALL, STARRED, Filters, Library
from reader.tui.widgets.digest_header import DigestHeader
from reader.tui.widgets.paper_detail import DetailOptions, PaperDetail
from reader.tui.widgets.paper_list import PaperList, RowInfo
from reader.tui.widgets.search_bar import SearchBar
from reader.tui.widgets.section_list import SectionList


def _stylesheet() -> str:
    """reader.tcss from the installed package (the wheel maps styles/ to reader/styles/),
    or from styles/ beside the package when it runs from a source checkout."""
    try:
        return str(files("reader.styles").joinpath("reader.tcss"))
    except ModuleNotFoundError:
        return str(Path(__file__).resolve().parent.parent.parent / "styles" / "reader.tcss")


FIRST_BATCH = 60
"""Papers parsed before the first screen of a big digest is shown: more than a screenful."""
LOAD_REFRESH_SECONDS = 0.5
SYNC_INDEX_LIMIT = 2000
"""Digests up to this size are indexed at once when searched (well under 0.1 s); larger
ones in a worker while the list says so."""


if TYPE_CHECKING:
    from reader.tui.screens.export import ExportScreen


def _web_browser(url: str) -> bool:
    """Open ``url`` in a graphical browser; False if there is none.

    A console browser (lynx, w3m) would take over the reader's own terminal from a
    worker thread, so it is refused. Imported here: it is not needed to start.
    """
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    if type(browser) is webbrowser.GenericBrowser:  # the console browsers; GUI ones are subclasses
        return False
    return browser.open(url)


def _snapshot(digest: Digest) -> Digest:
    """A copy of a digest the parser is still filling, safe to hand to the UI thread."""
    return Digest(
        name=digest.name,
        date=digest.date,
        sections=[replace(section, papers=list(section.papers)) for section in digest.sections],
        papers=list(digest.papers),
        warnings=list(digest.warnings),
    )


class DigestReader(App[int]):
    """Read a day of arXiv papers from the keyboard."""

    CSS_PATH = _stylesheet()
    TITLE = "digest-reader"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Down", id="down", show=False),
        Binding("k,up", "move(-1)", "Up", id="up", show=False),
        Binding("g,home", "edge(0)", "First", id="first", show=False),
        Binding("G,end", "edge(1)", "Last", id="last", show=False),
        Binding("enter", "read_here", "Read in the detail pane", id="read-here", show=False),
        Binding("tab", "focus_pane(1)", "Next pane", id="next-pane", show=False, priority=True),
        Binding("shift+tab", "focus_pane(-1)", "Previous pane", id="previous-pane", show=False, priority=True),
        Binding("l,right", "section(1)", "Next section", id="next-section", show=False),
        Binding("h,left", "section(-1)", "Previous section", id="previous-section", show=False),
        Binding("space,pagedown", "page(1)", "Page down", id="page-down", show=False),
        Binding("b,pageup", "page(-1)", "Page up", id="page-up", show=False),
        Binding("t", "toggle_view", "Summary/Abstract", id="toggle-view"),
        Binding("s", "star", "Star", id="star"),
        Binding("r", "toggle_read", "Read", id="toggle-read"),
        Binding("u", "unread_only", "Unread only", id="unread-only", show=False),
        Binding("n", "next_unread(1)", "Next unread", id="next-unread"),
        Binding("N", "next_unread(-1)", "Previous unread", id="previous-unread", show=False),
        Binding("A", "mark_all_read", "All read", id="mark-all-read", show=False),
        Binding("U", "undo", "Undo all read", id="undo", show=False),
        Binding("slash", "search", "Search", id="search", key_display="/", priority=True),
        Binding("escape", "clear_search", "Clear search", id="clear-search"),
        Binding("m", "interests_only", "Interests", id="interests-only", show=False),
        Binding("o", "open_link", "Open", id="open"),
        Binding("p", "open_link(True)", "Open PDF", id="open-pdf", show=False),
        Binding("y", "copy_link", "Copy link", id="copy-link", show=False),
        Binding("Y", "copy_citation", "Copy citation", id="copy-citation", show=False),
        Binding("e", "export", "Export", id="export"),
        Binding("ctrl+r", "reload_config", "Reload config", id="reload-config", show=False),
        Binding("question_mark", "show_help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+c", "interrupt", "Quit", id="interrupt", show=False, priority=True),
    ]

    _pane_actions = frozenset(binding.action.split("(")[0] for binding in BINDINGS if binding.action != "interrupt")
    """Every action of the table acts on the main screen, and so is off while a dialog is open
    (where q and escape close the dialog); only ctrl+c quits from anywhere."""

    def __init__(
        self,
        *,
        store: MarkStore,
        config: Config,
        digest: Digest | None = None,
        path: Path | None = None,
        sample: bool = False,
        config_path: Path | None = None,
        open_url: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self.path = path
        self.sample = sample
        self.config_path = config_path
        self.open_url = open_url or _web_browser
        self.library = Library(digest or Digest(name=clean(path.name) if path else "digest"))
        self.loading = digest is None and path is not None
        self.section_key = ALL
        self.filters = Filters()
        self.view = str(store.get_setting("detail_view", "summary"))
        self._read_timer: Timer | None = None
        self._shown: tuple[Paper | None, float] = (None, 0.0)
        self._undo_ids: list[str] = []
        self._notices_shown = 0
        self._previous_handlers: dict[int, object] = {}
        self.search_query: Query | None = None
        self._index: tuple[SearchIndex, dict[str, int]] | None = None
        """The digest's search index and each paper's position in it, built once per digest."""
        self._interests = self._interests_of(config)
        self._interest_cache: dict[str, list[str]] = {}
        self._read_here: set[str] = set()
        """Read ids among the digest's and the starred papers: the counts ask this set, not
        the store, so a key that changes one mark recounts 10,000 papers in a millisecond."""

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DigestHeader(id="header")
        with Horizontal(id="panes"):
            yield SectionList(id="sections")
            with Vertical(id="reading"):
                yield SearchBar(id="search")
                yield PaperList(self._row_info, id="papers")
                yield PaperDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self._previous_handlers = {signum: signal.signal(signum, self._on_signal) for signum in (signal.SIGTERM, signal.SIGHUP)}
        self.paper_list.focus()
        self._sync_read()
        self._refresh_all()
        self._show_new_notices()
        if self.loading:
            self._load_digest()
        else:
            self._announce_warnings()
            self._match_interests()
        self.set_interval(2.0, self._pick_up_other_instances)
        gc.freeze()  # the digest and the widgets live as long as the app: spare them every full collection

    def on_unmount(self) -> None:
        """Give the process its signal handlers back (tests run many apps in one process)."""
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    @property
    def sections(self) -> SectionList:
        return self.query_one(SectionList)

    @property
    def digest(self) -> Digest:
        return self.library.digest

    # -- loading ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def _load_digest(self) -> None:
        """Parse off the UI thread: show the first screenful at once, then the rest as it comes.

        Snapshots (copies the UI may keep) go out at most twice a second, so a 10,000-paper
        file costs a handful of redraws rather than one per batch.
        """
        from reader.core.parse import DigestError, iter_stream

        assert self.path is not None
        latest, sent_at = None, 0.0
        try:
            for latest in iter_stream(self.path, batch=FIRST_BATCH):
                if monotonic() - sent_at >= LOAD_REFRESH_SECONDS:
                    self.call_from_thread(self._digest_loaded, _snapshot(latest))
                    sent_at, latest = monotonic(), None
            if latest is not None:
                self.call_from_thread(self._digest_loaded, _snapshot(latest))
        except DigestError as error:
            self.call_from_thread(self.notify, str(error), title="Cannot read digest", severity="error", markup=False)
        finally:
            self.call_from_thread(self._loading_done)

    def _digest_loaded(self, digest: Digest) -> None:
        self.library = Library(digest)
        self._index = None  # it indexed fewer papers
        self._sync_read()
        self._refresh_all()

    def _loading_done(self) -> None:
        self.loading = False
        self._refresh_all()
        self._announce_warnings()
        self._match_interests()
        if self.search_bar.display:  # searched while loading: index the whole digest now
            self._start_index()
        gc.freeze()  # the digest lives as long as the app: keep it out of every full collection

    @work(thread=True, exclusive=True, group="interests")
    def _match_interests(self) -> None:
        """Match every paper against the interests off the UI thread (for the sidebar counts)."""
        papers, interests = self.digest.papers, self._interests
        if interests:
            matched = {paper.id: interests.matches(paper) for paper in papers}
            self.call_from_thread(self._interests_ready, papers, interests, matched)

    def _interests_ready(self, papers: list[Paper], interests: Interests, matched: dict[str, list[str]]) -> None:
        if papers is self.digest.papers and interests is self._interests:
            self._interest_cache.update(matched)
            self._refresh_all()

    def _start_index(self) -> None:
        """Index the digest for search: at once when small, else in a worker (see SYNC_INDEX_LIMIT)."""
        if self._index is not None:
            return
        if len(self.digest.papers) <= SYNC_INDEX_LIMIT:
            self._index = self._index_of(self.digest.papers)
        else:
            self._build_index()

    @work(thread=True, exclusive=True, group="index")
    def _build_index(self) -> None:
        """Index the digest for search off the UI thread, on the first `/` (it costs memory)."""
        papers = self.digest.papers
        index = self._index_of(papers)
        self.call_from_thread(self._index_ready, papers, index)

    @staticmethod
    def _index_of(papers: list[Paper]) -> tuple[SearchIndex, dict[str, int]]:
        return SearchIndex(papers), {paper.id: position for position, paper in enumerate(papers)}

    def _index_ready(self, papers: list[Paper], index: tuple[SearchIndex, dict[str, int]]) -> None:
        if papers is self.digest.papers:
            self._index = index
            if self.search_query is not None:
                self._refresh_all()

    def _announce_warnings(self) -> None:
        """Show parser warnings once, as one notification rather than a wall of text."""
        warnings = self.digest.warnings
        if not warnings:
            return
        shown = "\n".join(warnings[:3])
        if len(warnings) > 3:
            shown += f"\n… and {len(warnings) - 3} more (digest-reader --dump shows them all)"
        self.notify(shown, title="Digest warnings", severity="warning", timeout=8, markup=False)

    # -- drawing ----------------------------------------------------------------

    def _math(self, text: str) -> str:
        """LaTeX shown as Unicode, unless the config asks for raw LaTeX."""
        return text if self.config.raw_latex else to_unicode(text)

    def _row_info(self, paper: Paper) -> RowInfo:
        title = self._math(paper.title)
        return RowInfo(
            title=title,
            read=self._is_read(paper.id),
            starred=self.store.is_starred(paper.id),
            interesting=self._is_interesting(paper),
            highlights=highlight_spans(title, self.search_query) if self.search_query and self.search_query.highlights else [],
        )

    def _starred_papers(self) -> list[Paper]:
        return [star.paper for star in self.store.stars()]

    @staticmethod
    def _interests_of(config: Config) -> Interests | None:
        return Interests(config.interests, config.authors) if config.interests or config.authors else None

    def _interest_matches(self, paper: Paper) -> list[str]:
        if self._interests is None:
            return []
        found = self._interest_cache.get(paper.id)
        if found is None:
            found = self._interest_cache[paper.id] = self._interests.matches(paper)
        return found

    def _is_interesting(self, paper: Paper) -> bool:
        return bool(self._interest_matches(paper))

    def _search(self, papers: list[Paper]) -> list[Paper]:
        """The papers among ``papers`` that match the query (the index knows the digest's papers)."""
        assert self.search_query is not None
        if self.section_key == STARRED:  # snapshots, some from other days: not in the digest's index
            index, among, source = SearchIndex(papers), None, papers
        else:
            if self._index is None:
                return []  # the worker is indexing: _index_ready shows the result
            index, positions = self._index
            among, source = [positions[paper.id] for paper in papers], self.digest.papers
        found = index.filter(self.search_query, is_read=self._is_read, is_starred=self.store.is_starred, among=among)
        return [source[position] for position in found]

    def _visible(self) -> list[Paper]:
        return self.library.visible(
            self.section_key,
            self.filters,
            is_read=self._is_read,
            is_interesting=self._is_interesting,
            starred=self._starred_papers() if self.section_key == STARRED else (),
        )

    def _sync_read(self) -> None:
        """Ask the store about every paper on show (after a load, or another instance's save)."""
        ids = [paper.id for paper in self.digest.papers] + [paper.id for paper in self._starred_papers()]
        self._read_here = {paper_id for paper_id in ids if self.store.is_read(paper_id)}

    def _is_read(self, paper_id: str) -> bool:
        return paper_id in self._read_here

    def _mark_read(self, paper_ids: Iterable[str], read: bool) -> list[str]:
        """Change read marks in the store, keeping the read set in step; returns what changed."""
        paper_ids = list(paper_ids)
        changed = self.store.mark_read_many(paper_ids) if read else self.store.mark_unread_many(paper_ids)
        if read:
            self._read_here.update(paper_ids)
        else:
            self._read_here.difference_update(paper_ids)
        return changed

    def _refresh_all(self, keep: str | None = None) -> None:
        """Redraw sidebar, list and header after the digest or marks changed."""
        self._refresh_sidebar()
        self._refresh_list(keep)

    def _refresh_list(self, keep: str | None = None, *, from_top: bool = False) -> None:
        """Redraw list, header and detail after a filter changed (the sidebar counts whole sections).

        The cursor stays on paper ``keep``, else on the paper it was on unless ``from_top``.
        """
        current = self.paper_list.current
        if keep is None and not from_top and current is not None:
            keep = current.id
        papers = self._visible()
        self.paper_list.empty_message = self._empty_message()
        self.paper_list.show(papers, keep=keep)
        self._refresh_header()
        self._follow_cursor()

    def _refresh_sidebar(self) -> None:
        counts = self.library.counts(
            is_read=self._is_read,
            is_interesting=self._is_interesting if self._interests else None,
            starred=self._starred_papers(),
        )
        self.sections.show_entries(counts, self.section_key)

    def _refresh_header(self) -> None:
        digest = self.digest
        name = digest.name + (" (bundled sample)" if self.sample else "")
        everything = self.sections.entries[0] if self.sections.entries else None
        unread = everything.unread if everything else 0
        parts = [f"{len(digest.papers)} papers", f"{unread} unread", f"{len(digest.sections)} sections"]
        if self.loading:
            parts.append("loading…")
        shown = len(self.paper_list.papers)
        if self.search_query is not None:
            parts.append(f"{shown} match")
        elif self.filters != Filters() or self.section_key != ALL:
            parts.append(f"{shown} shown")
        self.query_one(DigestHeader).show(name, "  ·  ".join(parts))

    def _empty_message(self) -> str:
        if self.loading:
            return "Loading…"
        if not self.digest.papers and self.section_key != STARRED:
            return "This digest has no papers (an empty day)."
        if self.section_key == STARRED and not self.store.stars():
            return "Nothing starred yet: press s on a paper to star it."
        if self.search_query is not None:
            if self._index is None:
                return "Indexing for search…"
            return "No papers match the search (escape clears it)."
        if self.filters.interests_only:
            return "No papers match your interests here (m shows all)."
        return "No papers match (u shows read papers again)." if self.filters.unread_only else "No papers."

    def _show_detail(self, keep_scroll: bool = False) -> None:
        paper = self.paper_list.current
        query = self.search_query
        keywords = [word for word in self._interest_matches(paper) if word in self.config.interests] if paper else []
        options = DetailOptions(
            view=self.view,
            math=self._math,
            highlight=(lambda text: highlight_spans(text, query)) if query and query.highlights else None,
            interest=(lambda text: term_spans(text, keywords)) if keywords else None,
            starred=bool(paper and self.store.is_starred(paper.id)),
            read=bool(paper and self._is_read(paper.id)),
        )
        self.detail.show_paper(paper, options, keep_scroll=keep_scroll)

    # -- messages from widgets ----------------------------------------------------

    @on(PaperList.Highlighted)
    def _paper_highlighted(self, message: PaperList.Highlighted) -> None:
        self._follow_cursor()

    def _follow_cursor(self) -> None:
        """Show the paper under the list's cursor, if the detail pane is not showing it yet.

        Key actions call this at once, so list and detail change in the same frame; the
        list's Highlighted message (a click, a new list) then finds nothing left to do.
        """
        paper = self.paper_list.current
        if paper is not self.detail.paper or paper is None:
            self._show_detail()
            self._schedule_auto_read(paper)

    @on(PaperList.Chosen)
    def _paper_chosen(self, message: PaperList.Chosen) -> None:
        self.action_read_here()

    @on(OptionList.OptionHighlighted, "#sections")
    def _section_highlighted(self, message: OptionList.OptionHighlighted) -> None:
        self._switch_section(self.sections.current_key)

    def _switch_section(self, key: str | None, keep: str | None = None) -> None:
        if key is not None and key != self.section_key:
            self.section_key = key
            self._refresh_list(keep, from_top=True)

    @on(OptionList.OptionSelected, "#sections")
    def _section_selected(self, message: OptionList.OptionSelected) -> None:
        self.paper_list.focus()

    # -- marks ------------------------------------------------------------------

    def _schedule_auto_read(self, paper: Paper | None) -> None:
        """Auto mode: a paper shown for ``mark_read_delay`` seconds becomes read.

        A timer marks it in place; a paper left after the delay but before a busy UI ran
        its timer is marked as it is left (see reader.core.config for the rule).
        """
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        left, since = self._shown
        if left is not None and self.config.mark_read == "auto" and monotonic() - since >= self.config.mark_read_delay:
            self._auto_read(left)
        self._shown = (paper, monotonic())
        if paper is None or self.config.mark_read != "auto" or self._is_read(paper.id):
            return
        self._read_timer = self.set_timer(self.config.mark_read_delay, lambda: self._auto_read(paper))

    def _auto_read(self, paper: Paper) -> None:
        if self._mark_read([paper.id], True):
            self._marks_changed()

    def _marks_changed(self) -> None:
        """Redraw what shows marks; the store saves in the background."""
        self._refresh_sidebar()
        self.paper_list.refresh()
        self._refresh_header()
        self._show_detail(keep_scroll=True)

    # -- actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Pane actions are off while a dialog or the help screen is open."""
        if action in self._pane_actions and self.screen is not self.screen_stack[0]:
            return False
        if action == "search" and isinstance(self.focused, Input):
            return False  # in a text field `/` is a character (old ids: hep-th/9901001)
        if action == "clear_search":
            return self.search_query is not None or self.search_bar.display
        return True

    def action_move(self, delta: int) -> None:
        focused = self.focused
        if focused is self.sections:
            self.action_section(delta)
        elif focused is self.detail:
            self.detail.scroll_relative(y=delta, animate=False)
        else:
            self.paper_list.move_by(delta)
            self._follow_cursor()

    def action_edge(self, last: int) -> None:
        focused = self.focused
        if focused is self.detail:
            self.detail.scroll_end(animate=False) if last else self.detail.scroll_home(animate=False)
        elif focused is self.sections:
            self._select_section(len(self.sections.entries) - 1 if last else 0)
        else:
            self.paper_list.move_to(len(self.paper_list.papers) - 1 if last else 0)
            self._follow_cursor()

    def action_read_here(self) -> None:
        """Enter on a paper: move into its detail pane, where space pages and j/k scroll."""
        self.detail.focus()

    def action_focus_pane(self, direction: int) -> None:
        panes = [self.sections, self.paper_list, self.detail]
        index = panes.index(self.focused) if self.focused in panes else 1
        panes[(index + direction) % len(panes)].focus()

    def action_section(self, delta: int) -> None:
        self._select_section((self.sections.highlighted or 0) + delta)

    def _select_section(self, index: int, keep: str | None = None) -> None:
        """Highlight sidebar line ``index`` (clamped) and show its papers in the same frame,
        from the top or on paper id ``keep``."""
        count = len(self.sections.entries)
        if count:
            with self.sections.prevent(OptionList.OptionHighlighted):
                self.sections.highlighted = max(0, min(count - 1, index))
            self._switch_section(self.sections.current_key, keep)

    def action_page(self, direction: int) -> None:
        self.detail.page(direction)

    def action_toggle_view(self) -> None:
        self.view = "abstract" if self.view == "summary" else "summary"
        self.store.set_setting("detail_view", self.view)
        self._show_detail()

    def _link(self, pdf: bool) -> str | None:
        """The highlighted paper's abstract page (or PDF), if it is an http(s) link.

        Anything else (``javascript:``, ``file:``, no link at all) is refused with a message.
        """
        paper = self.paper_list.current
        if paper is None:
            return None
        url = paper.pdf_url if pdf else paper.url
        if not is_safe_url(url):
            self.notify("This paper has no http(s) link; nothing was opened or copied.", severity="warning")
            return None
        return url

    def action_open_link(self, pdf: bool = False) -> None:
        if url := self._link(pdf):
            self._open_in_browser(url)

    def action_copy_citation(self) -> None:
        paper = self.paper_list.current
        if paper is not None:
            self.copy_to_clipboard(paper.citation)
            self.notify(f"Copied: {paper.citation}", markup=False)

    @work(thread=True, group="browser")
    def _open_in_browser(self, url: str) -> None:
        """Browsers can take seconds to start: never on the UI thread."""
        if self.open_url(url):
            self.call_from_thread(self.notify, f"Opened {url}", markup=False)
        else:
            message = f"No graphical web browser to open {url} (y copies the link)."
            self.call_from_thread(self.notify, message, severity="warning", markup=False)

    def action_copy_link(self) -> None:
        if url := self._link(pdf=False):
            self.copy_to_clipboard(url)
            self.notify(f"Copied {url}", markup=False)

    def action_star(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return
        starred = self.store.toggle_star(paper, self.digest.date or self.digest.name)
        self.notify(("Starred: " if starred else "Unstarred: ") + paper.title, markup=False, timeout=2)
        if self.section_key == STARRED:
            self.paper_list.show(self._visible(), keep=paper.id)
        self._marks_changed()

    def action_toggle_read(self) -> None:
        paper = self.paper_list.current
        if paper is None:
            return
        if self._read_timer is not None:
            self._read_timer.stop()
        self._shown = (None, 0.0)  # the user decided: leaving this paper must not mark it again
        self._mark_read([paper.id], not self._is_read(paper.id))
        self._marks_changed()

    def action_unread_only(self) -> None:
        self._toggle_filter("unread_only", "Showing unread papers only")

    def _toggle_filter(self, name: str, when_on: str) -> None:
        """Flip a boolean filter of :class:`Filters` and say what the list shows now."""
        on = not getattr(self.filters, name)
        self.filters = replace(self.filters, **{name: on})
        self._refresh_list()
        self.notify(when_on if on else "Showing all papers", timeout=2)

    def action_next_unread(self, direction: int) -> None:
        """Jump to the next unread paper in this list, then on into the next sections."""
        papers = self.paper_list.papers
        start = self.paper_list.cursor
        order = range(start + 1, len(papers)) if direction > 0 else range(start - 1, -1, -1)
        for index in order:
            if not self._is_read(papers[index].id):
                self.paper_list.move_to(index)
                self._follow_cursor()
                return
        keys = [entry.key for entry in self.sections.entries if entry.key not in (ALL, STARRED)]
        if self.section_key in keys:
            position = keys.index(self.section_key)
            later = keys[position + 1 :] if direction > 0 else list(reversed(keys[:position]))
            for key in later:
                candidates = self.library.visible(
                    key, self.filters, is_read=self._is_read, is_interesting=self._is_interesting
                )
                unread = [paper for paper in candidates if not self._is_read(paper.id)]
                if unread:
                    target = unread[0] if direction > 0 else unread[-1]
                    self._select_section([entry.key for entry in self.sections.entries].index(key), keep=target.id)
                    return
        self.notify("No more unread papers" + (" below." if direction > 0 else " above."), timeout=2)

    def action_mark_all_read(self) -> None:
        changed = self._mark_read((paper.id for paper in self.paper_list.papers), True)
        if not changed:
            self.notify("Everything here is read already.", timeout=2)
            return
        self._undo_ids = changed
        self._marks_changed()
        self.notify(f"Marked {len(changed)} papers read. Press U to undo.", timeout=8)

    def action_undo(self) -> None:
        if not self._undo_ids:
            self.notify("Nothing to undo.", timeout=2)
            return
        self._mark_read(self._undo_ids, False)
        self.notify(f"{len(self._undo_ids)} papers are unread again.", timeout=3)
        self._undo_ids = []
        self._marks_changed()

    @property
    def search_bar(self) -> SearchBar:
        """The search line: hidden until `/`, but mounted from the start, so the letters
        typed right after `/` reach it (a line mounted on demand let them fall through to
        the list's keys)."""
        return self.query_one(SearchBar)

    def action_search(self) -> None:
        self.search_bar.open()
        self._start_index()

    def action_clear_search(self) -> None:
        bar = self.search_bar
        if bar.display or self.search_query is not None:
            bar.clear()
            self._apply_query(None)
            self.paper_list.focus()

    @on(Input.Changed, "#search-input")
    def _query_typed(self, message: Input.Changed) -> None:
        bar = self.search_bar
        try:
            query = parse_query(message.value)
        except QueryError as error:
            bar.show_error(f"{error.message} (at character {error.position + 1})")
            return
        bar.show_error(None)
        self._apply_query(query if query.terms else None)

    @on(Input.Submitted, "#search-input")
    def _search_done(self, message: Input.Submitted) -> None:
        """Enter keeps the filter and returns to the list (an empty query closes the line)."""
        if self.search_query is not None:
            self.paper_list.focus()
        else:
            self.action_clear_search()

    def _apply_query(self, query: Query | None) -> None:
        self.search_query = query
        self.filters = replace(self.filters, matching=self._search if query else None)
        shown = self.detail.paper
        self._refresh_list()
        if self.detail.paper is shown:
            self._show_detail(keep_scroll=True)  # the same paper: redraw its highlights

    def action_interests_only(self) -> None:
        if self._interests is None:
            self.notify("No interests configured: add `interests` or `authors` to the config file (digest-reader --paths shows where).", timeout=6, markup=False)
            return
        self._toggle_filter("interests_only", "Showing papers that match your interests")

    def action_reload_config(self) -> None:
        """Take edits of the config file; a broken file keeps the previous settings."""
        if self.config_path is None:
            return
        try:
            config = load_config(self.config_path)
        except ConfigError as error:
            self.notify(f"{error}\nThe previous settings stay.", title="Config not reloaded", severity="error", timeout=10, markup=False)
            return
        self.config = config
        if config.mark_read != "auto" and self._read_timer is not None:
            self._read_timer.stop()
        self._interests = self._interests_of(config)
        self._interest_cache = {}
        if not self._interests:
            self.filters = replace(self.filters, interests_only=False)
        self._refresh_all()
        self._show_detail(keep_scroll=True)
        self._match_interests()
        for warning in config.warnings:
            self.notify(warning, title="Config", severity="warning", markup=False)
        self.notify(f"Reloaded {self.config_path}", timeout=3, markup=False)

    def action_export(self) -> None:
        from datetime import date

        from reader.core.export import FORMATS, default_path
        from reader.tui.screens.export import ExportScreen

        stars = self.store.stars()
        if not stars:
            self.notify("Nothing starred yet: press s on a paper to star it.", timeout=3)
            return
        today = date.today()
        targets = {name: default_path(name, self.config.export_dir, today) for name in FORMATS}
        descriptions = {name: fmt.description for name, fmt in FORMATS.items()}
        self.push_screen(ExportScreen(descriptions, targets, len(stars)))

    def on_export_screen_requested(self, message: ExportScreen.Requested) -> None:
        """Render and write (or copy) the starred list; a failure keeps the dialog open."""
        from reader.core.export import ExportError, render, write

        stars = self.store.stars()
        text = render(stars, message.fmt)
        if message.path is None:
            self.copy_to_clipboard(text)
            message.dialog.dismiss(None)
            self.notify(f"Copied {len(stars)} papers as {message.fmt} to the clipboard.", markup=False)
            return
        try:
            write(text, message.path)
        except ExportError as error:
            message.dialog.show_error(str(error))
            return
        message.dialog.dismiss(None)
        self.notify(f"Exported {len(stars)} papers to {message.path}", markup=False)

    def action_show_help(self) -> None:
        self.push_screen(HelpScreen(self.BINDINGS))

    async def action_quit(self) -> None:
        self.store.flush()
        self.exit(0)

    async def action_interrupt(self) -> None:
        await self.action_quit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every key of the table, described as in the footer."""
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.id in ("interrupt", "quit"):
                continue
            yield SystemCommand(
                binding.description,
                f"key: {describe_keys(binding.key, binding.key_display)}",
                lambda action=binding.action: self.run_action(action),
            )

    # -- outside events ---------------------------------------------------------

    def _pick_up_other_instances(self) -> None:
        """Another instance (or a sync tool) may have saved marks: show them."""
        if self.store.refresh():
            self._sync_read()
            self._marks_changed()
        self._show_new_notices()

    def _show_new_notices(self) -> None:
        """Tell the user (once) about store problems, e.g. a save that failed or a file moved aside."""
        for notice in self.store.notices[self._notices_shown :]:
            self.notify(notice, title="Marks", severity="warning", timeout=10, markup=False)
        self._notices_shown = len(self.store.notices)

    def _on_signal(self, signum: int, frame: object) -> None:
        """SIGTERM or a closed terminal (SIGHUP): save the marks, then leave cleanly."""
        self.store.flush()
        self.call_later(self.exit, 0)
