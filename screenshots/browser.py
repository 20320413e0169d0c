"""Make screenshots/browser.png: the reader served by ``digest-reader --serve``, in Chromium.

    pip install -e '.[test]'      # and: apt-get install chromium fonts-wqy-microhei
    python screenshots/browser.py

The server runs on a free loopback port with a throwaway state; the picture is Playwright's
screenshot of the page after a star and a move, so it shows what a browser shows.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import CATCH_TERMINAL, ServerProcess, chromium_missing, launch_chromium, wait_for_text  # noqa: E402


async def main() -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as folder, ServerProcess(Path(folder), ROOT / "tests" / "corpus" / "today.md") as server:
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright, Path(folder) / "profile", viewport={"width": 1280, "height": 760})
            try:
                await browser.add_init_script(CATCH_TERMINAL)
                page = browser.pages[0] if browser.pages else await browser.new_page()
                await page.goto(server.url)
                await wait_for_text(page, "ICONIC-444")
                await page.focus(".xterm-helper-textarea")
                await page.keyboard.press("s")
                await page.keyboard.press("j")
                await page.keyboard.press("j")
                await wait_for_text(page, "arXiv:2601.10836")
                await wait_for_text(page, "Quit")  # the footer is drawn
                await page.wait_for_timeout(300)  # the canvas catches up with the buffer
                await page.screenshot(path=str(HERE / "browser.png"))
            finally:
                await browser.close()
    print(HERE / "browser.png")


if __name__ == "__main__":
    if reason := chromium_missing():
        raise SystemExit(f"browser.py: {reason}")
    asyncio.run(main())
