"""``digest-reader --serve``: the reader in a real browser (Debian's Chromium driven by
Playwright), and the server's guards: the token, the Host and Origin checks, and the reaper
of apps whose tab has closed.

The browser test skips only where Chromium, playwright or textual-serve is absent
(``.ci/run`` installs them). Every wait has a guard of tens of seconds; no test measures speed.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from serve_support import GUARD, ServerProcess, eventually, chromium_missing, launch_chromium, wait_for_text

from reader.cli import main

TODAY = Path(__file__).parent / "corpus" / "today.md"
FIRST_TITLE = "ICONIC-444: A 3.1-Million-Image Dataset"
SECOND_ID = "2601.10835"
SECOND_TITLE = "Can Vision-Language Models Understand Construction Workers?"

missing = chromium_missing()


def test_serve_without_textual_serve_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # import textual_serve now fails
    monkeypatch.delitem(sys.modules, "textual_serve.server", raising=False)
    monkeypatch.delitem(sys.modules, "textual_serve.app_service", raising=False)
    monkeypatch.delitem(sys.modules, "reader.web.server", raising=False)
    with pytest.raises(SystemExit) as exit:
        main(["--serve", "--state", os.devnull, str(TODAY)])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err == "digest-reader: error: --serve needs textual-serve: pip install 'digest-reader[web]'\n"


def test_serve_refuses_a_missing_path_and_a_busy_port_in_one_line(tmp_path):
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[test]')")
    from serve_support import free_port

    env = {**os.environ, "DIGEST_READER_STATE": str(tmp_path / "state.toml")}
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", free_port()))
        busy.listen()
        port = busy.getsockname()[1]
        for args, message in (
            ([str(tmp_path / "nothing.md")], "nothing.md"),
            (["--port", str(port), str(TODAY)], f"cannot serve on port {port}"),
        ):
            result = subprocess.run([sys.executable, "-m", "reader", "--serve", *args], capture_output=True, text=True, env=env, timeout=GUARD)
            assert result.returncode == 2 and result.stdout == ""
            assert result.stderr.startswith("digest-reader: error: ") and message in result.stderr and result.stderr.count("\n") == 1


def test_the_app_command_is_execd_and_quoted():
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[test]')")
    from reader.web.server import app_command

    assert app_command(["/usr/bin/python3", "-m", "reader", "/tmp/my digests/$(rm -rf ~);.md"]) == (
        "exec /usr/bin/python3 -m reader '/tmp/my digests/$(rm -rf ~);.md'"
    )


@pytest.fixture
def server(tmp_path):
    if missing:
        pytest.skip(missing)
    with ServerProcess(tmp_path, TODAY) as running:
        yield running


async def test_token_host_and_origin_guard_the_page_and_the_websocket(server):
    import aiohttp

    base = server.origin
    async with aiohttp.ClientSession() as http:
        async def status(path: str, **headers: str) -> int:
            async with http.get(base + path, headers=headers, allow_redirects=False) as response:
                return response.status

        assert await status("/") == 401
        assert await status("/?token=wrong") == 403
        assert await status(f"/?token={server.token}") == 200
        assert await status(f"/?token={server.token}", Host="evil.example") == 403  # DNS rebinding
        assert await status(f"/?token={server.token}", Origin="http://evil.example") == 403
        assert await status("/ws") == 401
        assert await status("/ws/wrong") == 403
        assert await status("/download/somekey") == 401  # downloads need the page's cookie
        for origin, expected in (("http://evil.example", 403), (f"http://127.0.0.1:{server.port}.evil.example", 403), ("null", 403)):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"{base}/ws/{server.token}", origin=origin)
            assert refused.value.status == expected
        assert server.apps() == []  # nothing refused ever started an app
        async with http.get(f"{base}/?token={server.token}") as page:
            html = await page.text()
            assert "Content-Security-Policy" in page.headers and page.headers["Referrer-Policy"] == "no-referrer"
        assert "googleapis" not in html and "https://" not in html  # no outside requests


async def test_a_tab_closed_at_once_leaves_no_app_behind(server):
    """Textual 8.2.8 can spin forever when its tab closes during the first frames (resize,
    resize, quit); the server ends any app still alive a few seconds after its session."""
    import aiohttp

    async with aiohttp.ClientSession() as http:
        for _ in range(2):
            websocket = await http.ws_connect(f"{server.origin}/ws/{server.token}?width=100&height=30", origin=server.origin)
            await websocket.send_json(["resize", {"width": 120, "height": 36}])
            await websocket.send_json(["resize", {"width": 100, "height": 30}])
            await websocket.close()
    await eventually(lambda: sum("after its session closed" in line for line in server.lines) >= 2, "\n".join(server.lines))
    assert server.apps() == []
    opened = [line for line in server.lines if "session opened: app pid" in line]
    ended = [line for line in server.lines if "after its session closed" in line]
    assert len(opened) == len(ended) == 2, "\n".join(server.lines)


async def test_the_reaper_ends_an_app_that_ignores_its_quit_and_sigterm(tmp_path):
    """A stand-in for the spinning app: it says it is a Textual app, then ignores everything."""
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[test]')")
    import aiohttp
    from aiohttp import web

    from reader.web.server import ReaderServer
    from serve_support import free_port

    stuck = tmp_path / "stuck app.py"
    stuck.write_text(
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush()\n"
        "while True: time.sleep(1)\n"
    )
    port = free_port()
    server = ReaderServer([sys.executable, str(stuck)], port=port, reap_after=0.5)
    runner = web.AppRunner(await server._make_app())
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        async with aiohttp.ClientSession() as http:
            websocket = await http.ws_connect(f"http://127.0.0.1:{port}/ws/{server.token}", origin=f"http://localhost:{port}")
            await eventually(lambda: bool(server.processes), "no app was started")
            [process] = server.processes
            assert "stuck app.py" in Path(f"/proc/{process.pid}/cmdline").read_text()  # exec: the pid is the app, not sh
            await websocket.close()
        await eventually(lambda: bool(server.reaped), "the stuck app was never reaped")
        [(pid, _, how)] = server.reaped
        assert pid == process.pid and how == "SIGKILL" and process.returncode == -9
    finally:
        for process in list(server.processes):
            process.kill()
        await runner.cleanup()


@pytest.mark.skipif(bool(missing), reason=missing or "")
async def test_reading_in_chromium(server, tmp_path):
    """Load the page, read the terminal, press j and s, check the screen and the state file;
    o opens the link in the browser; e exports to a download; nothing leaves the machine."""
    from playwright.async_api import async_playwright

    outside: list[str] = []

    async def only_this_server(route) -> None:
        if route.request.url.startswith(server.origin + "/"):
            await route.continue_()
        else:  # the page itself must ask for nothing else; o's arXiv tab lands here too
            outside.append(route.request.url)
            await route.abort()

    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright, tmp_path / "profile", viewport={"width": 1200, "height": 700}, accept_downloads=True)
        try:
            await browser.route("**/*", only_this_server)
            from serve_support import CATCH_TERMINAL

            await browser.add_init_script(CATCH_TERMINAL)
            page = browser.pages[0] if browser.pages else await browser.new_page()
            await page.goto(server.url)
            text = await wait_for_text(page, FIRST_TITLE)
            assert "128 papers" in text and "cs.CV" in text
            assert outside == []

            await page.focus(".xterm-helper-textarea")
            await page.keyboard.press("j")
            await wait_for_text(page, f"arXiv:{SECOND_ID}")  # the detail pane shows the second paper
            await page.keyboard.press("s")
            text = await wait_for_text(page, "★")
            assert re.search(r"Starred +1│", text)
            await eventually(
                lambda: server.state.exists() and f'[stars."{SECOND_ID}"]' in server.state.read_text(), "the star never reached the state file"
            )

            async with browser.expect_page() as tab:
                await page.keyboard.press("o")
            await (await tab.value).close()
            assert outside == [f"https://arxiv.org/abs/{SECOND_ID}"]

            await page.keyboard.press("e")
            await wait_for_text(page, "your browser downloads it")
            async with page.expect_download(timeout=GUARD * 1000) as download:  # Chromium reports it on the reader's page
                await page.keyboard.press("Tab")  # to the file name
                await page.keyboard.press("Enter")
            delivered = await download.value
            saved = tmp_path / "download.bib"
            await delivered.save_as(saved)
            assert delivered.suggested_filename.startswith("digest-reader-starred-")
            assert f"eprint = {{{SECOND_ID}}}" in saved.read_text(encoding="utf-8")
            assert outside == [f"https://arxiv.org/abs/{SECOND_ID}"]
        finally:
            await browser.close()
    await eventually(lambda: not server.apps(), "the closed tab's app is still running")  # it ends, saving its marks
    assert server.apps() == []
    assert f'[stars."{SECOND_ID}"]' in server.state.read_text()


async def test_behind_a_reverse_proxy_the_page_names_the_public_url(tmp_path):
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[test]')")
    from aiohttp.test_utils import TestClient, TestServer

    from reader.web.server import ReaderServer

    server = ReaderServer(["true"], port=8000, public_url="https://example.org/reader/")
    async with TestClient(TestServer(await server._make_app())) as client:
        page = await client.get(f"/?token={server.token}", headers={"Host": "example.org", "X-Forwarded-Proto": "https"})
        html = await page.text()
        assert page.status == 200 and "Secure" in page.headers["Set-Cookie"]
        assert f'data-session-websocket-url="wss://example.org/reader/ws/{server.token}"' in html
        assert 'src="/reader/static/js/textual.js"' in html
        assert (await client.get(f"/?token={server.token}", headers={"Host": "example.net"})).status == 403
    assert server.url == f"https://example.org/reader/?token={server.token}"
