"""Pilot tests of the app at the edges (issue 11): a delay of 0, a config that breaks the
parser's stack, notices whose text came from the state file or a path."""

from __future__ import annotations

from app_support import make_app

from reader.core.config import Config
from reader.core.sanitize import UNSAFE


async def test_a_read_delay_of_zero_marks_the_chosen_paper_and_quits_cleanly(tmp_path):
    """mark_read_delay = 0 (documented as valid) raised ZeroDivisionError on j, then on q."""
    app = make_app(tmp_path, config=Config(mark_read="auto", mark_read_delay=0.0))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j")
        await pilot.pause(0.2)
        second = app.main.paper_list.current
        assert second is not None and app.store.is_read(second.id)
        await pilot.press("j", "k")
        await pilot.pause(0.2)
        app.exit(0)
    assert app.return_code == 0
    app.store.close()


async def test_ctrl_r_on_a_config_nested_too_deep_keeps_the_app_and_its_settings(tmp_path):
    """A deeply nested config raised RecursionError on ctrl+r, and the running app died."""
    app = make_app(tmp_path, config=Config(mark_read="manual", interests=["diffusion"]))
    (tmp_path / "config.toml").write_text("interests = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.is_running and app.session.config.interests == ["diffusion"]
        assert any("nested too deeply" in str(note.message) for note in app._notifications)
    app.store.close()


async def test_notices_from_the_state_file_and_its_path_are_cleaned_in_the_app(tmp_path):
    folder = tmp_path / "\x1b]0;title\x07"
    folder.mkdir()
    (folder / "state.toml").write_text(
        'version = 1\n[read]\n"2601" = "\\u001b]52;c;aGk=\\u0007"\n[stars."\\u001b[31m"]\nauthors = 3\n', encoding="utf-8"
    )
    app = make_app(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        messages = [str(note.message) for note in app._notifications]
        assert messages and not any(UNSAFE.search(message.replace("\n", " ")) for message in messages)
    app.store.close()
