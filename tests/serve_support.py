"""Running ``digest-reader --serve`` and Debian's Chromium for the browser tests (and for
``screenshots/browser.py``): a server process on a free loopback port with its state in a temp
folder, the page's terminal read as text, every process ended by its pid."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
GUARD = 30.0
POLLS = 1500
"""How often a condition is polled, 20 ms apart, before a test calls it a hang: counted in tries,
not read off a clock, so a slow machine only waits longer."""


async def eventually(check: Callable[[], bool], what: str) -> None:
    """Poll ``check`` until it holds; after POLLS tries fail with ``what``."""
    for _ in range(POLLS):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(what)
"""Seconds before a wait gives up: only tells "hung" from "slow" on a loaded machine."""

CATCH_TERMINAL = """
// textual-serve keeps its xterm.js Terminal in a closure; catch it as it is assigned to
// session.terminal, so that the test can read the terminal's buffer as text.
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && !window.__terminal) window.__terminal = value;
  },
});
"""
READ_TERMINAL = """() => {
  const t = window.__terminal;
  if (!t) return "";
  const lines = [];
  for (let y = 0; y < t.rows; y++) lines.push(t.buffer.active.getLine(y).translateToString(true));
  return lines.join("\\n");
}"""


def chromium_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)"
    for module in ("playwright", "textual_serve"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """``digest-reader --serve`` in a subprocess; ``url`` is the URL with the token it printed."""

    def __init__(self, folder: Path, digest: Path, *extra: str) -> None:
        self.state = folder / "state.toml"
        self.port = free_port()
        env = {**os.environ, "DIGEST_READER_STATE": str(self.state), "DIGEST_READER_CONFIG": str(folder / "config.toml")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reader", "--serve", "--port", str(self.port), *extra, str(digest)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        match = self.wait_for_line(r"serving at (http\S+)")
        self.url = match.group(1)
        self.token = self.url.rsplit("token=", 1)[1]
        self.origin = f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, start: int = 0) -> re.Match[str]:
        """The first line (from ``start``) of the server's output matching ``pattern``."""
        for _ in range(POLLS):
            for line in self.lines[start:]:
                if match := re.search(pattern, line):
                    return match
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.02)
        raise AssertionError(f"no line matching {pattern!r} in the server's output:\n" + "\n".join(self.lines))

    def apps(self) -> list[int]:
        """The pids of the server's children: the apps (each is its pid: textual-serve runs ``exec``)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid and not stat.rsplit(")", 1)[1].split()[0] == "Z":
                    pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        """SIGTERM (the server ends its apps), then SIGKILL for anything left, each by its pid."""
        apps = self.apps()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(GUARD)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(GUARD)
        for pid in apps:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._reader.join(GUARD)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def launch_chromium(playwright, profile: Path, **options):
    """Debian's Chromium with a fresh profile (Playwright downloads no browser)."""
    if profile.exists():
        shutil.rmtree(profile)
    return await playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **options
    )


async def terminal_text(page) -> str:
    return await page.evaluate(READ_TERMINAL)


async def wait_for_text(page, needle: str, *, absent: bool = False) -> str:
    """Poll the terminal until ``needle`` shows (or, with ``absent``, is gone); the text then.

    Polled from Python: the page's Content-Security-Policy forbids the eval that
    Playwright's wait_for_function would need."""
    text = ""
    for _ in range(POLLS):
        text = await terminal_text(page)
        if (needle in text) != absent:
            return text
        await asyncio.sleep(0.02)
    raise AssertionError(f"{needle!r} {'still shown' if absent else 'never shown'} in the browser; it shows:\n{text}")
