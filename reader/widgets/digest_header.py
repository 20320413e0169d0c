"""The one-line header: which digest is open and its counts, as plain text."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class DigestHeader(Static):
    """Shows ``digest-reader · <name> · counts``; digest text never becomes markup."""

    def show(self, name: str, details: str) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" digest-reader ", style="bold reverse")
        text.append(f" {name} ", style="bold")
        text.append(f" {details}")
        self.update(text, layout=False)
