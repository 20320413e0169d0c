"""The layers hold: every import-linter contract of pyproject.toml is kept (cli > tui > core,
the core never imports Textual, widgets and screens never import the app)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    assert {contract["id"] for contract in contracts} >= {"layers", "core-is-plain-python", "screens-and-widgets-never-import-the-app"}
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache", str(ROOT / "pyproject.toml")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken." in result.stdout


def test_styles_live_in_the_stylesheets_that_ship():
    """Every style is in styles/*.tcss (no DEFAULT_CSS or CSS in the code), and every stylesheet
    the code names exists and is in the wheel's package data."""
    code = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "reader").rglob("*.py"))
    assert "DEFAULT_CSS" not in code
    assert not re.search(r"^\s+CSS\s*=", code, re.MULTILINE)
    named = set(re.findall(r'stylesheet\("([\w.]+)"\)', code))
    assert named == {"reader.tcss", "dialogs.tcss"}
    assert all((ROOT / "styles" / name).is_file() for name in named)
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert package_data["reader.styles"] == ["*.tcss"]
