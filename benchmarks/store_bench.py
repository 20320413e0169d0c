"""How long the mark store takes to load and to save as the reading history grows.

``python benchmarks/store_bench.py`` prints two tables; :func:`run` returns the rows of the first
for a bigger benchmark. Each size is a state file with that many read marks (real-looking arXiv
ids over twelve years of months) and 200 full stars, in a temporary folder. The second table
(:func:`run_tags_notes`) is a state of 20,000 read marks and 200 stars plus that many tagged papers
(three tags each, from a dozen names) and as many papers with a note (three lines), every one with
its full snapshot as the store keeps it.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script, or imported by a benchmark elsewhere
    sys.path.insert(0, str(ROOT))

from reader.core.model import Paper
from reader.core.store import MarkStore

SIZES = ((1_000, "1k"), (20_000, "20k"), (200_000, "200k"))
TAGGED_SIZES = ((1_000, "1k"), (3_000, "3k"), (5_000, "5k"))
TAG_NAMES = ("Later", "group meeting", "cite in ch. 3", "ML", "read again", "reviewers", "ablation", "survey", "code", "dataset", "teaching", "Ana")
STARS = 200
ROUNDS = 5
MONTHS = [f"{year:02d}{month:02d}" for year in range(15, 27) for month in range(1, 13)]


def paper_ids(count: int, rng: random.Random) -> list[str]:
    """Distinct ids like 2601.10802, spread over every month (about 25k papers a month)."""
    ids: set[str] = set()
    while len(ids) < count:
        ids.add(f"{rng.choice(MONTHS)}.{rng.randrange(25_000):05d}")
    return list(ids)


def paper(paper_id: str, rng: random.Random) -> Paper:
    """A paper with text of the lengths real digests have (a long abstract, five summary lines)."""
    words = "model's data \"robust\" learning 多模态 graph diffusion agents λ-calculus benchmark".split()

    def text(count: int) -> str:
        return " ".join(rng.choice(words) for _ in range(count))

    return Paper(
        id=paper_id,
        title=text(12),
        version="v1",
        url=f"https://arxiv.org/abs/{paper_id}",
        authors=tuple(f"Author {rng.randrange(10_000)}" for _ in range(rng.randrange(1, 12))),
        category="cs.CL",
        tldr=text(30),
        motivation=text(40),
        method=text(40),
        result=text(40),
        conclusion=text(30),
        abstract=text(120) + "\n" + text(80),
        extra=(("Keywords", text(6)),),
    )


def median_time(action: Callable[[], object]) -> float:
    """Median seconds of ROUNDS runs after one warm-up."""
    action()
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(count: int, folder: Path) -> tuple[float, float]:
    """(load, save) seconds for a state file of ``count`` read marks and STARS stars."""
    rng = random.Random(count)
    path = folder / f"state-{count}.toml"
    ids = paper_ids(count + STARS, rng)
    setup = MarkStore.open(path, save_delay=None)
    setup.mark_read_many(ids[:count])
    for paper_id in ids[count:]:
        setup.star(paper(paper_id, rng), "2026-01-16")
    setup.close()

    def load() -> None:
        MarkStore.open(path, save_delay=None).close()

    store = MarkStore.open(path, save_delay=None, cache=folder / f"state-{count}.pickle")
    toggle = ids[0]

    def save() -> None:  # one mark changes, then the whole file is written
        store.toggle_read(toggle)
        store.flush()

    try:
        return median_time(load), median_time(save)
    finally:
        store.close()


def measure_tags_notes(count: int, folder: Path) -> tuple[float, float, float, int]:
    """(load, load with the parse cache, save seconds, file bytes) for 20k read marks, STARS
    stars, ``count`` tagged papers with three tags each and ``count`` noted papers (half of them
    also tagged). "load" parses the TOML (a start after another instance or a hand edit wrote
    the file); "cached" is a start after this reader saved it (see reader/core/store/parsecache.py)."""
    rng = random.Random(count)
    path = folder / f"tagged-{count}.toml"
    ids = paper_ids(20_000 + STARS + 2 * count, rng)
    setup = MarkStore.open(path, save_delay=None)
    setup.mark_read_many(ids[:20_000])
    for paper_id in ids[20_000 : 20_000 + STARS]:
        setup.star(paper(paper_id, rng), "2026-01-16")
    tagged = ids[20_000 + STARS : 20_000 + STARS + count]
    noted = tagged[: count // 2] + ids[20_000 + STARS + count : 20_000 + STARS + count + count - count // 2]
    snapshots = {paper_id: paper(paper_id, rng) for paper_id in dict.fromkeys([*tagged, *noted])}
    for paper_id in tagged:
        for name in rng.sample(TAG_NAMES, 3):
            setup.add_tag(snapshots[paper_id], name, "2026-01-16")
    for paper_id in noted:
        setup.set_note(snapshots[paper_id], f"Why: {paper_id} matters.\nAsk about the ablation.\nCite in chapter {rng.randrange(9)}.", "2026-01-16")
    setup.close()

    cache = folder / f"tagged-{count}.pickle"

    def load() -> None:
        MarkStore.open(path, save_delay=None).close()

    def load_cached() -> None:
        MarkStore.open(path, save_delay=None, cache=cache).close()

    store = MarkStore.open(path, save_delay=None, cache=cache)
    assert len(store.tagged()) == count and len(store.noted()) == count
    note = noted[0]

    def save() -> None:  # one note changes, then the whole file is written
        store.set_note(snapshots[note], f"edited {time.perf_counter()}")
        store.flush()

    try:
        saving = median_time(save)  # each save also writes the parse cache
        return median_time(load), median_time(load_cached), saving, path.stat().st_size
    finally:
        store.close()


def run_tags_notes() -> list[tuple[str, float, float, float, int]]:
    """(size label, load seconds, cached load seconds, save seconds, file bytes) for each of TAGGED_SIZES."""
    with tempfile.TemporaryDirectory(prefix="store-bench-") as folder:
        return [(label, *measure_tags_notes(count, Path(folder))) for count, label in TAGGED_SIZES]


def run() -> list[tuple[str, float, float]]:
    """(size label, load seconds, save seconds) for each size."""
    with tempfile.TemporaryDirectory(prefix="store-bench-") as folder:
        return [(label, *measure(count, Path(folder))) for count, label in SIZES]


def main() -> None:
    print(f"{'read marks':>10} {'+stars':>6} {'load (s)':>9} {'save (s)':>9}")
    for label, load, save in run():
        print(f"{label:>10} {STARS:>6} {load:9.4f} {save:9.4f}")
    print()
    print(f"{'tagged':>10} {'noted':>6} {'tags':>6} {'load (s)':>9} {'cached (s)':>10} {'save (s)':>9} {'file (MB)':>9}   (+20k read, {STARS} stars)")
    for (count, _), (label, load, cached, save, size) in zip(TAGGED_SIZES, run_tags_notes()):
        print(f"{label:>10} {label:>6} {3 * count:>6} {load:9.4f} {cached:10.4f} {save:9.4f} {size / 2**20:9.1f}")


if __name__ == "__main__":
    main()
