"""The year benchmark of the inbox (issue 14): ``python benchmarks/run.py --year``.

A generated year (:mod:`gen_year`: 365 days, about 100,000 papers, 350 MB) is opened as one
folder, as ``digest-reader FOLDER`` opens it, with its index (the SQLite cache) in a temporary
file:

- cold build: a fresh index; first paint (the newest day's first title on screen, from the
  spawn, in tmux as in run.py, after one warm-up start of the day alone), the time until every
  day is read (the header's ``N/365 days read`` is gone) and the peak RSS then; keys answered
  while it builds (``j``, Pilot, in a child process, from the first paint until the load is
  over: the time to the first frame after the key, as the load's own frames follow);
- warm start: the index built; first paint of the year against the first paint of its newest
  day alone (``digest-reader DAY.md``), and the peak RSS once idle;
- keys at a year (Pilot, warm): ``j``, ``[``/``]``, a section switch (``l`` down the sidebar
  of days), a search keystroke (``model`` typed and erased), as run.py measures keys;
- the full-text index: the time to make every day searchable after the cold build.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gen_year
import run
from run import FrameClock, Target, Tmux, fmt_mb, fmt_s, med, ratio, title_probe, verdict, worst


def build_app(state_dir: Path, folder: Path, cache: Path):
    from reader.core.archive.days import DaySource
    from reader.core.config import Config
    from reader.core.store import MarkStore
    from reader.tui.app import DigestReader

    return DigestReader(
        store=MarkStore.open(state_dir / "state.toml"), config=Config(mark_read="manual"), config_path=state_dir / "config.toml",
        open_url=lambda url: True, days=DaySource([folder]), index_path=cache,
    )


async def key_session(kind: str, folder: Path, cache: Path, presses: int) -> dict[str, list]:
    results: dict[str, list] = {}
    with tempfile.TemporaryDirectory(prefix="digest-bench-year-") as temp:
        app = build_app(Path(temp), folder, cache)
        async with app.run_test(size=(run.WIDTH, run.HEIGHT)) as pilot:
            clock = FrameClock(app)
            while not app.main.paper_list.papers:
                await pilot.pause(0.01)
            if kind == "cold":  # the key's own frame is the first after it: later ones are the load's
                times = []
                while app.session.loading and len(times) < presses * 4:
                    seen, start = len(clock.frames), time.perf_counter()
                    await pilot.press("j")
                    while len(clock.frames) == seen and time.perf_counter() - start < 5:
                        await asyncio.sleep(0.001)
                    times.append(clock.frames[seen] - start if len(clock.frames) > seen else None)
                    await asyncio.sleep(0.05)
                results["j while building"] = times
                results["days read when measured"] = [sum(1 for day in app.session.library.archive.days if not day.pending)]
            else:
                while app.session.loading:
                    await pilot.pause(0.1)
                await app.workers.wait_for_complete()
                await clock.settle()
                results["j"] = [await clock.press(pilot, "j") for _ in range(presses)]
                results["["] = [await clock.press(pilot, "left_square_bracket") for _ in range(presses)]
                results["]"] = [await clock.press(pilot, "right_square_bracket") for _ in range(presses)]
                app.main.sections.focus()
                await clock.settle()
                results["l"] = [await clock.press(pilot, "l") for _ in range(presses)]
                app.main.paper_list.focus()
                await pilot.press("slash")
                await clock.settle()
                app.focused.cursor_blink = False
                keys = ["m", "o", "d", "e", "l"] + ["backspace"] * 5
                results["search"] = [await clock.press(pilot, keys[i % len(keys)]) for i in range(presses)]
            app.exit()
        app.store.close()
    return results


def keys_in_child(kind: str, folder: Path, cache: Path, presses: int) -> dict[str, list]:
    args = [run.PYTHON, str(Path(__file__).resolve()), "--keys-worker", kind, str(folder), str(cache), str(presses)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=run.ROOT, env=run.CHILD_ENV)
    lines = [line for line in done.stdout.splitlines() if line.startswith("KEYS ")]
    if done.returncode != 0 or not lines:
        return {"error": [" | ".join((done.stderr or done.stdout).strip().splitlines()[-6:])]}
    return json.loads(lines[-1][5:])


def measure(table, log, quick: bool) -> None:
    log("year: generating 365 days (cached in benchmarks/generated/)")
    folder = gen_year.ensure()
    size = sum(path.stat().st_size for path in folder.glob("*.md"))
    newest = sorted(folder.glob("*.md"))[-1]
    probe = title_probe(gen_year.newest_first_title())
    year = Target("a year", folder, expect=probe)
    day = Target("its newest day", newest, expect=probe)
    temp = tempfile.TemporaryDirectory(prefix="digest-bench-year-")
    cache = Path(temp.name) / "index.sqlite3"
    tmux = Tmux()
    try:
        tmux.launch(day, measure_rss=False)  # a warm-up: compiled modules cached, files in the page cache
        log("year: cold build (a fresh index)")
        cold_paint, cold_rss, cold_done = tmux.launch(year, measure_rss=True, env_extra={"DIGEST_READER_CACHE": str(cache)}, gone="days read")
        searchable_cache = Path(temp.name) / "searchable.sqlite3"
        log("year: keys while building (a second fresh index, in a child)")
        building = keys_in_child("cold", folder, searchable_cache, 15 if quick else 40)
        log("year: the full-text pass of the first index")
        from reader.core.archive.index import ArchiveIndex

        fts_began = time.perf_counter()
        ArchiveIndex(cache).make_searchable()
        fts = time.perf_counter() - fts_began
        rounds = 2 if quick else 5
        log(f"year: warm first paint, {rounds} rounds against the newest day alone")
        for round_ in range(rounds + 1):
            for target in (day, year):
                paint, _, _ = tmux.launch(target, measure_rss=False, env_extra={"DIGEST_READER_CACHE": str(cache)})
                if round_:
                    target.paint.append(paint)
        _, warm_rss, warm_loaded = tmux.launch(year, measure_rss=True, env_extra={"DIGEST_READER_CACHE": str(cache)})
    finally:
        tmux.close()
    presses = 15 if quick else 50
    log(f"year: keys at a year, {presses} presses each")
    keys = keys_in_child("warm", folder, cache, presses)
    temp.cleanup()

    table.section(f"6. A year as one inbox ({len(list(folder.glob('*.md')))} days, {size / 1e6:.0f} MB, generated; index in SQLite)")
    table.row("cold: first paint (newest day readable)", fmt_s(cold_paint), "", "", "< 1 s", verdict(cold_paint < 1.0), "fresh index")
    table.row("cold: every day read and indexed", fmt_s(cold_done), "", "", "< 60 s", verdict(cold_done < 60), f"peak RSS then {fmt_mb(cold_rss)}")
    table.row("cold: full-text (FTS5 trigram) pass after it", fmt_s(fts), "", "", "", "", "search scans the stored text until it is done")
    if "error" in building:
        table.row("cold: j while building", "—", note=building["error"][0])
    else:
        values = building["j while building"]
        table.row("cold: j while building, median / worst", f"{fmt_s(med(values))} / {fmt_s(worst(values))}", "", "", "median < 50 ms", verdict(None if med(values) is None else med(values) < 0.05), f"{len(values)} presses, to the key's frame")
    year_paint, day_paint = med(year.paint), med(day.paint)
    table.row("warm: first paint of the year", fmt_s(year_paint), fmt_s(day_paint), ratio(year_paint, day_paint), "<= 1.5x one day", verdict(None if year_paint is None or day_paint is None else year_paint <= 1.5 * day_paint), "floor: its newest day alone")
    table.row("warm: peak RSS when idle", fmt_mb(warm_rss), "", "", "< 250 MB", verdict(None if warm_rss is None else warm_rss < 250), f"loaded (idle) {fmt_s(warm_loaded)} after spawn")
    if "error" in keys:
        table.row("keys at a year", "—", note=keys["error"][0])
        return
    names = {"j": "j", "[": "[ (older day)", "]": "] (newer day)", "l": "l (next sidebar entry)", "search": "search keystroke"}
    for key, name in names.items():
        m, w = med(keys[key]), worst(keys[key])
        limit = 0.05 if key == "search" else 0.016
        table.row(f"key {name} at a year, median / worst", f"{fmt_s(m)} / {fmt_s(w)}", "", "", f"median < {limit * 1000:.0f} ms", verdict(None if m is None else m < limit))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--keys-worker"]:
        kind, folder, cache, presses = sys.argv[2:6]
        print("KEYS " + json.dumps(asyncio.run(key_session(kind, Path(folder), Path(cache), int(presses)))))
