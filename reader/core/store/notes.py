"""Notes in memory: an edit of a note, and how it goes on top of a state another instance changed.

A note is one text per paper, so "the last op wins" would lose words: an edit carries the note it
was written over (its ``base``). On a state whose note is still that base (or already the new
text, or gone) the edit simply applies. On a state where another instance changed the note
meanwhile, both are kept: this edit's text, then :data:`CONFLICT_MARK`, then the other text. A
note cleared here but edited elsewhere keeps the other edit. Either way the paper is reported as a
conflict, so the user is told. Applied to a newer state, an edit becomes one over that state's
note (the merged one after a conflict), so it is merged once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from reader.core.model import Noted
from reader.core.sanitize import clean

if TYPE_CHECKING:
    from reader.core.store.marks import State

CONFLICT_MARK = "\n\n──── the same note, as edited in another window at the same time ────\n"
"""Put between this instance's note and the other instance's when both changed it."""


class NoteEdit(NamedTuple):
    """A note written (``text``), or cleared (None), over the note this instance showed (``base``)."""

    text: str | None
    base: str | None
    snapshot: Noted
    """The paper's entry to start from when the state has none (another instance may have cleared it)."""


def note_text(text: str) -> str | None:
    """A typed or pasted note as it is kept: no control characters, no trailing blanks; None if empty."""
    lines = [line.rstrip() for line in clean(text.replace("\r\n", "\n"), multiline=True).split("\n")]
    kept = "\n".join(lines).strip("\n")
    return kept if kept.strip() else None


def merged(edit: NoteEdit, current: str | None) -> tuple[str | None, bool]:
    """The note after ``edit`` on a state whose note is ``current``, and whether both had changed it."""
    if current is None or current == edit.base or current == edit.text:
        return edit.text, False
    if edit.text is None:
        return current, True
    return edit.text + CONFLICT_MARK + current, True


def apply_note(state: State, paper_id: str, edit: NoteEdit) -> tuple[NoteEdit, bool]:
    """Put ``edit`` on ``state``: the same edit as one over the state's note, and whether that
    note was another instance's change of it (a conflict)."""
    entry = state.noted.get(paper_id)
    text, conflict = merged(edit, entry.text if entry else None)
    if text is None:
        state.noted.pop(paper_id, None)
        state.raw_noted.pop(paper_id, None)
    elif entry is None:
        state.noted[paper_id] = edit.snapshot._replace(text=text)
        if not isinstance(state.raw_noted.get(paper_id, {}), dict):
            del state.raw_noted[paper_id]  # a table replaces a value that was none
    elif text != entry.text:
        state.noted[paper_id] = entry._replace(text=text)
    current = entry.text if entry else None
    return (edit if current == edit.base else NoteEdit(text, current, edit.snapshot)), conflict


def later_edit(earlier: NoteEdit | None, later: NoteEdit) -> NoteEdit:
    """Two unsaved edits of one note as one: the later text over the note the earlier one was written over."""
    return later if earlier is None else later._replace(base=earlier.base)
