"""How long the mark store takes to load and to save as the reading history grows.

``python benchmarks/store_bench.py`` prints a table; :func:`run` returns the rows for a bigger
benchmark. Each size is a state file with that many read marks (real-looking arXiv ids over
twelve years of months) and 200 full stars, in a temporary folder.
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

    store = MarkStore.open(path, save_delay=None)
    toggle = ids[0]

    def save() -> None:  # one mark changes, then the whole file is written
        store.toggle_read(toggle)
        store.flush()

    try:
        return median_time(load), median_time(save)
    finally:
        store.close()


def run() -> list[tuple[str, float, float]]:
    """(size label, load seconds, save seconds) for each size."""
    with tempfile.TemporaryDirectory(prefix="store-bench-") as folder:
        return [(label, *measure(count, Path(folder))) for count, label in SIZES]


def main() -> None:
    print(f"{'read marks':>10} {'+stars':>6} {'load (s)':>9} {'save (s)':>9}")
    for label, load, save in run():
        print(f"{label:>10} {STARS:>6} {load:9.4f} {save:9.4f}")


if __name__ == "__main__":
    main()
