"""Make the screenshots in this folder: SVGs from the app, and PNGs that show CJK text right.

    pip install -e '.[test,screenshots]'
    python screenshots/make.py [SCENE ...]     # every scene, or only those named

Textual's SVG export gives each text span a ``textLength`` counted in characters, so
viewers that honour it squeeze Chinese lines to half their width. The PNGs are drawn by
cairosvg from a copy of each SVG without those lengths, in Noto Sans Mono CJK (shipped
by the ``mplfonts`` package), whose CJK glyphs are exactly two cells wide.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
import tempfile
from pathlib import Path

from rich.cells import cell_len

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

SCENES: list[tuple[str, tuple[int, int], list[str]]] = [
    ("summary", (120, 36), []),
    ("abstract", (120, 36), ["t"]),
    ("small", (80, 24), []),
    ("marks", (120, 36), ["s", "j", "r", "j", "j", "s", "l"]),
    ("help", (120, 36), ["question_mark"]),
    ("search", (120, 36), ["slash", "O", "O", "D", "space", "minus", "c", "a", "t", "colon", "c", "s", "full_stop", "L", "G", "enter"]),
    ("export", (120, 36), ["s", "j", "s", "e"]),
    ("wide", (200, 50), []),
    ("tiny", (60, 20), []),
    ("zoom", (80, 24), ["j", "z"]),
    ("tags", (120, 36), ["L", "j", "L", "T", *"group meeting", "enter", "j", "j", "T", *"group meeting", "enter", *["l"] * 9]),
    ("note", (120, 36), ["j", "a", *"Their OOD benchmark is what chapter 3 needs.", "enter", "enter", *"Ask Ana: does it cover far-OOD?"]),
    ("saved-searches", (120, 36), ["j", "r", "j", "j", "r", *["l"] * 6]),
    ("fork", (120, 36), []),
]
"""(file name, terminal size, keys pressed after start) for each screenshot."""
SCENE_SETTINGS = {
    "saved-searches": {"searches": {"diffusion": "diffusion -survey", "OOD": "OOD cat:cs.CV", "unread CV": "cat:cs.CV is:unread"}, "mute": ["survey"]},
}
"""Config settings of the scenes that need more than manual read marks."""
SCENE_DIGESTS = {
    "fork": "tests/corpus/Straw674__daily-arXiv-astro-ph__2025-12-16.md",
}
"""The digest of a scene that shows another than the bundled sample (a fork's template)."""
INBOX_SCENES: list[tuple[str, tuple[int, int], list[str]]] = [
    ("inbox", (120, 36), []),
    ("inbox-day", (120, 36), ["left_square_bracket", "left_square_bracket", "j", "j"]),
]
"""The same for an inbox of four days of the corpus, last opened before the newest arrived."""
INBOX_DAYS = ["2025-03-18", "2025-03-20", "2025-04-16", "2025-07-15"]


def use_cjk_font() -> str:
    """Point fontconfig at mplfonts' Noto Sans Mono CJK (before cairo loads) and return its family."""
    import mplfonts

    font_dir = Path(mplfonts.__file__).parent / "fonts"
    cache = tempfile.mkdtemp(prefix="digest-reader-fonts-")
    config = Path(cache) / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{font_dir}</dir><cachedir>{cache}</cachedir></fontconfig>"
    )
    os.environ["FONTCONFIG_FILE"] = str(config)
    return "Noto Sans Mono CJK SC"


CELL_WIDTH = 12.2
"""Textual's SVG export puts cells 12.2 px apart (0.61 of its 20 px text)."""
_SPAN = re.compile(r'(<text [^>]*?x=")([0-9.]+)("[^>]*?textLength=")([0-9.]+)("[^>]*>)(.*?)(</text>)', re.S)


def fix_text_lengths(svg: str) -> str:
    """Give every text span the width of its terminal cells, so CJK text keeps its two cells.

    Textual counts characters, which squeezes each Chinese line to half its width in
    any viewer that honours ``textLength`` (browsers, GitHub).
    """

    def measured(span: re.Match[str]) -> str:
        width = cell_len(html.unescape(span[6])) * CELL_WIDTH
        return f"{span[1]}{span[2]}{span[3]}{width:g}{span[5]}{span[6]}{span[7]}"

    return _SPAN.sub(measured, svg)


def svg_for_png(svg: str, family: str) -> str:
    """Every character placed on its own cell, in the CJK monospace font.

    cairosvg ignores ``textLength``, and no font's Latin and CJK advances are exactly one
    and two of Textual's cells, so each glyph gets its own x coordinate instead.
    """

    def placed(span: re.Match[str]) -> str:
        text = html.unescape(span[6])
        x = float(span[2])
        positions = []
        for char in text:
            positions.append(f"{x:g}")
            x += cell_len(char) * CELL_WIDTH
        return f"{span[1]}{' '.join(positions)}{span[3]}{span[4]}{span[5]}{span[6]}{span[7]}"

    svg = re.sub(r'\s(textLength|lengthAdjust)="[^"]*"', "", _SPAN.sub(placed, svg))
    return re.sub(r"font-family:[^;\"]*", f"font-family: '{family}'", svg)


async def capture(name: str, size: tuple[int, int], keys: list[str], state_dir: Path, days: Path | None = None) -> str:
    from reader.tui.app import DigestReader
    from reader.core.archive.days import DaySource
    from reader.core.archive.loading import archive_name
    from reader.core.config import Config
    from reader.core.parse import load
    from reader.core.store import MarkStore

    store = MarkStore.open(state_dir / f"{name}.toml")
    if days is None:
        config = Config(mark_read="manual", **SCENE_SETTINGS.get(name, {}))
        digest = SCENE_DIGESTS.get(name)
        app = DigestReader(store=store, config=config, digest=load(ROOT / (digest or "reader/sample/today.md")), sample=digest is None)
    else:
        store.set_setting(f"opened {archive_name([days])[1]}", f"2025-04-17T08:00 {INBOX_DAYS[-2]}")
        app = DigestReader(store=store, config=Config(mark_read="manual"), days=DaySource([days]))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        while app.session.loading:
            await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.2)
        svg = app.export_screenshot(title=f"digest-reader: {name}")
    store.close()
    return svg


def main() -> None:
    family = use_cjk_font()
    import cairosvg

    with tempfile.TemporaryDirectory() as state_dir:
        days = Path(state_dir) / "data"
        days.mkdir()
        for day in INBOX_DAYS:
            (days / f"{day}.md").write_bytes((ROOT / f"tests/corpus/dw-dengwei__daily-arXiv-ai-enhanced__{day}.md").read_bytes())
        scenes = [(name, size, keys, None) for name, size, keys in SCENES] + [(name, size, keys, days) for name, size, keys in INBOX_SCENES]
        only = set(sys.argv[1:])
        for name, size, keys, folder in scenes:
            if only and name not in only:
                continue
            svg = fix_text_lengths(asyncio.run(capture(name, size, keys, Path(state_dir), folder)))
            (HERE / f"{name}.svg").write_text(svg, encoding="utf-8")
            cairosvg.svg2png(bytestring=svg_for_png(svg, family).encode(), write_to=str(HERE / f"{name}.png"), output_width=size[0] * 12)
            print(f"screenshots/{name}.svg and .png")


if __name__ == "__main__":
    main()
