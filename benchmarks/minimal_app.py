"""The floor of the benchmark: the smallest Textual app, started and measured like digest-reader.

One Static showing ``BENCH-READY``; ``x`` changes its text (the floor of key latency),
``q`` quits. ``python benchmarks/minimal_app.py``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

WORD = "BENCH-READY"


class MinimalApp(App[int]):
    BINDINGS = [("x", "bump", "Bump"), ("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static(WORD, id="word")

    def action_bump(self) -> None:
        self.count += 1
        self.query_one("#word", Static).update(f"{WORD} {self.count}")


if __name__ == "__main__":
    MinimalApp().run()
