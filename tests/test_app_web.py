"""Pilot tests for web mode (the app served by ``digest-reader --serve``): links open in the
viewer's browser through ``App.open_url`` and exports go to the viewer through
``App.deliver_text``; nothing runs a browser or writes a file on the server.

Web mode is Textual's ``App.is_web`` (true under textual-serve's web driver); here it is faked.
The real thing, in Chromium, is tests/test_serve.py.
"""

from __future__ import annotations

import io

import pytest
from app_support import make_app, screen_text

from reader.core.config import Config
from reader.tui.app import DigestReader
from reader.tui.screens.export import ExportScreen
from reader.tui.widgets.digest_header import DigestHeader

FIRST_ID = "2601.10802"


@pytest.fixture
def web(monkeypatch):
    monkeypatch.setattr(DigestReader, "is_web", property(lambda self: True))


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple, dict]] = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return "key"


async def test_o_and_p_open_in_the_viewers_browser(tmp_path, web):
    app = make_app(tmp_path)
    app.open_url = Recorder()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o", "p")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert [args for args, _ in app.open_url.calls] == [(f"https://arxiv.org/abs/{FIRST_ID}",), (f"https://arxiv.org/pdf/{FIRST_ID}",)]
        assert app.main.open_url.opened == []  # the server's own browser opener is never asked


async def test_export_is_delivered_to_the_viewer_not_written_on_the_server(tmp_path, web):
    export_dir = tmp_path / "exports"
    export_dir.mkdir()
    app = make_app(tmp_path, config=Config(mark_read="manual", export_dir=str(export_dir)))
    app.deliver_text = Recorder()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "j", "s", "e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        assert "your browser downloads it" in screen_text(app)
        name = dialog.path_input.value
        assert name.startswith("digest-reader-starred-") and name.endswith(".bib") and "/" not in name
        dialog.path_input.value = "../../etc/evil name;x.bib"  # only a file name survives, header-safe
        await pilot.click("#export-save")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        [(args, kwargs)] = app.deliver_text.calls
        assert isinstance(args[0], io.StringIO) and args[0].getvalue().count("@misc{") == 2
        assert kwargs["save_filename"] == "evil_name_x.bib"
        assert list(export_dir.iterdir()) == []
        assert app.main.query_one(DigestHeader).status.startswith("Sent 2 papers to your browser"), "said on the status line"
