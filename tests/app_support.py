"""Building the app for Pilot and snapshot tests, always on a throwaway state file."""

from __future__ import annotations

from pathlib import Path
from time import monotonic

from reader.tui.app import DigestReader
from reader.core.config import Config
from reader.core.model import Digest
from reader.core.parse import load
from reader.core.store import MarkStore

CORPUS = Path(__file__).parent / "corpus"
TODAY = CORPUS / "today.md"


class RecordingOpener:
    """Stands in for the web browser: remembers what the app asked to open."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        return True


def make_app(
    state_dir: Path,
    digest: Digest | Path = TODAY,
    *,
    config: Config | None = None,
    sample: bool = False,
) -> DigestReader:
    """The app over ``digest`` with marks in ``state_dir`` and manual read marking by default.

    Status messages stay on the header for good: on a loaded machine a check (or a snapshot)
    may come after a message's few seconds are up.
    """
    store = MarkStore.open(state_dir / "state.toml")
    if isinstance(digest, Path):
        digest = load(digest)
    app = DigestReader(
        store=store,
        config=config or Config(mark_read="manual"),
        digest=digest,
        sample=sample,
        config_path=state_dir / "config.toml",
        open_url=RecordingOpener(),
    )
    app.main.status_scale = 1000.0
    return app


def screen_text(app: DigestReader) -> str:
    """What the terminal shows right now, as plain text lines (styles dropped)."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(strip.text for strip in row) for row in update.strips)


def footer_text(app: DigestReader) -> str:
    """The last line of the screen: the footer's keys."""
    return screen_text(app).splitlines()[-1]


async def settle(pilot, app: DigestReader, timeout: float = 60.0) -> None:
    """Wait until a background load is over and the workers are done.

    ``timeout`` only tells "hung" from "slow": a loaded 2-core machine may take long.
    """
    deadline = monotonic() + timeout
    while app.session.loading and monotonic() < deadline:
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()
