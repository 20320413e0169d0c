"""The marks of the papers at hand and the rules of setting them, with no UI.

Read marks (by hand, all at once, or by the auto-read rule on timestamps passed in), stars,
tags and the built-in Later, notes, and the undo of an "all read" or an unstar. The base of
:class:`~reader.core.session.ReadingSession`, which gives it the papers at hand (``digest``)
and a paper with all its text (``full``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Iterable, NamedTuple

from reader.core.autoread import AutoRead
from reader.core.config import Config
from reader.core.library import Count
from reader.core.model import LATER, Digest, Paper, Star, tag_key
from reader.core.store import MarkStore
from reader.core.store.marks import SHOWN
from reader.core.store.notes import note_text

UNDO_DEPTH = 20
"""How many steps (an "all read", an unstar) ``U`` can take back, newest first."""
AT_ONCE = 0.05
"""A paper due to be read sooner than this after it is shown (``mark_read_delay = 0``) is read as
it is shown: the UI gets no timer of (almost) no time, which Textual cannot run."""


class UndoStep(NamedTuple):
    """What ``U`` takes back: the papers an "all read" marked, or a star that was removed."""

    read_ids: tuple[str, ...] = ()
    star: Star | None = None


class Marking:
    """Marks of the papers at hand: the store's, with the read ones kept in a set for counting."""

    digest: Digest
    """The papers at hand (given by the session)."""
    full: Callable[[Paper], Paper]
    """A paper with all its text, for the snapshot a mark keeps (given by the session)."""

    def __init__(self, store: MarkStore, config: Config) -> None:
        self.store = store
        self.auto_read = AutoRead(config.mark_read_delay, config.mark_read == "auto")
        self._undo: list[UndoStep] = []
        self._read: set[str] = set()
        """Read ids among the digest's and the starred papers: counts ask this set, not the
        store, so a key that changes one mark recounts 10,000 papers in a millisecond."""
        self._read_here: set[str] = set()
        """Papers read since the Inbox was entered: they stay in its list until it is entered again."""
        self._counts: list[Count] | None = None
        """The sidebar's counts, kept until a mark, the digest or the interests change."""

    def starred_papers(self) -> list[Paper]:
        return [star.paper for star in self.store.stars()]

    def tagged_papers(self, name: str = "") -> list[Paper]:
        """The snapshots of the papers with tag ``name`` (any tag: empty), oldest tag first."""
        return [entry.paper for entry in self.store.tagged(name or None)]

    def tag_names(self) -> list[str]:
        """The tags in use, for the sidebar and the tag line's completion (Later always)."""
        names = self.store.tag_names()
        return names if any(tag_key(name) == tag_key(LATER) for name in names) else sorted([*names, LATER], key=tag_key)

    def tags_of(self, paper_id: str) -> tuple[str, ...]:
        return self.store.tags_of(paper_id)

    def toggle_later(self, paper: Paper) -> bool:
        """The Later key: put the built-in Later tag on or take it off; True if now on."""
        self._counts = None
        paper = self.full(paper)
        if self.store.has_tag(paper.id, LATER):
            self.store.remove_tag(paper.id, LATER)
            return False
        self.store.add_tag(paper, LATER, self.digest.date or self.digest.name)
        if self.store.is_read(paper.id):  # a paper from another day joins the papers at hand
            self._read.add(paper.id)
        return True

    def edit_tags(self, paper: Paper, text: str) -> str:
        """The tag line: ``name`` puts a tag on, ``-name`` takes one off; several are separated
        by commas (``later, group meeting, -ml``). Returns what was done, for the user."""
        added, removed = [], []
        paper = self.full(paper)
        for word in text.split(","):
            word = " ".join(word.split())
            if word.startswith("-") and word[1:].strip():
                if self.store.remove_tag(paper.id, word[1:].strip()):
                    removed.append(word[1:].strip())
            elif word and word != "-" and self.store.add_tag(paper, word, self.digest.date or self.digest.name):
                added.append(next(tag for tag in self.store.tags_of(paper.id) if tag_key(tag) == tag_key(word)))
        self._counts = None
        if self.store.is_read(paper.id):
            self._read.add(paper.id)
        parts = [f"tagged {', '.join(added)}"] * bool(added) + [f"untagged {', '.join(removed)}"] * bool(removed)
        said = "; ".join(parts)
        return said[:1].upper() + said[1:] if parts else "No tag changed"

    def note_of(self, paper_id: str) -> str | None:
        return self.store.note_of(paper_id)

    def set_note(self, paper: Paper, text: str, over: object = SHOWN) -> str:
        """The note editor's save: write (or, empty, remove) the paper's note, written ``over`` the
        note the editor opened with; what was done, for the user."""
        had = self.store.note_of(paper.id) is not None
        paper = self.full(paper)  # the snapshot keeps the whole paper
        self._counts = None  # has:note in a saved search
        if not self.store.set_note(paper, text, self.digest.date or self.digest.name, over=over):
            return "Note unchanged"
        note = self.store.note_of(paper.id)
        if note != note_text(text):  # another window changed it since the editor opened
            return "Note saved, and another window's change kept in it" if note_text(text) else "Note kept: another window changed it"
        if note is None:
            return "Note removed"
        return "Note saved" if had else "Note added"

    def sync_read(self) -> None:
        """Ask the store about every paper at hand (after a load, or another instance's save).

        A mark of the paper on show that changed meanwhile came from elsewhere (another
        instance, a synced file): it stands, so this instance's pending timer is dropped.
        """
        on_show = self.auto_read.paper_id
        was_read = on_show in self._read
        ids = [paper.id for paper in (*self.digest.papers, *self.starred_papers(), *self.tagged_papers())]
        self._read = {paper_id for paper_id in ids if self.store.is_read(paper_id)}
        self._counts = None
        if on_show is not None and (on_show in self._read) != was_read:
            self.auto_read.forget()

    def is_read(self, paper_id: str) -> bool:
        return paper_id in self._read

    def is_starred(self, paper_id: str) -> bool:
        return self.store.is_starred(paper_id)

    def mark_read(self, paper_ids: Iterable[str], read: bool) -> list[str]:
        """Change read marks, keeping the read set in step; returns the ids that changed."""
        paper_ids = list(paper_ids)
        changed = self.store.mark_read_many(paper_ids) if read else self.store.mark_unread_many(paper_ids)
        if read:
            self._read.update(paper_ids)
            self._read_here.update(paper_ids)
        else:
            self._read.difference_update(paper_ids)
        self._counts = None
        return changed

    def toggle_read(self, paper: Paper) -> bool:
        """``r``: flip the mark by hand; leaving the paper will not change it again."""
        self.auto_read.forget()
        read = not self.is_read(paper.id)
        self.mark_read([paper.id], read)
        return read

    def toggle_star(self, paper: Paper) -> bool:
        """Star (keeping a full snapshot of the paper) or unstar; True if now starred. An
        unstar can be taken back with :meth:`undo`: the snapshot may be the only copy left
        of a paper from an old digest."""
        self._counts = None
        paper = self.full(paper)  # the snapshot keeps the whole paper
        removed = self.store.star_for(paper.id)
        starred = self.store.toggle_star(paper, self.digest.date or self.digest.name)
        if not starred and removed is not None:
            self._push_undo(UndoStep(star=removed))
        return starred

    def mark_all_read(self, papers: Iterable[Paper]) -> list[str]:
        """``A``: mark ``papers`` read; the ids that changed can be taken back with :meth:`undo`."""
        changed = self.mark_read((paper.id for paper in papers), True)
        if changed:
            self._push_undo(UndoStep(read_ids=tuple(changed)))
        return changed

    def _push_undo(self, step: UndoStep) -> None:
        self._undo = [*self._undo[-(UNDO_DEPTH - 1) :], step]

    def undo(self) -> UndoStep | None:
        """``U``: take back the last "all read" (those papers are unread again) or unstar (the
        star is back as it was); the step taken back, or None if there is none."""
        if not self._undo:
            return None
        step = self._undo.pop()
        if step.star is not None:
            self.store.restore_star(step.star)
            self._counts = None
        else:
            self.mark_read(step.read_ids, False)
        return step

    def show(self, paper: Paper | None, now: float, *, chosen: bool) -> str | None:
        """``paper`` is now in the detail pane, ``chosen`` by the user (a key, a click, enter)
        or landed on (start, section switch, filter, search: it is not read by staying).
        Returns the id of a paper that became read: the one left (shown long enough, before
        the UI's timer ran), or this one when its delay is (about) 0 (see AT_ONCE)."""
        left = self.auto_read.show(paper.id if paper else None, now, already_read=bool(paper and self.is_read(paper.id)), chosen=chosen)
        marked = self._auto_mark(left)
        deadline = self.auto_read.deadline
        if deadline is not None and deadline - now < AT_ONCE:  # no UI timer for (almost) no time: read now
            marked = self._auto_mark(self.auto_read.due(max(deadline, now))) or marked
        return marked

    def read_if_due(self, now: float) -> str | None:
        """The UI's timer fired: mark the paper on show read if its time has come."""
        return self._auto_mark(self.auto_read.due(now))

    def _auto_mark(self, paper_id: str | None) -> str | None:
        """Mark a paper read by the auto rule, only if it is unread: a read mark records the
        intent "read" even where it changes nothing, and that must not be saved over an
        unread that another instance decided meanwhile."""
        if paper_id is None or self.is_read(paper_id):
            return None
        return paper_id if self.mark_read([paper_id], True) else None
