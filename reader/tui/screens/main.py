"""The main screen: three panes over the reading session, and the reading keys.

It owns the layout and :data:`reader.tui.keys.READING_KEYS`. Every key and click becomes a
call on the :class:`ReadingSession`; the screen then draws what the session says. Rules
(what is listed, what is read, where ``n`` goes) live in the session, not here.
"""

from __future__ import annotations

from time import monotonic
from typing import Callable, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from reader.core.model import Paper
from reader.core.session import ReadingSession
from reader.tui.keys import READING_KEYS
from reader.tui.filtering import FilterActions
from reader.tui.links import LinkActions
from reader.tui.marking import MarkActions
from reader.tui.noting import NoteActions
from reader.tui.saving import SaveSearchActions
from reader.tui.searching import SearchActions
from reader.tui.tagging import TagActions
from reader.tui.widgets.digest_header import DigestHeader
from reader.tui.widgets.paper_detail import PaperDetail, detail_options
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.search_bar import SearchBar
from reader.tui.widgets.section_list import SectionList

class MainScreen(LinkActions, SearchActions, MarkActions, FilterActions, TagActions, NoteActions, SaveSearchActions, Screen[None]):
    """Sidebar, paper list and detail pane; the reading keys."""

    BINDINGS: ClassVar[list[BindingType]] = list(READING_KEYS)
    status_scale = 1.0
    """How long status messages stay, as a multiple (snapshot tests keep them for good)."""
    AUTO_FOCUS = "#papers"
    """The list has the focus from the first frame, so keys act on the first paper at once."""

    def __init__(self, session: ReadingSession, *, sample: bool = False, open_url: Callable[[str], object]) -> None:
        super().__init__()
        self.session = session
        self.sample = sample
        self.open_url = open_url
        """Opens a link in a browser; True if one started (tests pass a recorder)."""
        self._read_timer: Timer | None = None
        self._on_show: Paper | None = None
        """The list's paper the detail pane shows (the pane may hold a fuller copy of it)."""
        self._resumed = False
        """The list has shown papers once (from where the digest was left): later empty lists
        (a search that matches nothing) need not look that up again."""

    def compose(self) -> ComposeResult:
        yield DigestHeader(id="header")
        with Horizontal(id="panes"):
            yield SectionList(id="sections")
            with Vertical(id="reading"):
                yield SearchBar(self.query_typed, id="search")
                with Container(id="body"):
                    yield PaperList(self.session.row, id="papers")
                    yield PaperDetail(id="detail")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p is in the help (?)

    def on_mount(self) -> None:
        self.refresh_all()

    def on_resize(self, event: events.Resize) -> None:
        """Fit the terminal: styles/reader.tcss says what each size class changes."""
        width, height = event.size
        self.set_class(width < 100, "-narrow")  # a narrower sidebar
        self.set_class(width < 70, "-tiny")  # narrower still
        self.set_class(width >= 160, "-wide")  # list and detail side by side
        self.set_class(height < 30, "-short")  # the detail pane gets more of the height

    def action_toggle_sidebar(self) -> None:
        hidden = not self.has_class("-sidebar-hidden")
        self.set_class(hidden, "-sidebar-hidden")
        if hidden and self.focused is self.sections:
            self.paper_list.focus()

    def action_zoom(self) -> None:
        """The detail pane takes the whole window, or gives it back."""
        zoomed = not self.has_class("-zoom")
        self.set_class(zoomed, "-zoom")
        (self.detail if zoomed else self.paper_list).focus()
        self._follow_cursor(chosen=zoomed)

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
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    # -- drawing what the session says -------------------------------------------

    def refresh_all(self) -> None:
        """Redraw sidebar, list, header and detail (a new digest, marks from elsewhere)."""
        self._refresh_sidebar()
        self.refresh_list()

    def refresh_list(self, keep: str | None = None) -> None:
        """Redraw list, header and detail after a filter changed; the cursor stays on paper
        ``keep``, else on the paper it was on; the first papers shown (the start, a load) start
        where this digest was left, else on its first unread paper."""
        current = self.paper_list.current
        if keep is None and current is not None:
            keep = current.id
        elif keep is None and not self._resumed:
            keep = self.session.start_paper()
        self.paper_list.empty_message = self.session.empty_message()
        self.paper_list.show(self.session.visible(), keep=keep)
        self._resumed = self._resumed or bool(self.paper_list.papers)
        self._refresh_header()
        self._follow_cursor()

    def marks_changed(self) -> None:
        """Redraw what shows marks; the store saves in the background."""
        self._refresh_sidebar()
        self.paper_list.refresh_marks()
        self._refresh_header()
        self.show_detail(keep_scroll=True)

    def _refresh_sidebar(self) -> None:
        self.sections.show_entries(self.session.counts(), self.session.scope)

    def _refresh_header(self) -> None:
        self.query_one(DigestHeader).show(*self.session.header(len(self.paper_list.papers), sample=self.sample))

    def say(self, message: str, seconds: float = 3.0) -> None:
        """A short message on the header's status line (toasts would cover the text being read),
        for ``seconds`` times :attr:`status_scale`."""
        self.query_one(DigestHeader).say(message, seconds * self.status_scale)

    def show_detail(self, keep_scroll: bool = False) -> None:
        paper = self._on_show = self.paper_list.current
        self.detail.show_paper(self.session.full(paper) if paper else None, detail_options(self.session, paper), keep_scroll=keep_scroll)

    def _follow_cursor(self, *, chosen: bool = False) -> None:
        """Show the paper under the cursor if the detail pane is not showing it yet: key
        actions call this at once, so list and detail change in the same frame. ``chosen``:
        the user went to this paper (a key, a click), so staying on it makes it read."""
        paper = self.paper_list.current
        if paper is not self._on_show or paper is None:
            self.show_detail()
            self._shown(paper, chosen)
        elif chosen:
            self._shown(paper, chosen)

    def _shown(self, paper: Paper | None, chosen: bool) -> None:
        """Tell the auto-read rule what is on show, and time the paper's read mark."""
        if self._read_timer is not None:
            self._read_timer.stop()
        if self.session.show(paper, monotonic(), chosen=chosen):
            self.marks_changed()
        deadline = self.session.auto_read.deadline
        if deadline is not None:
            self._read_timer = self.set_timer(max(deadline - monotonic(), 0), self._read_due)

    def _read_due(self) -> None:
        if self.session.read_if_due(monotonic()):
            self.marks_changed()

    # -- messages from widgets ---------------------------------------------------

    @on(PaperList.Highlighted)
    def _paper_highlighted(self) -> None:
        self._follow_cursor()

    @on(PaperList.Chosen)
    def _paper_chosen(self) -> None:
        self.action_read_here()

    @on(SectionList.Chosen)
    def _section_chosen(self, message: SectionList.Chosen) -> None:
        """A click on a section: show its papers and go to them."""
        self._select_section(message.index)
        self.paper_list.focus()

    def _switch_scope(self, key: str | None, keep: str | None = None) -> None:
        """Show sidebar entry ``key``: on paper ``keep``, else on the paper on show if the entry
        lists it, else from the top."""
        if key is not None and self.session.select(key):
            self._refresh_sidebar()  # an archive's day counts the categories anew
            self.refresh_list(keep)

    def _select_section(self, index: int, keep: str | None = None) -> None:
        """Highlight sidebar line ``index`` (clamped) and show its papers in the same frame,
        on paper id ``keep`` or as :meth:`_switch_scope` says."""
        if self.sections.entries:
            self.sections.highlight(index)
            self._switch_scope(self.sections.current_key, keep)

    # -- navigation ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search" and isinstance(self.focused, Input):
            return False  # in a text field `/` is a character (old ids: hep-th/9901001)
        if action == "back":  # shown only when there is somewhere to go back from
            return self.focused is self.detail or self.session.query is not None or self.search_bar.display
        return True

    def action_back(self) -> None:
        """escape: out of the detail pane to the list, else clear the search (as in mutt)."""
        if self.focused is self.detail:
            self.paper_list.focus()
        else:
            self.action_clear_search()

    async def action_back_or_quit(self) -> None:
        """q: out of the detail pane to the list; from anywhere else, quit."""
        if self.focused is self.detail:
            self.paper_list.focus()
        else:
            await self.app.run_action("quit")

    def action_move(self, delta: int) -> None:
        if self.focused is self.sections:
            self.action_section(delta)
        elif self.focused is self.detail:
            self.detail.scroll_relative(y=delta, animate=False)
            self._follow_cursor(chosen=True)  # reading it
        else:
            self.paper_list.move_by(delta)
            self._follow_cursor(chosen=True)

    def action_edge(self, last: int) -> None:
        if self.focused is self.detail:
            self.detail.scroll_end(animate=False) if last else self.detail.scroll_home(animate=False)
        elif self.focused is self.sections:
            self._select_section(len(self.sections.entries) - 1 if last else 0)
        else:
            self.paper_list.move_to(len(self.paper_list.papers) - 1 if last else 0)
            self._follow_cursor(chosen=True)

    def action_read_here(self) -> None:
        """Enter on a paper: move into its detail pane, where space pages and j/k scroll;
        enter on a section: move to its papers."""
        if self.focused is self.sections:
            self.paper_list.focus()
        else:
            self.detail.focus()
            self._follow_cursor(chosen=True)

    def action_focus_pane(self, direction: int) -> None:
        panes = [self.sections, self.paper_list, self.detail]
        index = panes.index(self.focused) if self.focused in panes else 1
        panes[(index + direction) % len(panes)].focus()

    def action_section(self, delta: int) -> None:
        self._select_section(self.sections.highlighted + delta)

    def action_day(self, direction: int) -> None:
        """``[``/``]``: the older or newer day of an archive (a category stays, on that day)."""
        target = self.session.step_day(direction)
        if target is None:
            self.say("No older day." if direction < 0 else "No newer day.")
        elif target == self.session.scope:
            self.refresh_all()
        else:
            self._select_section([entry.key for entry in self.sections.entries].index(target))

    def action_page(self, direction: int) -> None:
        self.detail.page(direction)
        self._follow_cursor(chosen=True)  # reading it

    def action_next_unread(self, direction: int) -> None:
        """Jump to the next unread paper in this list, then on into the next sections."""
        target = self.session.next_unread(self.paper_list.papers, self.paper_list.cursor, direction)
        if target is None:
            self.say("No more unread papers" + (" below." if direction > 0 else " above."))
        elif target[0] == self.session.scope:
            self.paper_list.move_to(next(i for i, paper in enumerate(self.paper_list.papers) if paper.id == target[1]))
            self._follow_cursor(chosen=True)
        else:
            self._select_section([entry.key for entry in self.sections.entries].index(target[0]), keep=target[1])
            self._follow_cursor(chosen=True)

    # -- settings and dialogs ---------------------------------------------------------

    def settings_changed(self) -> None:
        """The session took a reloaded config: redraw, and drop a timer manual mode forbids."""
        if self._read_timer is not None and self.session.auto_read.deadline is None:
            self._read_timer.stop()
        self.refresh_all()
        self.show_detail(keep_scroll=True)

    def action_show_help(self) -> None:
        from reader.tui.screens.help import HelpScreen  # not needed to start

        self.app.push_screen(HelpScreen())

    def action_export(self) -> None:
        from reader.tui.screens.export import ExportScreen

        stars = self.session.store.stars()
        if not stars:
            self.say("Nothing starred yet: s on a paper stars it.")
            return
        tags = {star.paper.id: self.session.tags_of(star.paper.id) for star in stars}
        export = ExportScreen(stars, self.session.config.export_dir, tags, self.session.store.notes())
        self.app.push_screen(export, self._exported)

    def _exported(self, message: str | None) -> None:
        if message:
            self.say(message, 6)
