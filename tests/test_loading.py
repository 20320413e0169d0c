"""Opening a digest: day sources (which file a path means), open_digest, and the background Loader.

The Loader is driven with a fake ``deliver`` and, where timing matters, a fake clock; tests wait
on events with a generous timeout that only a hung load reaches, never a speed limit.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from test_parse import catch

from reader.core import loading
from reader.core.loading import LoadUpdate, Loader, open_digest
from reader.core.model import DigestError
from reader.core.parse import load
from reader.core.sources import digest_file, find_digest

CORPUS = Path(__file__).parent / "corpus"
TODAY = CORPUS / "today.md"
NEWEST = CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2026-06-02.md"
HUNG = 60.0
"""Seconds after which a load that has not finished counts as hung."""


def big_digest(folder: Path, papers: int = 3_000) -> Path:
    """A generated digest of ``papers`` entries in four sections, with one paper repeated at the end."""
    sections = ["cs.CV", "cs.CL", "cs.AI", "cs.LG"]
    parts = ["# Daily 2026-07-01\n\n"]
    for number in range(1, papers + 1):
        if (number - 1) % (papers // len(sections)) == 0:
            parts.append(f"# {sections[(number - 1) * len(sections) // papers]} [[Back]](#toc)\n\n")
        parts.append(f"### [{number}] [Paper {number}](https://arxiv.org/abs/2607.{number:05d})\n*A, B*\n\n"
                     f"TL;DR: summary {number}\n\nAbstract: abstract {number}\n\n")
    parts.append("### [1] [Paper 1](https://arxiv.org/abs/2607.00001)\n*A, B*\n\nMotivation: filled late\n")
    path = folder / f"big_{papers}.md"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def outcome(digest):
    """Everything a parse produces, comparable with ==."""
    return digest.name, digest.date, digest.papers, digest.sections, digest.entries, digest.warnings


class Deliveries:
    """A fake ``deliver``: keeps every update, with its entry count when it came, and signals the last."""

    def __init__(self, then=None) -> None:
        self.updates: list[LoadUpdate] = []
        self.counts: list[int] = []
        self.threads: list[tuple[int, str, bool]] = []
        self.done = threading.Event()
        self.then = then

    def __call__(self, update: LoadUpdate) -> None:
        thread = threading.current_thread()
        self.threads.append((update.load_id, thread.name, thread.daemon))
        self.updates.append(update)
        self.counts.append(len(update.digest.entries) if update.digest else -1)
        if self.then:
            self.then(update)
        if update.done:
            self.done.set()

    def wait(self) -> list[LoadUpdate]:
        """The updates once the last has come; fails at once if the load's thread died without it."""
        for _ in range(int(HUNG / 0.05)):
            if self.done.wait(0.05):
                break
            if not any(thread.name.startswith("digest-load-") for thread in threading.enumerate()) and not self.done.is_set():
                pytest.fail("the load's thread ended without a last update (it raised)")
        else:
            pytest.fail("the load hung")
        for load_id, name, daemon in self.threads:
            assert daemon, "a load never keeps the process alive"
            assert name == f"digest-load-{load_id}", "a load's thread is named after it (for thread dumps)"
        return self.updates


def ticking() -> Callable[[], float]:
    """A clock that moves a second every time it is read: with a refresh of a second, every batch
    comes exactly the interval after the last update, and is due."""
    ticks = iter(range(10**9))
    return lambda: float(next(ticks))


# --- day sources --------------------------------------------------------------------------------


def test_a_folder_means_its_newest_digest(tmp_path):
    assert find_digest(CORPUS) == digest_file(CORPUS) == NEWEST
    for age, name in enumerate(["d_2026-05-21.jsonl", "d_2026-05-21_AI_enhanced.jsonl", "d_2026-05-21.md", "d_2026-05-20.md"]):
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (1_000_000 - age, 1_000_000 - age))  # the raw crawl is the newest file
    assert find_digest(tmp_path).name == "d_2026-05-21.md"
    (tmp_path / "d_2026-05-21.md").unlink()
    assert find_digest(tmp_path).name == "d_2026-05-21_AI_enhanced.jsonl", "the AI-enhanced records before the raw crawl"
    (tmp_path / "d_2026-05-21_AI_enhanced.jsonl").unlink()
    assert find_digest(tmp_path).name == "d_2026-05-21.jsonl"


def test_a_folder_without_dates_means_its_newest_file(tmp_path):
    for age, name in enumerate(["README.md", "new.md", "old.md", "older.md"]):
        path = tmp_path / name
        path.write_text("x")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))
    (tmp_path / "sub.md").mkdir()
    assert find_digest(tmp_path).name == "new.md"


def test_a_file_means_itself_and_a_bad_path_says_why(tmp_path):
    assert digest_file(TODAY) == TODAY
    with pytest.raises(DigestError, match="missing.md: no such file or directory"):
        digest_file(tmp_path / "missing.md")
    with pytest.raises(DigestError, match=r": cannot read \(File name too long\)$"):
        digest_file(tmp_path / ("x" * 5_000))
    assert catch(find_digest, TODAY) == f"{TODAY}: cannot list (Not a directory)"
    (tmp_path / "notes.txt").write_text("hi")
    os.mkfifo(tmp_path / "2026-01-01.md")
    with pytest.raises(DigestError, match=r": no digest \(\*\.md or \*\.jsonl\) in this directory$"):
        digest_file(tmp_path)


# --- open_digest --------------------------------------------------------------------------------


def test_open_digest_parses_a_small_file_now(tmp_path):
    assert outcome(open_digest(TODAY)) == outcome(load(TODAY))
    assert outcome(open_digest(CORPUS)) == outcome(load(NEWEST))


