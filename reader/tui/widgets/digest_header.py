"""The one-line header: which digest is open and its counts, as plain text."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class DigestHeader(Static):
    """Shows ``digest-reader · <name> · counts``; digest text never becomes markup."""

    COMPONENT_CLASSES = {"digest-header--app", "digest-header--name"}

    def show(self, name: str, details: str) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" digest-reader ", style=self.get_component_rich_style("digest-header--app"))
        text.append(f" {name} ", style=self.get_component_rich_style("digest-header--name"))
        text.append(f" {details}")
        self.update(text, layout=False)
