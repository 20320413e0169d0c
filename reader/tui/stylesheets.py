"""Where the app's ``.tcss`` files are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def stylesheet(name: str) -> str:
    """``name`` from the installed package (the wheel maps styles/ to reader/styles/), or from
    styles/ beside the package when it runs from a source checkout. A path, not
    importlib.resources: that import costs every start a few ms."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "styles" / name
    return str(installed if installed.exists() else package.parent / "styles" / name)
