"""How long matching many interests takes on a big digest: one automaton against one search per term.

``python benchmarks/interests_bench.py [PAPERS] [INTERESTS]`` (default 100,000 papers, 4,000
interests) prints the seconds the interest matching of the whole digest takes (what the app's
worker does once a digest is loaded), with the interests of ``Interests`` (short keywords looked
up by word, the longer ones in one compiled trie regex, authors by a word of their name) and with
the rule applied one configured term at a time, as it was before. The one-term-at-a-time figure
is measured on a slice of the papers and scaled, since on the whole digest it runs for minutes.

The papers are the real corpus (532 + 128 papers) repeated under new ids; the interests are
two-word phrases and acronyms drawn from its own words, so some match and most do not.
Nothing is random from run to run (a fixed seed).

One run on the 2-core development machine (2026-11-29, loaded by other work):

| papers | interests | one automaton | one search per term |
|---|---|---|---|
| 10,000 | 3,894 keywords, 400 authors | 4.0 s | 1,442 s (scaled from 1,000 papers) |
| 100,000 | 3,894 keywords, 400 authors | 64 s | 16,932 s, 4.7 hours (scaled) |

About a third of the automaton's time is folding each paper's text (case, accents, width), which one
interest costs as well; the word lookup and the trie regex take the rest.
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reader.core.model import Paper
from reader.core.parse import load
from reader.core.search import (
    _FIELD_BREAK,
    Interests,
    _content,
    _keyword_pattern,
    _name_words,
    fold,
)

CORPUS = ROOT / "tests" / "corpus"
SLICE = 1_000
"""Papers the one-term-at-a-time rule is timed on (then scaled to the whole digest)."""


def papers(count: int) -> list[Paper]:
    real = load(CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2026-06-02.md").papers + load(CORPUS / "today.md").papers
    return [real[n % len(real)]._replace(id=f"2607.{n:05d}") for n in range(count)]


def interests(count: int, sample: list[Paper], rng: random.Random) -> tuple[list[str], list[str]]:
    words = sorted({word for paper in sample for word in re.findall(r"[a-z]{5,}", (paper.abstract or "").lower())})
    acronyms = sorted({word for paper in sample for word in re.findall(r"\b[A-Z]{2,4}\b", paper.title)})
    keywords = {f"{rng.choice(words)} {rng.choice(words)}" for _ in range(count * 9 // 10)}
    keywords |= {rng.choice(acronyms) for _ in range(count // 20)} | set(rng.sample(words, count // 20))
    names = sorted({author for paper in sample for author in paper.authors})
    return sorted(keywords), rng.sample(names, min(len(names), count // 10))


def one_term_at_a_time(keywords: list[str], authors: list[str], paper: Paper) -> list[str]:
    content = fold(_FIELD_BREAK.join(_content(paper)))
    found = [word for word in keywords if _keyword_pattern(word).search(content)]
    names = [_name_words(author) for author in paper.authors]
    return found + [name for name in authors if any(_name_words(name) <= have for have in names)]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    terms = int(sys.argv[2]) if len(sys.argv) > 2 else 4_000
    digest = papers(count)
    keywords, authors = interests(terms, digest[:660], random.Random(11))
    start = time.perf_counter()
    automaton = Interests(keywords, authors)
    built = time.perf_counter() - start
    start = time.perf_counter()
    matched = sum(bool(automaton.matches(paper)) for paper in digest)
    automaton_time = time.perf_counter() - start
    part = digest[:SLICE]
    start = time.perf_counter()
    same = all(one_term_at_a_time(keywords, authors, paper) == automaton.matches(paper) for paper in part)
    loop_time = (time.perf_counter() - start) / len(part) * count
    print(f"{count:,} papers, {len(keywords):,} keywords and {len(authors):,} authors; {matched:,} papers match")
    print("| method | time for the digest |\n|---|---|")
    print(f"| one automaton (built in {built:.2f} s) | {automaton_time:.1f} s |")
    print(f"| one search per term (scaled from {len(part):,} papers) | {loop_time:.0f} s |")
    print(f"same answers on the slice: {same}")


if __name__ == "__main__":
    main()
