"""The keys that take a paper's link out of the reader: open it, or copy it or its citation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from textual import work
from textual.message import Message

from reader.core.sanitize import is_safe_url

if TYPE_CHECKING:
    from reader.tui.widgets.paper_list import PaperList


def web_browser(url: str) -> bool:
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


class LinkActions:
    """``o``, ``p``, ``y`` and ``Y`` for a screen with a ``paper_list`` and an ``open_url``."""

    paper_list: PaperList
    open_url: Callable[[str], object]
    say: Callable[..., None]

    class BrowserDone(Message):
        """A browser started (``opened``) or could not be found for ``url`` (from a worker thread)."""

        def __init__(self, url: str, opened: bool) -> None:
            super().__init__()
            self.url = url
            self.opened = opened

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
        if not (url := self._link(pdf)):
            return
        if self.app.is_web:  # served to a browser (--serve): the viewer's browser opens it, not the server's
            self.app.open_url(url)
            self.say(f"Opened {url} in a new tab")
        else:
            self._open_in_browser(url)

    @work(thread=True, group="browser")
    def _open_in_browser(self, url: str) -> None:
        """Browsers can take seconds to start: never on the UI thread."""
        self.post_message(self.BrowserDone(url, bool(self.open_url(url))))  # posting is thread-safe and never waits

    def on_link_actions_browser_done(self, message: BrowserDone) -> None:
        if message.opened:
            self.say(f"Opened {message.url}")
        else:
            self.notify(f"No graphical web browser to open {message.url} (y copies the link).", severity="warning", markup=False)

    def action_copy_link(self) -> None:
        if url := self._link(pdf=False):
            self.app.copy_to_clipboard(url)
            self.say(f"Copied {url}")

    def action_copy_citation(self) -> None:
        paper = self.paper_list.current
        if paper is not None:
            self.app.copy_to_clipboard(paper.citation)
            self.say(f"Copied: {paper.citation}")
