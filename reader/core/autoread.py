"""The auto-read rule, on timestamps the caller passes in, so it is tested with a fake clock.

A paper the user chose (moved to with a key or the mouse, or opened) and then kept on
show for ``delay`` seconds becomes read: the UI sets a timer for :attr:`AutoRead.deadline`
and calls :meth:`AutoRead.due` when it fires. A paper the reader landed on by itself (the
start, a section switch, a filter, a search) is only on show: it is not read until chosen. A paper left after
the delay, before a busy UI ran its timer, is marked as it is left. A paper the user
marked by hand (``r``), a paper whose timer fired, and a paper that was read when it was shown
are never marked again by leaving it, however often the UI shows it again while it stays on
show (a redraw, a load that grew, marks from another instance): only showing another paper
starts a new showing.
"""

from __future__ import annotations

TIMER_SLACK = 0.001
"""A UI timer may fire a hair before its deadline by the clock it is compared with."""


class AutoRead:
    """Which shown paper is on its way to being read, and since when."""

    def __init__(self, delay: float, enabled: bool = True) -> None:
        self.delay = delay
        self.enabled = enabled
        self._paper_id: str | None = None
        self._since = 0.0
        self._pending = False
        self._chosen = False

    def configure(self, delay: float, enabled: bool) -> None:
        """New settings (the config was reloaded): manual mode drops the pending mark."""
        self.delay, self.enabled = delay, enabled
        if not enabled:
            self._pending = False

    @property
    def paper_id(self) -> str | None:
        """The paper on show."""
        return self._paper_id

    @property
    def deadline(self) -> float | None:
        """When the paper on show becomes read, or None if it will not."""
        return self._since + self.delay if self._pending else None

    def show(self, paper_id: str | None, now: float, *, already_read: bool, chosen: bool = True) -> str | None:
        """``paper_id`` is now on show (None: nothing is), ``chosen`` by the user or landed on.
        Returns the id of the paper left behind if it was shown long enough to count as
        read, for the caller to mark.

        The paper already on show shown again is the same showing: its clock and its done
        state stay (a redraw must not re-arm a timer that fired, or restart one that runs),
        unless it was only landed on and is now chosen: then its clock starts."""
        if paper_id is not None and paper_id == self._paper_id:
            if chosen and not self._chosen:
                self._chosen, self._since = True, now
                self._pending = self.enabled and not already_read
            return None
        left = self._paper_id if self._pending and self.enabled and now - self._since >= self.delay - TIMER_SLACK else None
        self._paper_id, self._since, self._chosen = paper_id, now, chosen
        self._pending = paper_id is not None and self.enabled and not already_read and chosen
        return left

    def due(self, now: float) -> str | None:
        """The paper on show, if its time has come (the timer fired); it is then done."""
        deadline = self.deadline
        if deadline is None or now < deadline - TIMER_SLACK:
            return None
        self._pending = False
        return self._paper_id

    def forget(self) -> None:
        """The user decided this paper's mark by hand: leaving it must not change it."""
        self._pending = False