def test_open_digest_leaves_a_big_file_to_the_loader(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "BACKGROUND_PARSE_BYTES", TODAY.stat().st_size)
    assert outcome(open_digest(TODAY)) == outcome(load(TODAY)), "a file of exactly the limit is parsed now"
    monkeypatch.setattr(loading, "BACKGROUND_PARSE_BYTES", TODAY.stat().st_size - 1)
    assert open_digest(TODAY) == TODAY
    (tmp_path / "notes.md").write_text("prose, no digest, but checked only when parsed")
    monkeypatch.setattr(loading, "BACKGROUND_PARSE_BYTES", 10)
    assert open_digest(tmp_path / "notes.md") == tmp_path / "notes.md"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.md", "missing.md: no such file or directory"),
        (lambda tmp: tmp, "no digest (*.md or *.jsonl) in this directory"),
        (lambda tmp: written(tmp / "image.md", b"\x89PNG\x00" * 10), "image.md is not a digest (binary file)"),
        (lambda tmp: written(tmp / "notes.md", b"# Notes\n\nJust prose.\n"), "notes.md is not a digest (no papers found)"),
    ],
)
def test_open_digest_refuses_with_one_line(tmp_path, make, message):
    with pytest.raises(DigestError) as raised:
        open_digest(make(tmp_path))
    assert str(raised.value).endswith(message) and "\n" not in str(raised.value)


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the Loader -----------------------------------------------------------------------------------


def test_updates_come_in_order_tagged_and_end_with_the_whole_digest(tmp_path):
    path = big_digest(tmp_path)
    deliveries = Deliveries()
    loader = Loader(deliveries, first_batch=100, refresh_seconds=1.0, clock=ticking())
    assert loader.current is None, "no load is wanted before the first starts"
    load_id = loader.start(path)
    assert loader.current == load_id
    updates = deliveries.wait()
    assert [update.load_id for update in updates] == [load_id] * len(updates)
    assert [update.done for update in updates] == [False] * (len(updates) - 1) + [True]
    assert all(update.error is None for update in updates)
    assert deliveries.counts[:3] == [100, 200, 300] and deliveries.counts[-1] == 3_001
    assert deliveries.counts == sorted(deliveries.counts)
    assert outcome(updates[-1].digest) == outcome(load(path))
    kept = [len(update.digest.entries) for update in updates]
    assert kept == deliveries.counts, "every snapshot still holds what it held when delivered"
    assert updates[0].digest.papers[0].motivation is None, "the repeat at the end filled only later snapshots"
    assert updates[-1].digest.papers[0].motivation == "filled late"


def test_updates_wait_for_the_refresh_interval(tmp_path):
    path = big_digest(tmp_path)
    deliveries = Deliveries()
    Loader(deliveries, first_batch=60, refresh_seconds=0.5, clock=lambda: 7.0).start(path)
    deliveries.wait()
    assert deliveries.counts == [60, 3_001], "the first screenful, then nothing until the end"


def test_a_small_file_comes_in_one_update(tmp_path):
    deliveries = Deliveries()
    loader = Loader(deliveries, first_batch=200)
    load_id = loader.start(TODAY)
    (update,) = deliveries.wait()
    assert (update.load_id, update.done, update.error) == (load_id, True, None)
    assert outcome(update.digest) == outcome(load(TODAY))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: written(tmp / "notes.md", b"# Notes\n\nJust prose.\n"), "notes.md is not a digest (no papers found)"),
        (lambda tmp: tmp / "gone.md", "gone.md: no such file or directory"),
    ],
)
def test_a_failed_load_ends_with_an_error_update(tmp_path, make, message):
    deliveries = Deliveries()
    loader = Loader(deliveries)
    load_id = loader.start(make(tmp_path))
    (update,) = deliveries.wait()
    assert (update.load_id, update.digest, update.done) == (load_id, None, True)
    assert update.error.endswith(message) and "\n" not in update.error


def test_a_cancelled_load_stops_reading_and_delivers_nothing_more(tmp_path, monkeypatch):
    path = big_digest(tmp_path)
    steps, closed = [], threading.Event()
    real = loading.iter_progress

    def counted(*args, **kwargs):
        progress = real(*args, **kwargs)

        def steps_taken():
            try:
                for step in progress:
                    steps.append(step.entry_count)
                    yield step
            finally:
                closed.set()

        return steps_taken()

    monkeypatch.setattr(loading, "iter_progress", counted)
    deliveries = Deliveries(then=lambda update: loader.cancel())
    loader = Loader(deliveries, first_batch=60)
    loader.start(path)
    assert closed.wait(HUNG), "the cancelled load never let go of the file"
    assert deliveries.counts == [60] and loader.current is None
    assert steps == [60, 120], "it stopped at the batch after the cancel"


def test_starting_a_load_cancels_the_one_before(tmp_path):
    path = big_digest(tmp_path)
    restarted: list[int] = []
    restarting = threading.Event()

    def restart_once(update: LoadUpdate) -> None:
        if not restarting.is_set():  # the first update is the big load's; set before the new load can deliver
            restarting.set()
            restarted.append(loader.start(TODAY))

    deliveries = Deliveries(then=restart_once)
    loader = Loader(deliveries, first_batch=60)
    first = loader.start(path)
    deliveries.wait()
    (second,) = restarted
    assert [(update.load_id, update.done) for update in deliveries.updates] == [(first, False), (second, False), (second, True)]
    assert loader.current == second != first
    assert outcome(deliveries.updates[-1].digest) == outcome(load(TODAY))
