"""Every key of the reader, declared once: the footer, the help screen (``?``) and the
command palette all read this table.

:data:`READING_KEYS` belong to the main screen, so a dialog (a screen of its own) switches
them off just by being open. :data:`GLOBAL_KEYS` work on every screen and belong to the app.
"""

from __future__ import annotations

from textual.binding import Binding

READING_KEYS: list[Binding] = [
    # The keys of every morning first: the footer shows them in this order, and the help
    # screen lists them before the rest, so they fit 80x24 without scrolling.
    Binding("n", "next_unread(1)", "Next unread", id="next-unread"),
    Binding("N", "next_unread(-1)", "Previous unread", id="previous-unread", show=False),
    Binding("s", "star", "Star", id="star"),
    Binding("t", "toggle_view", "Summary/Abstract", id="toggle-view"),
    Binding("slash", "search", "Search", id="search", key_display="/", priority=True),
    Binding("escape", "back", "Back", id="back"),
    Binding("e", "export", "Export", id="export"),
    Binding("question_mark", "show_help", "Help", id="help", key_display="?"),
    Binding("q", "back_or_quit", "Quit", id="quit"),
    Binding("j,down", "move(1)", "Down", id="down", show=False),
    Binding("k,up", "move(-1)", "Up", id="up", show=False),
    Binding("g,home", "edge(0)", "First", id="first", show=False),
    Binding("G,end", "edge(1)", "Last", id="last", show=False),
    Binding("enter", "read_here", "Read in the detail pane", id="read-here", show=False),
    Binding("space,pagedown", "page(1)", "Page down", id="page-down", show=False),
    Binding("b,pageup", "page(-1)", "Page up", id="page-up", show=False),
    Binding("l,right", "section(1)", "Next section", id="next-section", show=False),
    Binding("h,left", "section(-1)", "Previous section", id="previous-section", show=False),
    Binding("left_square_bracket", "day(-1)", "Previous day", id="previous-day", key_display="[", show=False),
    Binding("right_square_bracket", "day(1)", "Next day", id="next-day", key_display="]", show=False),
    Binding("tab", "focus_pane(1)", "Next pane", id="next-pane", show=False, priority=True),
    Binding("shift+tab", "focus_pane(-1)", "Previous pane", id="previous-pane", show=False, priority=True),
    Binding("r", "toggle_read", "Read", id="toggle-read", show=False),
    Binding("u", "unread_only", "Unread only", id="unread-only", show=False),
    Binding("A", "mark_all_read", "All read", id="mark-all-read", show=False),
    Binding("U", "undo", "Undo all read or unstar", id="undo", show=False),
    Binding("m", "interests_only", "Interests", id="interests-only", show=False),
    Binding("o", "open_link", "Open", id="open", show=False),
    Binding("p", "open_link(True)", "Open PDF", id="open-pdf", show=False),
    Binding("y", "copy_link", "Copy link", id="copy-link", show=False),
    Binding("Y", "copy_citation", "Copy citation", id="copy-citation", show=False),
    Binding("z", "zoom", "Zoom the detail pane", id="zoom", show=False),
    Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="toggle-sidebar", show=False),
    Binding("ctrl+r", "app.reload_config", "Reload config", id="reload-config", show=False),
    Binding("T", "tag", "Tags: add or remove", id="tag", show=False),
    Binding("L", "toggle_later", "Later", id="toggle-later", show=False),
    Binding("a", "note", "Note: write or edit", id="note", show=False),
    Binding("M", "toggle_muted", "Muted: show or hide", id="toggle-muted", show=False),
    Binding("S", "save_search", "Save the search", id="save-search", show=False),
]

GLOBAL_KEYS: list[Binding] = [
    Binding("ctrl+c", "quit", "Quit", id="interrupt", show=False, priority=True),
]

ALL_KEYS: list[Binding] = [*READING_KEYS, *GLOBAL_KEYS]
"""The whole table, in the order the help screen lists it."""
