"""The sidebar: `All`, each section of the digest, and `Starred`, with their counts."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.library import Count


class SectionList(OptionList):
    """Sections with their counts on the same line (``cs.CV  12/35``); markup never applies."""

    COMPONENT_CLASSES = {"section-list--count"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._entries: list[Count] = []

    @property
    def entries(self) -> list[Count]:
        return self._entries

    @property
    def current_key(self) -> str | None:
        if self.highlighted is None or not self._entries:
            return None
        return self._entries[self.highlighted].key

    def show_entries(self, entries: list[Count], current: str | None) -> None:
        """Replace the lines, keeping the highlight on ``current`` when it is still there."""
        if entries == self._entries:
            return
        keys = [entry.key for entry in entries]
        if keys == [entry.key for entry in self._entries]:
            # Same sections, new counts (a mark changed): redraw only the lines that differ.
            for index, (old, new) in enumerate(zip(self._entries, entries, strict=True)):
                if old != new:
                    self.replace_option_prompt_at_index(index, self._prompt(new))
            self._entries = entries
            return
        self._entries = entries
        self.set_options(Option(self._prompt(entry), id=None) for entry in entries)
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = keys.index(current) if current in keys else 0

    def _prompt(self, entry: Count) -> Table:
        """``label  unread/total`` with the count at the right edge, whatever the width."""
        count = f"{entry.unread}/{entry.total}" if entry.unread != entry.total else str(entry.total)
        if entry.interesting:
            count = f"◆{entry.interesting} {count}"
        line = Table.grid(expand=True)
        line.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        line.add_column(justify="right", no_wrap=True, style=self.get_component_rich_style("section-list--count"))
        line.add_row(Text(entry.label), Text(count))
        return line
