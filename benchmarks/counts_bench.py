"""The sidebar's recount at a year, with interests, mute rules and saved searches:
``python benchmarks/counts_bench.py [DAYS]`` (365 by default; about 20 s).

The sidebar is counted again on every mark and every day switch. A synthetic archive (DAYS days
of 300 papers, 50 of them repeated from the day before, in eight categories) is read by a
session with two interest keywords (matched beforehand, as the app's background matching does),
one mute rule and, in further passes, each saved search of ``SEARCHES``; 20,000 papers are read. Printed: the median time of ``counts()`` after a read mark
(15 marks) and after a star (5 stars: the muted ids change), and the first count (which builds
what the later ones keep).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from reader.core.archive.days import DayFile
from reader.core.archive.inbox import merge
from reader.core.config import Config
from reader.core.finding import PaperIndex
from reader.core.model import Digest, Paper, Section
from reader.core.session import ReadingSession
from reader.core.store import MarkStore

PER_DAY, REPEATED = 300, 50
CATEGORIES = ["cs.CV", "cs.CL", "cs.LG", "cs.AI", "stat.ML", "eess.IV", "cs.RO", "cs.IR"]
WORDS = ["diffusion", "transformer", "graph", "robot", "retrieval", "language", "vision", "policy", "kernel", "quantum"]
SEARCHES = {"narrow": "kernel cat:cs.RO", "broad": "graph", "unread": "robot is:unread"}


def year(days: int):
    """The archive of ``days`` synthetic days, newest first."""
    loaded, before, number = [], [], 0
    for day in range(days):
        date = f"{2025 + day // 336}-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}"
        papers = before[:REPEATED]
        while len(papers) < PER_DAY:
            number += 1
            category = CATEGORIES[number % len(CATEGORIES)]
            abstract = f"We study {WORDS[number * 7 % 10]} and {WORDS[number * 3 % 10]}."
            papers.append(Paper(id=f"26{number // 100000:02d}.{number % 100000:05d}", title=f"A {WORDS[number % 10]} study {number}", authors=(f"Author {number % 97}",), category=category, abstract=abstract, categories=(category,)))
        before = papers[REPEATED:]
        sections: dict[str, list[Paper]] = {}
        for paper in papers:
            sections.setdefault(paper.category, []).append(paper)
        digest = Digest(name=date, date=date, sections=[Section(name, listed) for name, listed in sections.items()], papers=papers, entries=[(paper.category, paper) for paper in papers])
        loaded.append((DayFile(Path(f"/year/{date}.md"), date, 1, 1), digest))
    loaded.sort(key=lambda pair: pair[0].date, reverse=True)
    return merge("year", loaded)


def measure(archive, searches: dict[str, str]) -> tuple[float, float, float]:
    """(first count, median after a read mark, median after a star) in ms."""
    store = MarkStore.open(Path(tempfile.mkdtemp()) / "state.toml")
    config = Config(mark_read="manual", interests=["diffusion", "robot"], mute=["quantum"], searches=searches)
    session = ReadingSession(store, config, archive)
    session.install_index(PaperIndex.build(archive.papers))
    session.cache_interests(session.interests, {paper.id: session.interests.matches(paper) for paper in archive.papers})  # as the app's worker does
    session.mark_read([paper.id for paper in archive.papers[:20_000]], True)

    def count() -> float:
        began = time.perf_counter()
        session.counts()
        return (time.perf_counter() - began) * 1000

    first = count()
    after_read = []
    for paper in archive.papers[30_000:30_015]:
        session.toggle_read(paper)
        after_read.append(count())
    after_star = []
    for paper in archive.papers[40_000:40_005]:
        session.toggle_star(paper)
        after_star.append(count())
    store.close()
    return first, statistics.median(after_read), statistics.median(after_star)


def main() -> None:
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 365
    archive = year(days)
    print(f"{len(archive.papers):,} papers over {days} days; interests, a mute rule, 20,000 read")
    print(f"{'saved searches':<34} {'first count':>12} {'after a read':>13} {'after a star':>13}")
    for label, searches in [("none", {}), *((f'"{query}"', {name: query}) for name, query in SEARCHES.items())]:
        first, read, star = measure(archive, searches)
        print(f"{label:<34} {first:>9.1f} ms {read:>10.1f} ms {star:>10.1f} ms")


if __name__ == "__main__":
    main()
