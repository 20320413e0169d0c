"""The digest-reader performance benchmark: ``python benchmarks/run.py`` (``--quick``: fewer runs).

It prints one table. Every figure is the median of several runs after one warm-up run,
printed beside its *floor* (what the same measurement costs for something that does the
least possible work) and the ratio of the two; figures with a target get PASS/FAIL.
Then a scaling table (1k / 10k / 50k generated papers) follows.

Inputs
    ``tests/corpus/today.md`` (128 papers), the 532-paper day
    (``dw-dengwei__daily-arXiv-ai-enhanced__2026-06-02.md``) and generated digests of 1,000,
    10,000 (about 29 MB) and 50,000 papers made by :mod:`gen_digest` (the corpus entries
    repeated with unique arXiv ids and ``[N]`` numbers over eight sections, current format,
    deterministic; cached in ``benchmarks/generated/``, which is gitignored).

1. First paint (measured from outside the process)
    A private tmux server (``tmux -L digest-bench-<pid> -f /dev/null -D``, a child of the
    benchmark; status line off, so the pane is exactly 120x36) runs ``.venv/bin/digest-reader FILE`` in a new detached session
    with ``DIGEST_READER_STATE`` pointing into a fresh temporary folder. The clock starts just
    before ``tmux new-session`` is spawned; ``tmux capture-pane -p`` is polled about every 5 ms
    and the clock stops when a capture shows the start of the first paper's title (the
    moment that capture returned). Floor: the same measurement of ``benchmarks/minimal_app.py``
    (one Static showing ``BENCH-READY``) run by the same Python. Rounds are interleaved
    (every target once per round) so drift hits all targets alike; round 0 is the warm-up. A
    target's ratio is the median of its rounds' ratios (each launch over the floor's launch of
    the same round: interleaved pairs), which a machine that changes speed during the run moves
    less than a ratio of medians.
    Each launch times out after 30 s; every session is killed and every process waited for.
    The reader's caches (``$DIGEST_READER_CACHE``: the parsed stylesheets and the last digest
    opened) are each target's own folder, kept between its launches, so a launch finds what a
    user's next start finds; "today.md, caches cold" starts every launch with an empty one (a
    first start, or a new day's file: its stylesheets and digest are parsed).

2. Parse time (in-process)
    ``reader.core.parse.load(path)`` against the floor ``Path.read_bytes().decode()`` of the same
    file, median of several runs after a warm-up, ``gc.collect()`` before each run.

3. Key latency at 10,000 papers (in-process, Textual Pilot)
    In a separate Python process, the app is built as the tests build it
    (``tests/app_support.make_app`` on a temporary state folder; manual read marking) over the
    parsed 10,000-paper digest and run with ``app.run_test(size=(120, 36))``. Once every worker
    (e.g. the search index build) is finished, ``App._display`` -- which the screen calls with
    each rendered compositor update, i.e. every frame after its changed lines were rendered --
    is wrapped to timestamp each frame. For one press: wait until the app is quiet (no frame
    for 60 ms and nothing dirty, so the 60 fps frame timer is parked and adds no wait), take
    t0, ``await pilot.press(key)``, wait until quiet again; the latency is the time from t0
    to the *last* frame the key caused (a key whose effect spans several frames counts until
    its final frame; the median number of frames per press is printed as a note: a key that
    needs a second frame waits one to two 60 fps frame periods, 17-33 ms, for it). Headless, so writing to a real terminal is not included (the tmux
    figures include it). Keys: ``j`` in the list; ``l`` (next section; after the last real
    section the sidebar is reset to All unmeasured, so every measured press is a section
    switch); ``t`` with the detail pane focused; ``s`` (star/unstar the same paper;
    notifications are cleared unmeasured before each press, so each press shows one toast);
    and, if the app binds an action with id ``search``, keystrokes in the search line opened
    by ``/`` (typing ``model`` then five backspaces, repeated; the input's cursor blink is
    turned off, as its timer would otherwise paint frames). Median and worst over ~50 presses
    each (15 with ``--quick``). Floor: the same measurement of a key of the minimal app that
    changes its Static's text. The 128-paper figure of each key is printed as a note.

4. Peak RSS
    Launched as in 1; after the first paint the benchmark waits until the process is idle
    (its CPU time, from ``/proc/PID/stat``, grows by at most 20 ms over 400 ms, and the screen
    no longer says "loading…"), then reads ``VmHWM`` from ``/proc/PID/status`` and presses
    ``q``. Floor: the minimal app. Target at 10,000: < 2 x minimal app + file size. The time
    from spawn until idle (parse, search index and all) is printed as "loaded".

5. Mark store
    ``benchmarks/store_bench.run()`` (owned by another engineer; only called): load and save
    of state files with 1k, 20k and 200k read marks. It has no floor.

Targets: first paint on today.md <= 1.3 x the minimal app, on 10,000 papers <= 2 x; keys at
10,000: median < 16 ms, worst < 50 ms; peak RSS at 10,000 < 2 x minimal app + file size.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (ROOT, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import gen_digest  # noqa: E402

PYTHON = sys.executable
CORPUS = ROOT / "tests" / "corpus"
TODAY = CORPUS / "today.md"
DAY_532 = CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2026-06-02.md"
WIDTH, HEIGHT = 120, 36
LAUNCH_TIMEOUT = 30.0
POLL = 0.005
QUIET = 0.060
MINIMAL_WORD = "BENCH-READY"
PYCACHE = HERE / "generated" / "pycache"


def child_env(bytecode_cache: bool = True) -> dict[str, str]:
    """The environment of every measured process.

    With ``bytecode_cache`` (the default) compiled modules are cached under
    ``benchmarks/generated/pycache`` (``PYTHONPYCACHEPREFIX``; nothing is written under
    ``reader/``) even when the calling shell sets ``PYTHONDONTWRITEBYTECODE``, so warm starts
    measure what an installed digest-reader does, not recompiling every module from source.
    """
    env = dict(os.environ)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


CHILD_ENV = child_env()


def reader_command(path: Path) -> list[str]:
    script = Path(PYTHON).parent / "digest-reader"
    if script.exists():
        return [str(script), str(path)]
    return [PYTHON, "-m", "reader", str(path)]


def minimal_command() -> list[str]:
    return [PYTHON, str(HERE / "minimal_app.py")]


# --- targets ------------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    path: Path | None  # None: the minimal app
    papers: int = 0
    expect: str = MINIMAL_WORD
    cold: bool = False  # every start with empty caches (no parsed stylesheets, no parsed digest)
    paint: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)  # MB
    loaded: list[float] = field(default_factory=list)  # s from spawn to idle
    errors: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.path.stat().st_size if self.path else 0

    def command(self) -> list[str]:
        return minimal_command() if self.path is None else reader_command(self.path)


def title_probe(title: str) -> str:
    """A prefix of the title that survives any rendering (LaTeX, truncation): plain characters only."""
    probe = []
    for char in title[:40]:
        if not (char.isascii() and (char.isalnum() or char in " :,.'?!()")):
            break
        probe.append(char)
    text = "".join(probe).rstrip()
    return text if len(text) >= 8 else title[:12]


def make_target(label: str, path: Path) -> Target:
    from reader.core.parse import load

    digest = load(path)
    return Target(label, path, len(digest.papers), title_probe(digest.papers[0].title))


def make_cold(path: Path) -> Target:
    """``path`` started as on a first start: the caches (parsed stylesheets and digest) empty."""
    warm = make_target("", path)
    return Target(f"{path.name}, caches cold", path, warm.papers, warm.expect, cold=True)


# --- tmux ------------------------------------------------------------------------------


class LaunchError(Exception):
    pass


class Tmux:
    """A private tmux server; every session and process it starts is ended by :meth:`close`."""

    def __init__(self) -> None:
        if shutil.which("tmux") is None:
            raise LaunchError("tmux is not installed")
        self.base = ["tmux", "-L", f"digest-bench-{os.getpid()}", "-f", "/dev/null"]
        self.count = 0
        self.pids: set[int] = set()
        self.temp = tempfile.TemporaryDirectory(prefix="digest-bench-tmux-")
        # The server runs in the foreground (-D) as this process's child, so it is reaped here
        # and stays up between launches (no launch pays for starting it). It takes its global
        # environment from this Popen.
        self.server = subprocess.Popen(
            [*self.base, "-D"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV
        )
        try:
            deadline = time.perf_counter() + 10
            while subprocess.run([*self.base, "list-sessions"], capture_output=True, env=CHILD_ENV).returncode != 0:
                if self.server.poll() is not None or time.perf_counter() > deadline:
                    raise LaunchError("the tmux server did not start")
                time.sleep(0.01)
            self.run("set-option", "-g", "status", "off")
            self.run("set-option", "-g", "remain-on-exit", "on")
            self.run("set-option", "-g", "exit-empty", "off")
        except BaseException:
            self.close()
            raise

    def run(self, *args: str, check: bool = True) -> str:
        # the server takes its global environment from the client that starts it
        done = subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=10, env=CHILD_ENV)
        if check and done.returncode != 0:
            raise LaunchError(f"tmux {' '.join(args[:2])} failed: {done.stderr.strip()}")
        return done.stdout

    def capture(self, name: str) -> str | None:
        done = subprocess.run([*self.base, "capture-pane", "-p", "-t", name], capture_output=True, text=True, timeout=10, env=CHILD_ENV)
        return done.stdout if done.returncode == 0 else None

    def pane(self, name: str, fmt: str) -> str:
        return self.run("display-message", "-p", "-t", name, fmt).strip()

    def launch(
        self, target: Target, *, measure_rss: bool, env_extra: dict[str, str] | None = None, gone: str | None = None, gone_timeout: float = 600.0
    ) -> tuple[float, float | None, float | None]:
        """(first paint s, peak RSS MB or None, s until idle or None) of one start of ``target``.
        With ``gone``: the third figure is the time until that text left the screen (a build's
        progress), and the RSS is taken then."""
        self.count += 1
        name = f"run{self.count}"
        state = Path(tempfile.mkdtemp(prefix="state-", dir=self.temp.name))
        # the reader's caches: the target's own folder, kept from launch to launch (what a user's
        # next start finds), or a new empty one for a cold target
        cache = state if target.cold else Path(self.temp.name) / f"cache-{target.label}"
        env = ["-e", f"DIGEST_READER_STATE={state / 'state.toml'}", "-e", f"DIGEST_READER_CONFIG={state / 'config.toml'}"]
        env += ["-e", f"DIGEST_READER_CACHE={cache / 'index.sqlite3'}"]
        env += [part for key, value in (env_extra or {}).items() for part in ("-e", f"{key}={value}")]
        pid = None
        try:
            start = time.perf_counter()
            self.run("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(ROOT), *env, *target.command())
            polls = 0
            while True:
                screen = self.capture(name)
                now = time.perf_counter()
                if screen is not None and target.expect in screen:
                    paint = now - start
                    break
                polls += 1
                if now - start > LAUNCH_TIMEOUT:
                    raise LaunchError(f"{target.label}: no first paint within {LAUNCH_TIMEOUT:.0f} s")
                if polls % 20 == 0 and self.pane(name, "#{pane_dead}") == "1":
                    raise LaunchError(f"{target.label}: the process ended before painting:\n{(screen or '').strip()[-800:]}")
                time.sleep(POLL)
            pid = int(self.pane(name, "#{pane_pid}"))
            self.pids.add(pid)
            size = self.pane(name, "#{pane_width}x#{pane_height}")
            if size != f"{WIDTH}x{HEIGHT}":
                raise LaunchError(f"the pane is {size}, not {WIDTH}x{HEIGHT}")
            if not measure_rss:
                return paint, None, None
            loaded = self._wait_gone(name, gone, start, gone_timeout) if gone else self._wait_idle(name, pid, start)
            rss = _vm_hwm(pid)
            self.run("send-keys", "-t", name, "q", check=False)
            self._wait_exit(name, pid, 10.0)
            return paint, rss, loaded
        finally:
            if pid is None:  # failed before the pid was read: still wait for the process to go
                try:
                    pid = int(self.pane(name, "#{pane_pid}"))
                except (LaunchError, ValueError, subprocess.TimeoutExpired):
                    pid = None
            self.run("kill-session", "-t", name, check=False)
            if pid is not None:
                _reap(pid)
                self.pids.discard(pid)
            shutil.rmtree(state, ignore_errors=True)

    def _wait_idle(self, name: str, pid: int, start: float) -> float:
        """Wait until the app has stopped working (CPU time flat, no "loading" on screen); returns s since spawn."""
        samples: list[tuple[float, int]] = []
        last_busy = time.perf_counter()
        tick = os.sysconf("SC_CLK_TCK")
        while True:
            now = time.perf_counter()
            cpu = _cpu_ticks(pid)
            if cpu is None:
                raise LaunchError("the process ended while loading")
            if samples and cpu - samples[-1][1] > 0:
                last_busy = now
            samples.append((now, cpu))
            window = [cpu_ for t, cpu_ in samples if now - t <= 0.4 + 1e-3]
            if now - samples[0][0] >= 0.4 and (window[-1] - window[0]) * 1000 / tick <= 20:
                screen = self.capture(name) or ""
                if "loading…" not in screen.lower():
                    return last_busy - start
            if now - start > LAUNCH_TIMEOUT:
                raise LaunchError(f"not idle within {LAUNCH_TIMEOUT:.0f} s of the start")
            time.sleep(0.1)

    def _wait_gone(self, name: str, text: str, start: float, timeout: float) -> float:
        """Wait until ``text`` is no longer on the screen; returns s since spawn."""
        while text in (self.capture(name) or text):
            if time.perf_counter() - start > timeout:
                raise LaunchError(f"{text!r} still on the screen {timeout:.0f} s after the start")
            time.sleep(0.05)
        return time.perf_counter() - start

    def _wait_exit(self, name: str, pid: int, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if not _alive(pid) or self.pane(name, "#{pane_dead}") == "1":
                return
            time.sleep(0.02)

    def close(self) -> None:
        try:
            self.run("kill-server", check=False)
        except Exception:  # noqa: BLE001 - cleaning up
            pass
        try:
            self.server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        for pid in list(self.pids):
            _reap(pid)
        self.temp.cleanup()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError, ProcessLookupError):
        return False


def _reap(pid: int, timeout: float = 5.0) -> None:
    """Wait for a process this benchmark started to end; SIGKILL it after ``timeout``."""
    deadline = time.perf_counter() + timeout
    while _alive(pid):
        if time.perf_counter() > deadline:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            deadline = time.perf_counter() + timeout
        time.sleep(0.01)


def _cpu_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (FileNotFoundError, IndexError, ValueError):
        return None


def _vm_hwm(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise LaunchError("no VmHWM in /proc/PID/status")


def measure_launches(targets: list[Target], rounds: int, rss_rounds: dict[str, int], log) -> None:
    tmux = Tmux()
    try:
        for round_ in range(rounds + 1):  # round 0 is the warm-up
            for target in targets:
                try:
                    # the warm-up of a reader runs until idle and quits with q, as a user's session
                    # ends: what it leaves in its caches is what the measured launches find
                    settle = round_ == 0 and target.path is not None and not target.cold
                    paint, _, _ = tmux.launch(target, measure_rss=settle)
                    if round_:
                        target.paint.append(paint)
                except LaunchError as error:
                    target.errors.append(str(error))
            log(f"  first paint round {round_}/{rounds} done")
        for target in targets:
            for _ in range(rss_rounds.get(target.label, 0)):
                try:
                    _, rss, loaded = tmux.launch(target, measure_rss=True)
                    target.rss.append(rss)
                    target.loaded.append(loaded)
                except LaunchError as error:
                    target.errors.append(f"rss: {error}")
        log("  peak RSS done")
    finally:
        tmux.close()


# --- parse ---------------------------------------------------------------------------------


def median_time(action, runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_parse(path: Path, runs: int) -> tuple[float, float]:
    from reader.core.parse import load

    parse = median_time(lambda: load(path), runs)
    read = median_time(lambda: path.read_bytes().decode(), runs)
    gc.collect()
    return parse, read


# --- keys (runs in a child process) ---------------------------------------------------------


def build_app(state_dir: Path, path: Path):
    """The app as the tests build it (tests/app_support.make_app), else the same by hand."""
    try:
        tests = str(ROOT / "tests")
        if tests not in sys.path:
            sys.path.insert(0, tests)
        from app_support import make_app

        return make_app(state_dir, path)
    except ImportError:
        from reader.tui.app import DigestReader
        from reader.core.config import Config
        from reader.core.parse import load
        from reader.core.store import MarkStore

        return DigestReader(
            store=MarkStore.open(state_dir / "state.toml"),
            config=Config(mark_read="manual"),
            digest=load(path),
            config_path=state_dir / "config.toml",
            open_url=lambda url: True,
        )


class FrameClock:
    """Timestamps every frame the screen hands to ``App._display``."""

    def __init__(self, app) -> None:
        self.app = app
        self.frames: list[float] = []
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is not None:
                self.frames.append(time.perf_counter())

        app._display = display

    def _dirty(self) -> bool:
        screen = self.app.screen
        return bool(
            getattr(screen, "_dirty_widgets", None)
            or getattr(screen, "_layout_required", False)
            or getattr(screen, "_repaint_required", False)
            or getattr(screen, "_scroll_required", False)
        )

    async def settle(self, since: float = 0.0, timeout: float = 3.0) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.004)
            last = max(self.frames[-1] if self.frames else 0.0, since)
            if time.perf_counter() - last >= QUIET and not self._dirty():
                return

    async def press(self, pilot, key: str) -> list:
        """[seconds from the key to the last frame it caused (None: it caused none), frames it caused]."""
        await self.settle()
        seen = len(self.frames)
        start = time.perf_counter()
        await pilot.press(key)
        await self.settle(since=start)
        frames = self.frames[seen:]
        return [frames[-1] - start if frames else None, len(frames)]


async def key_session(kind: str, path: str | None, presses: int) -> dict[str, list[float | None]]:
    results: dict[str, list[float | None]] = {}
    temp = tempfile.TemporaryDirectory(prefix="digest-bench-keys-")
    try:
        if kind == "minimal":
            from minimal_app import MinimalApp

            app = MinimalApp()
        else:
            app = build_app(Path(temp.name), Path(path))
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            clock = FrameClock(app)
            await clock.settle()
            if kind == "minimal":
                results["x"] = [await clock.press(pilot, "x") for _ in range(presses)]
                return results
            await key_runs(app, pilot, clock, presses, results)
            # anything still running (a store save) must not outlive the app
            await app.workers.wait_for_complete()
    finally:
        store = getattr(locals().get("app"), "store", None)
        if store is not None:
            try:
                store.close()
            except Exception:  # noqa: BLE001
                pass
        temp.cleanup()
    return results


async def key_runs(app, pilot, clock: FrameClock, presses: int, results: dict) -> None:
    paper_list = app.main.paper_list
    paper_list.focus()
    await clock.settle()
    results["j"] = [await clock.press(pilot, "j") for _ in range(presses)]

    times = []
    sections = app.main.sections
    for _ in range(presses):
        if sections.highlighted >= len(sections.entries) - 2:  # the last real section
            app.main.action_section(-len(sections.entries))  # back to the first line
            await clock.settle()
        times.append(await clock.press(pilot, "l"))
    results["l"] = times
    app.main.action_section(-len(sections.entries))
    paper_list.focus()
    await clock.settle()

    app.main.detail.focus()
    await clock.settle()
    results["t"] = [await clock.press(pilot, "t") for _ in range(presses)]
    paper_list.focus()
    await clock.settle()

    times = []
    for _ in range(presses):
        app.clear_notifications()
        await clock.settle()
        times.append(await clock.press(pilot, "s"))
    results["s"] = times
    app.clear_notifications()
    await clock.settle()

    bindings = [*getattr(type(app), "BINDINGS", []), *getattr(type(app.screen), "BINDINGS", [])]
    has_search = any(getattr(binding, "id", None) == "search" for binding in bindings)
    if not has_search:
        return
    from textual.widgets import Input

    await pilot.press("slash")
    await app.workers.wait_for_complete()
    await clock.settle()
    focused = app.focused
    if not isinstance(focused, Input):
        results["search"] = ["n/a: / did not focus an Input"]
        return
    focused.cursor_blink = False
    await clock.settle()
    keys = ["m", "o", "d", "e", "l"] + ["backspace"] * 5
    results["search"] = [await clock.press(pilot, keys[i % len(keys)]) for i in range(presses)]
    await pilot.press("escape")
    await clock.settle()


def keys_in_child(kind: str, path: Path | None, presses: int, log) -> dict[str, list]:
    args = [PYTHON, str(Path(__file__).resolve()), "--keys-worker", kind, str(path or ""), str(presses)]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT, env=CHILD_ENV)
    except subprocess.TimeoutExpired:
        return {"error": [f"{kind}: key benchmark timed out"]}
    lines = [line for line in done.stdout.splitlines() if line.startswith("KEYS ")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-6:]
        return {"error": [f"{kind}: key benchmark failed: " + " | ".join(tail)]}
    return json.loads(lines[-1][5:])


# --- report ----------------------------------------------------------------------------------


def fmt_s(seconds: float | None) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def fmt_mb(mb: float | None) -> str:
    return "—" if mb is None else f"{mb:.0f} MB"


def ratio(value, floor) -> str:
    if value is None or floor in (None, 0) or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value / floor:.2f}x"


def paired_ratio(target: Target, floor: Target) -> float | None:
    """The median of the rounds' ratios (each launch of ``target`` over the floor's launch of the
    same round): a machine that speeds up or slows down during a run moves both of a pair alike.
    None unless both have a figure for every round."""
    if not target.paint or len(target.paint) != len(floor.paint):
        return None
    return statistics.median(mine / theirs for mine, theirs in zip(target.paint, floor.paint, strict=True))


def _latencies(values: list) -> list:
    """Latencies out of key results ([latency, frames] pairs) or plain numbers."""
    return [v[0] if isinstance(v, list) else v for v in values]


def med(values: list) -> float | None:
    values = [v for v in _latencies(values) if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


def worst(values: list) -> float | None:
    values = [v for v in _latencies(values) if isinstance(v, (int, float))]
    return max(values) if values else None


def frames_per_press(values: list) -> float | None:
    counts = [v[1] for v in values if isinstance(v, list)]
    return statistics.median(counts) if counts else None


class Table:
    HEAD = ("figure", "value", "floor", "ratio", "target", "result", "note")

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...] | str] = []

    def section(self, title: str) -> None:
        self.rows.append(title)

    def row(self, figure, value, floor="—", ratio_="—", target="", verdict="", note="") -> None:
        self.rows.append((figure, value, floor, ratio_, target, verdict, note))

    def print(self) -> None:
        cells = [row for row in self.rows if isinstance(row, tuple)] + [self.HEAD]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.HEAD))]

        def line(row) -> str:
            return "  ".join(
                (cell.ljust(width) if i in (0, 4, 5, 6) else cell.rjust(width)) for i, (cell, width) in enumerate(zip(row, widths))
            ).rstrip()

        print(line(self.HEAD))
        print("  ".join("-" * width for width in widths))
        for row in self.rows:
            print(f"\n{row}" if isinstance(row, str) else line(row))


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


def paint_only(log) -> int:
    """First paint of today.md and of the floor, for a quick look at one change."""
    minimal, today, cold = Target("minimal app", None), make_target("today.md (128)", TODAY), make_cold(TODAY)
    measure_launches([minimal, today, cold], 11, {}, log)
    floor, value, cold_value = med(minimal.paint), med(today.paint), med(cold.paint)
    pairs, cold_pairs = paired_ratio(today, minimal), paired_ratio(cold, minimal)
    print(
        f"first paint: floor {fmt_s(floor)}, today.md {fmt_s(value)}, ratio {ratio(value, floor)} (of pairs {pairs:.2f}x); "
        f"caches cold {fmt_s(cold_value)}, ratio {ratio(cold_value, floor)} (of pairs {cold_pairs:.2f}x)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and no 50k size (under a minute)")
    parser.add_argument("--no-bytecode-cache", action="store_true", help="keep the caller's PYTHONDONTWRITEBYTECODE: every start compiles reader/ from source")
    parser.add_argument("--paint-only", action="store_true", help="only first paint of today.md against the floor, 11 interleaved rounds (about 20 s)")
    parser.add_argument("--year", action="store_true", help="only the year benchmark of the inbox (benchmarks/year_bench.py; a 350 MB generated year, several minutes)")
    parser.add_argument("--keys-worker", nargs=3, metavar=("KIND", "PATH", "PRESSES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.keys_worker:
        kind, path, presses = args.keys_worker
        result = asyncio.run(key_session(kind, path or None, int(presses)))
        print("KEYS " + json.dumps(result))
        return 0

    began = time.perf_counter()
    quick = args.quick
    global CHILD_ENV
    CHILD_ENV = child_env(bytecode_cache=not args.no_bytecode_cache)

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f} s] {message}", file=sys.stderr, flush=True)

    if args.paint_only:
        return paint_only(log)
    if args.year:
        import year_bench

        table = Table()
        year_bench.measure(table, log, quick)
        table.print()
        print(f"\nTotal benchmark time {time.perf_counter() - began:.0f} s (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
        return 0

    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 50_000)
    log("generating digests (cached in benchmarks/generated/)")
    generated = {count: gen_digest.ensure(count) for count in sizes}

    minimal = Target("minimal app", None)
    targets = [
        minimal,
        make_target("today.md (128)", TODAY),
        make_cold(TODAY),
        make_target("532-paper day", DAY_532),
        *(make_target(f"generated {count:,}", generated[count]) for count in sizes),
    ]
    by_label = {target.label: target for target in targets}
    t10k = by_label["generated 10,000"]
    rounds = 2 if quick else 7
    rss_rounds = {target.label: 1 if quick else 3 for target in targets}
    rss_rounds["generated 50,000"] = 1
    rss_rounds["today.md, caches cold"] = 0
    if quick:
        rss_rounds["532-paper day"] = 0
        rss_rounds["generated 1,000"] = 0

    log("parse times")
    parse_runs = 3 if quick else 7
    parses: dict[str, tuple[float, float]] = {}
    files = [target for target in targets[1:] if not target.cold]  # one row per file: parse and RSS are not about caches
    for target in files:
        runs = 2 if target.papers >= 50_000 else parse_runs
        parses[target.label] = measure_parse(target.path, runs)

    log(f"first paint: {len(targets)} targets x ({rounds} runs + warm-up), then peak RSS")
    try:
        measure_launches(targets, rounds, rss_rounds, log)
        tmux_error = None
    except LaunchError as error:
        tmux_error = str(error)

    presses = 15 if quick else 50
    log(f"key latency: {presses} presses per key")
    keys_10k = keys_in_child("digest", t10k.path, presses, log)
    keys_min = keys_in_child("minimal", None, presses, log)
    keys_128 = keys_in_child("digest", TODAY, 10 if quick else 25, log)

    log("mark store (benchmarks/store_bench.run)")
    try:
        from store_bench import run as store_run

        store_rows = store_run()
        store_error = None
    except Exception as error:  # noqa: BLE001 - someone else's module: report, skip
        store_rows, store_error = [], f"{type(error).__name__}: {error}"

    # -- the table --
    table = Table()
    floor_paint = med(minimal.paint)
    table.section("1. First paint of `digest-reader FILE` in tmux 120x36 (spawn -> first title on screen)")
    for target in targets:
        value = med(target.paint)
        paired = paired_ratio(target, minimal)
        limit = {"today.md (128)": 1.3, "generated 10,000": 2.0}.get(target.label)
        target_text = f"<= {limit}x floor" if limit else ""
        ok = None if limit is None or paired is None else paired <= limit
        note = f"{target.size / 1e6:.1f} MB, {target.papers:,} papers" if target.path else f"shows {MINIMAL_WORD}"
        if target.paint:
            note += f"; runs {min(target.paint) * 1000:.0f}-{max(target.paint) * 1000:.0f} ms"
        if target.errors:
            note += "; ERROR: " + target.errors[0].splitlines()[0]
        if target is minimal:
            table.row(f"first paint, {target.label}", fmt_s(value), "(floor)", "", "", "", note)
        else:
            shown = "—" if paired is None else f"{paired:.2f}x"
            table.row(f"first paint, {target.label}", fmt_s(value), fmt_s(floor_paint), shown, target_text, verdict(ok), note)
    if tmux_error:
        table.row("first paint", "—", note=f"skipped: {tmux_error}")

    table.section("2. Parse: reader.core.parse.load(path) vs Path.read_bytes().decode()")
    for target in files:
        parse, read = parses[target.label]
        rate = target.size / 1e6 / parse
        table.row(f"parse, {target.label}", fmt_s(parse), fmt_s(read), ratio(parse, read), "", "", f"{rate:.0f} MB/s, {parse / target.papers * 1e6:.0f} µs/paper")

    table.section(f"3. Key -> refreshed screen at 10,000 papers (Pilot, {presses} presses; floor: minimal app key)")
    if "error" in keys_10k or "error" in keys_min:
        table.row("keys", "—", note=" ".join(keys_10k.get("error", []) + keys_min.get("error", [])))
    else:
        floor_med, floor_worst = med(keys_min["x"]), worst(keys_min["x"])
        names = {"j": "j (list down)", "l": "l (next section)", "t": "t (detail: summary/abstract)", "s": "s (star)", "search": "search keystroke"}
        for key, name in names.items():
            if key not in keys_10k:
                table.row(f"key {name}", "n/a", note="no binding with id 'search' on the app or its screen" if key == "search" else "not measured")
                continue
            values = keys_10k[key]
            if values and isinstance(values[0], str):
                table.row(f"key {name}", "n/a", note=values[0])
                continue
            missing = sum(1 for v in _latencies(values) if v is None)
            m, w = med(values), worst(values)
            m128 = med(keys_128.get(key, [])) if "error" not in keys_128 else None
            frames = frames_per_press(values)
            note = f"{frames:g} frames/press" if frames is not None else ""
            if m128 is not None:
                note += f"; at 128 papers: median {fmt_s(m128)}, worst {fmt_s(worst(keys_128.get(key, [])))}"
            if missing:
                note += f"; {missing} presses painted nothing"
            table.row(f"key {name}, median", fmt_s(m), fmt_s(floor_med), ratio(m, floor_med), "< 16 ms", verdict(None if m is None else m < 0.016), note)
            table.row(f"key {name}, worst", fmt_s(w), fmt_s(floor_worst), ratio(w, floor_worst), "< 50 ms", verdict(None if w is None else w < 0.050), f"of {len(values)} presses")

    table.section("4. Peak RSS (VmHWM when idle, just before q)")
    floor_rss = med(minimal.rss)
    for target in [minimal, *files]:
        value = med(target.rss)
        loaded = med(target.loaded)
        note = f"loaded (idle) {fmt_s(loaded)} after spawn" if loaded is not None else ""
        if not target.rss:
            rss_errors = [e for e in target.errors if e.startswith("rss:")]
            note = rss_errors[0].splitlines()[0] if rss_errors else "not measured" + (" (--quick)" if quick else "")
        if target is minimal:
            table.row(f"peak RSS, {target.label}", fmt_mb(value), "(floor)", "", "", "", note)
            continue
        target_text, ok = "", None
        if target is t10k and floor_rss is not None:
            limit = 2 * floor_rss + target.size / 2**20
            target_text = f"< 2x floor + file = {limit:.0f} MB"
            ok = None if value is None else value < limit
        table.row(f"peak RSS, {target.label}", fmt_mb(value), fmt_mb(floor_rss), ratio(value, floor_rss), target_text, verdict(ok), note)

    table.section("5. Mark store (benchmarks/store_bench.run: load and save of a state file)")
    if store_error:
        table.row("mark store", "—", note=f"skipped: store_bench is broken ({store_error})")
    for label, load_s, save_s in store_rows:
        table.row(f"store load, {label} read marks", fmt_s(load_s), "—", "", "", "", "no floor")
        table.row(f"store save, {label} read marks", fmt_s(save_s), "—", "", "", "", "one mark changed, whole file written")

    sys.stdout.flush()
    sys.stderr.flush()
    print()
    table.print()

    print("\nScaling (generated digests; first paint and RSS from tmux, parse in-process)")
    head = f"{'papers':>8} {'file':>8} {'first paint':>12} {'parse':>9} {'read+decode':>12} {'parse/paper':>12} {'loaded (idle)':>14} {'peak RSS':>9}"
    print(head)
    for target in files:
        parse, read = parses[target.label]
        print(
            f"{target.papers:>8,} {target.size / 1e6:>6.1f}MB {fmt_s(med(target.paint)):>12} {fmt_s(parse):>9} {fmt_s(read):>12}"
            f" {parse / target.papers * 1e6:>9.0f} µs {fmt_s(med(target.loaded)):>14} {fmt_mb(med(target.rss)):>9}"
        )
    print(f"\nTotal benchmark time {time.perf_counter() - began:.0f} s ({'quick' if quick else 'full'} mode; bytecode cache {'off' if args.no_bytecode_cache else 'on'}; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    return 0


def _use_project_python() -> None:
    """Run under the project's venv when started by a Python without Textual (``python benchmarks/run.py``)."""
    try:
        import textual  # noqa: F401
    except ImportError:
        venv = ROOT / ".venv" / "bin" / "python"
        if venv.exists() and not os.environ.get("DIGEST_BENCH_REEXEC"):
            os.environ["DIGEST_BENCH_REEXEC"] = "1"  # never loop
            os.execv(str(venv), [str(venv), str(Path(__file__).resolve()), *sys.argv[1:]])
        raise


if __name__ == "__main__":
    _use_project_python()

    def _interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupted)
    sys.exit(main())
