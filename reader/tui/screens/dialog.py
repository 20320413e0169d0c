"""What every dialog shares: its stylesheet, read the first time a dialog opens."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from reader.tui.stylesheets import stylesheet

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal screen styled by ``styles/dialogs.tcss``: the main stylesheet holds only what the
    first frame shows, so a start does not parse the rules of dialogs nobody has opened."""

    CSS_PATH = stylesheet("dialogs.tcss")
