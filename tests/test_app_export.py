"""Pilot tests for the export dialog (e): format, path, errors, clipboard."""

from __future__ import annotations

import json

import bibtexparser
from app_support import footer_text, make_app, screen_text

from reader.core.config import Config
from reader.tui.screens.export import ExportScreen
from reader.tui.widgets.digest_header import DigestHeader


async def star_two_and_open_export(pilot) -> ExportScreen:
    await pilot.press("s", "j", "s", "e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportScreen)
    return pilot.app.screen


async def test_e_exports_bibtex_to_the_default_folder(tmp_path):
    app = make_app(tmp_path, config=Config(mark_read="manual", export_dir=str(tmp_path)))
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await star_two_and_open_export(pilot)
        target = dialog.path_input.value
        assert target.startswith(str(tmp_path / "digest-reader-starred-")) and target.endswith(".bib")
        await pilot.click("#export-save")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        library = bibtexparser.parse_string(open(target, encoding="utf-8").read())
        assert len(library.entries) == 2
        assert app.main.query_one(DigestHeader).status.startswith("Exported 2 papers"), "said on the status line"


async def test_choosing_a_format_changes_the_default_extension(tmp_path):
    app = make_app(tmp_path, config=Config(mark_read="manual", export_dir=str(tmp_path)))
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await star_two_and_open_export(pilot)
        await pilot.press("down", "down", "down", "down", "space")  # the json radio button
        assert dialog.path_input.value.endswith(".json")
        await pilot.click("#export-save")
        await pilot.pause()
        exported = json.loads(next(tmp_path.glob("*.json")).read_text())
        assert [item["id"] for item in exported] == ["2601.10802", "2601.10835"]


async def test_an_unwritable_path_keeps_the_dialog_open_and_says_why(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await star_two_and_open_export(pilot)
        dialog.path_input.value = str(tmp_path / "no" / "such" / "folder" / "x.bib")
        await pilot.click("#export-save")
        await pilot.pause()
        assert app.screen is dialog
        assert "folder does not exist" in screen_text(app)


async def test_copy_to_clipboard(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await star_two_and_open_export(pilot)
        await pilot.click("#export-copy")
        await pilot.pause()
        assert app.clipboard.startswith("@misc{")


async def test_escape_closes_and_nothing_starred_says_so(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        assert not isinstance(app.screen, ExportScreen)
        assert app.main.query_one(DigestHeader).status.startswith("Nothing starred")
        await star_two_and_open_export(pilot)
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)


async def test_paths_that_cannot_name_a_file_keep_the_dialog_open(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await star_two_and_open_export(pilot)
        for bad in ("~nosuchuser-xyz/x.bib", str(tmp_path / ("n" * 300 + ".bib"))):
            dialog.path_input.value = bad
            await pilot.click("#export-save")
            await pilot.pause()
            assert app.screen is dialog
            assert "no such user" in screen_text(app) or "cannot write" in screen_text(app)


async def test_enter_on_a_format_exports_in_that_format(tmp_path):
    app = make_app(tmp_path, config=Config(mark_read="manual", export_dir=str(tmp_path)))
    async with app.run_test(size=(120, 36)) as pilot:
        await star_two_and_open_export(pilot)
        assert "⏎ Export" in footer_text(app) and "Copy to clipboard" in footer_text(app), "the dialog shows its keys"
        await pilot.press("down", "down", "down", "down", "enter")  # the fifth format, json
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        [written] = tmp_path.glob("digest-reader-starred-*.json")
        assert len(json.loads(written.read_text(encoding="utf-8"))) == 2
        assert not list(tmp_path.glob("digest-reader-starred-*.bib")), "only the format enter was pressed on"


async def test_the_export_dialog_fits_60x20(tmp_path):
    app = make_app(tmp_path, config=Config(mark_read="manual", export_dir=str(tmp_path)))
    async with app.run_test(size=(60, 20)) as pilot:
        await star_two_and_open_export(pilot)
        text = screen_text(app)
        for shown in ("Export 2 starred papers", "bibtex", "json", "Save to:", "Export", "Cancel"):
            assert shown in text, shown
        save = app.screen.query_one("#export-save")
        assert save.region.bottom <= 19 and save.region.right <= 60, "the buttons are on screen"
