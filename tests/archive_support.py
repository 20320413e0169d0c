"""Generated archives for the inbox tests: folders of day files with papers chosen by number."""

from __future__ import annotations

import os
from pathlib import Path


def day_text(papers: list[tuple[int, str]], *, rich: set[int] = frozenset(), cross: dict[int, str] | None = None) -> str:
    """A digest of the current template: ``(number, section)`` per paper, grouped by section in
    order; papers in ``rich`` carry a Motivation (the richer copy); ``cross`` gives a paper a
    cross-listed category."""
    cross = cross or {}
    sections: dict[str, list[int]] = {}
    for number, section in papers:
        sections.setdefault(section, []).append(number)
    parts = ["<div id=toc></div>\n\n# Table of Contents\n\n"]
    for section, numbers in sections.items():
        parts.append(f"<div id='{section}'></div>\n\n# {section} [[Back]](#toc)\n\n")
        for number in numbers:
            categories = section + (f", {cross[number]}" if number in cross else "")
            motivation = f"Motivation: Why paper {number}.\n\n" if number in rich else ""
            parts.append(
                f"### [{number}] [Paper number {number}](https://arxiv.org/abs/2601.{number:05d})\n"
                f"*Alice Example, Bob Example*\n\n"
                f"Main category: {section}\n\nCategories: {categories}\n\n"
                f"TL;DR: Summary of paper {number}.\n\n\n"
                "<details>\n  <summary>Details</summary>\n"
                f"{motivation}Method: How.\n\n"
                f"Abstract: The abstract of paper {number}.\n\n"
                "</details>\n\n\n"
            )
    return "".join(parts)


def write_day(folder: Path, date: str, papers: list[tuple[int, str]], **options) -> Path:
    """Write the day ``date`` (YYYY-MM-DD) into ``folder``; its mtime is that day's noon."""
    path = folder / f"{date}.md"
    path.write_text(day_text(papers, **options), encoding="utf-8")
    return path


def week(folder: Path) -> Path:
    """Three days: paper 1 on all three (the middle copy the richest), 2 and 3 on two, the rest on one;
    a fourth file is damaged."""
    folder.mkdir(exist_ok=True)
    write_day(folder, "2026-11-23", [(1, "cs.CV"), (2, "cs.CV"), (10, "cs.CL")])
    write_day(folder, "2026-11-24", [(1, "cs.CV"), (2, "cs.CV"), (3, "cs.CL"), (11, "cs.CL")], rich={1})
    write_day(folder, "2026-11-25", [(1, "cs.CV"), (3, "cs.CL"), (12, "cs.CV"), (13, "cs.LG")], cross={12: "cs.LG"})
    (folder / "2026-11-22.md").write_bytes(b"\x00\x01binary, not a digest")
    os.utime(folder / "2026-11-22.md", (1_000_000, 1_000_000))
    return folder


def make_archive_app(state_dir: Path, folder: Path, **options):
    """The app over every day of ``folder`` (read in the background and watched), as ``make_app`` builds it."""
    from app_support import make_app
    from reader.core.archive.days import DaySource
    from reader.core.model import Digest

    app = make_app(state_dir, Digest(name="unused"), **options)
    return rebuilt(app, DaySource([folder]))


def rebuilt(app, days, index_path=None):
    """``app`` built again with ``days`` (and the index at ``index_path``): same store, config and opener."""
    from reader.tui.app import DigestReader

    again = DigestReader(
        store=app.store,
        config=app.session.config,
        config_path=app.config_path,
        open_url=app.main.open_url,
        days=days,
        index_path=index_path,
    )
    again.main.status_scale = app.main.status_scale
    return again


async def eventually(pilot, check, tries: int = 200, pause: float = 0.05) -> bool:
    """Poll ``check()`` a bounded number of times (no clock): True once it holds."""
    for _ in range(tries):
        if check():
            return True
        await pilot.pause(pause)
    return check()
