"""Every test keeps the archive index (a cache) in its own folder, never in the user's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("DIGEST_READER_CACHE", str(tmp_path_factory.mktemp("cache") / "index.sqlite3"))
