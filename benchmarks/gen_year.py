"""Generate a year of daily digests for the inbox benchmark: ``python benchmarks/gen_year.py``.

365 files ``YYYY-MM-DD.md`` (2025-12-01 ... 2026-11-30) of ``PER_DAY`` papers each in the
format of :mod:`gen_digest`; each day repeats the last ``REPEATS`` papers of the day before
(as arXiv's weekend digests do), so about 100,000 papers, each once, in about 350 MB. Nothing
is random. Cached in ``benchmarks/generated/year-…/`` (gitignored) with a ``.stamp``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import gen_digest

DAYS = 365
PER_DAY = 325
REPEATS = 50
LAST_DAY = date(2026, 11, 30)
VERSION = 1


def day_dates(days: int = DAYS) -> list[str]:
    """The dates of the year, oldest first."""
    return [(LAST_DAY - timedelta(days=days - 1 - number)).isoformat() for number in range(days)]


def ensure(days: int = DAYS, per_day: int = PER_DAY) -> Path:
    """The folder of the generated year, made now unless an up-to-date one is there."""
    folder = gen_digest.OUT_DIR / f"year-{days}x{per_day}"
    stamp = folder / ".stamp"
    expected = f"v{VERSION} {gen_digest._stamp(per_day)}"
    if stamp.exists() and stamp.read_text() == expected:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for number, day in enumerate(day_dates(days)):
        (folder / f"{day}.md").write_text(gen_digest.render(per_day, start=number * (per_day - REPEATS)), encoding="utf-8")
    stamp.write_text(expected)
    return folder


def newest_first_title(per_day: int = PER_DAY, days: int = DAYS) -> str:
    """The title the Inbox shows first: the newest day's first paper."""
    entries = gen_digest.source_entries()
    entry = entries[((days - 1) * (per_day - REPEATS)) % len(entries)]
    return gen_digest._HEADING.fullmatch(entry.split("\n", 1)[0])["title"]


if __name__ == "__main__":
    made = ensure()
    size = sum(path.stat().st_size for path in made.glob("*.md"))
    print(f"{made}  {DAYS} days, {size / 1e6:.0f} MB")
