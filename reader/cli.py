"""The `digest-reader` command: argument parsing and the non-interactive modes.

Nothing here imports Textual until the TUI starts, so `--dump`, `--export` and
`--paths` stay fast and work without a terminal.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from reader import __version__

if TYPE_CHECKING:
    from reader.core.config import Paths
    from reader.core.model import Digest

SAMPLE = Path(__file__).resolve().parent / "sample" / "today.md"
"""The bundled sample digest (a path, not importlib.resources: that import costs every start a few ms)."""
DUMP_KEYS = (
    "id", "version", "title", "url", "authors", "category", "categories", "section",
    "tldr", "motivation", "method", "result", "conclusion", "abstract", "extra", "pdf",
)
"""The keys of a ``--dump`` line, in order."""


class UsageError(Exception):
    """A problem the user can fix; printed as one line with exit status 2."""


class _ExportFormats:
    """The export format names for argparse, imported only when ``--export`` or ``--help`` asks:
    opening the reader does not pay for the exporters."""

    def _names(self) -> list[str]:
        from reader.core.export import FORMATS

        return sorted(FORMATS)

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest-reader",
        description="Read a daily arXiv digest (daily-arXiv-ai-enhanced Markdown or JSON Lines) in the terminal.",
        epilog="With no PATH the folder of `digests` in the config opens, else the bundled sample digest. Keys: press ? in the app.",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="a digest file (.md or .jsonl), a folder of digests, several files or a glob (every day as one inbox), or - for standard input",
    )
    parser.add_argument("--dump", action="store_true", help="print the parsed papers of PATH as JSON Lines and exit (of several days: each paper once, with its days)")
    parser.add_argument("--export", metavar="FORMAT", choices=_ExportFormats(), help="print the starred papers as FORMAT (%(choices)s) and exit; with PATHs, only those digests' papers")
    parser.add_argument("-o", "--output", metavar="FILE", help="with --export: write FILE instead of stdout")
    parser.add_argument("--tag", metavar="NAME", help="with --export: the papers with tag NAME (any case) instead of the starred ones")
    parser.add_argument("--state", metavar="FILE", help="the marks file (default: see --paths; env DIGEST_READER_STATE)")
    parser.add_argument("--config", metavar="FILE", help="the config file (default: config.toml beside the state; env DIGEST_READER_CONFIG)")
    parser.add_argument("--paths", dest="show_paths", action="store_true", help="print where the state and the config live, and exit")
    parser.add_argument("--serve", action="store_true", help="serve the reader to a browser at a URL with a token (needs: pip install 'digest-reader[web]')")
    parser.add_argument("--host", help="with --serve: the address to listen on (default 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="with --serve: the port (default %(default)s)")
    parser.add_argument("--public-url", metavar="URL", help="with --serve: the URL browsers use, behind a reverse proxy (e.g. https://example.org/reader)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def fail(message: str) -> NoReturn:
    """End with the one-line error users and scripts expect, never a traceback."""
    say(f"error: {message}")
    raise SystemExit(2)


def say(message: str) -> None:
    """One line on stderr, cleaned: paths and file contents in it may hold escape sequences."""
    from reader.core.sanitize import clean

    print(f"digest-reader: {clean(message)}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.output is not None and not args.export:
        parser.error("-o/--output goes with --export")
    if args.tag is not None and not args.export:
        parser.error("--tag goes with --export")
    if args.tag is not None and not " ".join(args.tag.split()):
        parser.error("--tag needs a tag name")
    if args.output is not None and not args.output.strip():
        parser.error("-o/--output needs a file name (or - for standard output), not an empty string")
    if args.dump and args.export:
        parser.error("--dump and --export do not go together")
    if args.serve and (args.dump or args.export):
        parser.error("--serve goes with neither --dump nor --export")
    if (args.host or args.public_url) and not args.serve:
        parser.error("--host and --public-url go with --serve")
    try:
        from reader.core.config import resolve_paths

        try:
            paths = resolve_paths(args.state, args.config)
        except ValueError as error:
            raise UsageError(str(error)) from None
        if args.show_paths:
            from reader.core.sanitize import clean

            print(clean(f"state:  {paths.state}") + "\n" + clean(f"config: {paths.config}"))
            return 0
        if args.dump:
            return dump(args.paths)
        if args.export:
            return export(args.export, args.output, args.paths, paths.state, args.tag)
        if args.serve:
            return serve(args, paths)
        return run_app(args.paths, paths)
    except UsageError as error:
        fail(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `digest-reader --dump x.md | head`: the reader went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def dump(targets: list[str]) -> int:
    """``--dump``: the parsed entries as JSON Lines on stdout, warnings on stderr."""
    if not targets:
        raise UsageError("--dump takes a PATH (a file, a folder, several, or - for standard input)")
    digest = load_targets(targets)
    out = sys.stdout
    for line in dump_lines(digest):
        out.write(line + "\n")
    for warning in digest.warnings:
        print(f"digest-reader: warning: {warning}", file=sys.stderr)
    return 0


def dump_lines(digest: Digest) -> Iterator[str]:
    """The ``--dump`` JSON Lines, one object per entry in file order (without newlines).

    Each object is ``Paper.to_dict()`` plus the entry's ``section``, keys in a fixed
    order so dumps diff cleanly.
    """
    import json

    from reader.core.archive.inbox import Archive

    if isinstance(digest, Archive):  # several days: each paper once, in its first section, with its days
        sections = {}
        for section, paper in digest.entries:
            sections.setdefault(paper.id, section)
        for paper in digest.papers:  # the text comes from the index one paper at a time
            fields = {**digest.full(paper).to_dict(), "section": sections.get(paper.id), "days": list(digest.days_of.get(paper.id, ()))}
            yield json.dumps({key: fields[key] for key in (*DUMP_KEYS, "days")}, ensure_ascii=False)
        return
    for section, paper in digest.entries:
        fields = paper.to_dict()
        fields["section"] = section
        yield json.dumps({key: fields[key] for key in DUMP_KEYS}, ensure_ascii=False)


def load_targets(targets: list[str]) -> Digest:
    """The digest the PATH arguments mean (one day, or every day as one archive; ``-`` standard
    input), parsed; a UsageError if it cannot be."""
    from reader.core.archive.index import ArchiveIndex, default_path
    from reader.core.archive.loading import load_paths
    from reader.core.config import user_path
    from reader.core.parse import DigestError

    try:
        if targets == ["-"]:
            return read_stdin()
        if "-" in targets:
            raise UsageError("- (standard input) goes alone, without other PATHs")
        return load_paths([user_path(target) for target in targets], ArchiveIndex(default_path()))
    except (DigestError, ValueError) as error:
        raise UsageError(str(error)) from None


def read_stdin() -> Digest:
    """``-``: one digest from standard input (DigestError if it is none)."""
    from reader.core.parse import parse_bytes

    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("- reads a digest from standard input: pipe one in (cat today.md | digest-reader -)")
    return parse_bytes(sys.stdin.buffer.read(), "stdin")


def export(fmt: str, output: str | None, targets: list[str], state: Path, tag: str | None = None) -> int:
    """``--export``: the starred papers, or those with ``tag`` (of the given digests, if any), in ``fmt``."""
    from reader.core.export import STDOUT_NAMES, ExportError, filter_stars, render, write

    store = open_store(state, strict=True)  # cannot read the state: an error before -o is touched
    stars = store.stars() if tag is None else [entry.as_star() for entry in store.tagged(tag)]
    tags = {entry.paper.id: entry.tags for entry in store.tagged()}
    notes = store.notes()
    store.close()
    for notice in store.notices:  # e.g. a broken state file was moved aside: say so, not just []
        say(f"warning: {notice}")
    if targets:
        stars = filter_stars(stars, {paper.id for paper in load_targets(targets).papers})
    if not stars and tag is not None:
        say(f"no paper is tagged {tag}" + (" in those digests" if targets else "") + ": the export is empty (T tags a paper in the reader)")
    elif not stars:  # an empty export is still written (a script may expect the file), but said
        say("nothing is starred" + (" in those digests" if targets else "") + ": the export is empty (s stars a paper in the reader)")
    text = render(stars, fmt, tags, notes)
    if output is None or output in STDOUT_NAMES:
        sys.stdout.write(text)
        return 0
    try:
        written = write(text, output)
    except ExportError as error:
        raise UsageError(str(error)) from None
    say(f"exported {len(stars)} papers to {written}")
    return 0


STYLE_CACHE = "styles.pickle"
"""The parsed stylesheets, in the cache folder (see :class:`reader.tui.stylesheets.StyleCache`)."""
DIGEST_CACHE = "digest.pickle"
"""The last digest opened, parsed, in the cache folder (see :mod:`reader.core.digestcache`)."""


def state_cache(state: Path) -> Path:
    """Where the parse of the state file ``state`` is cached (one file per state file). The name
    is a CRC of the path (zlib is loaded anyway, hashlib is not): two state files that share one
    only take turns, since a cache is used only for the exact bytes it was made from."""
    import zlib

    from reader.core.config import cache_file

    return cache_file(f"state-{zlib.crc32(os.fsencode(os.path.realpath(state))):08x}.pickle")


def open_store(state: Path, *, strict: bool = False):
    """The mark store of ``state``; a path that is no state file is a UsageError (nothing touched)."""
    from reader.core.store import MarkStore, StateFileError

    try:
        return MarkStore.open(state, strict=strict, on_wait=say, cache=state_cache(state))
    except StateFileError as error:
        raise UsageError(str(error)) from None


WEB_PACKAGES = {"textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2"}
"""What ``--serve`` needs beyond the reader: the ``web`` extra."""


def serve(args: argparse.Namespace, paths: Paths) -> int:
    """``--serve``: each browser tab runs this reader (same state, config and PATH) in its own process."""
    if len(args.paths) > 1:
        raise UsageError("--serve takes one PATH")
    try:
        from reader.web.server import serve as serve_web
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in WEB_PACKAGES:
            raise
        raise UsageError("--serve needs textual-serve: pip install 'digest-reader[web]'") from None
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port number")
    argv = [sys.executable, "-m", "reader", "--state", str(paths.state.absolute()), "--config", str(paths.config.absolute())]
    if args.paths:
        from reader.core.config import user_path
        from reader.core.parse import DigestError
        from reader.core.sources import digest_file

        try:
            target = user_path(args.paths[0]).absolute()
            digest_file(target)  # a missing PATH fails here, not in every tab
        except (DigestError, ValueError) as error:
            raise UsageError(str(error)) from None
        argv.append(str(target))
    try:
        return serve_web(argv, host=args.host or "127.0.0.1", port=args.port, public_url=args.public_url, title="digest-reader")
    except OSError as error:
        raise UsageError(f"cannot serve on port {args.port}: {error.strerror or error}") from None


def run_app(targets: list[str], paths: Paths) -> int:
    """Check the digest before the terminal is taken over, then start the TUI."""
    gc.disable()  # until the first frame (the app switches it back on): a third of the start was full collections
    try:
        return _start_tui(targets, paths)
    finally:
        gc.enable()


def keys_from_the_terminal() -> None:
    """After ``-`` read the digest from standard input, the keys come from the terminal."""
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise UsageError("- read the digest, but there is no terminal for the keys; --dump - works without one") from None
    os.dup2(tty, 0)
    os.close(tty)


def _start_tui(targets: list[str], paths: Paths) -> int:
    from reader.core.archive.days import DaySource, open_paths
    from reader.core.config import Config, ConfigError, cache_file, load_config, user_path
    from reader.core.digestcache import DigestCache
    from reader.core.parse import DigestError, load

    try:
        config = load_config(paths.config)
    except ConfigError as error:  # a typo must not keep the reader closed: defaults, and say so
        config = Config(warnings=[f"{error}. The default settings apply until it is fixed (ctrl+r reloads it)."])
    if not targets and config.digests is not None:
        if os.path.isdir(config.digests):
            targets = [config.digests]
        else:
            config.warnings.append(f"digests = {config.digests}: no such folder; the bundled sample opens")
    sample = not targets
    days = path = digest = None
    parsed = DigestCache(cache_file(DIGEST_CACHE))
    try:
        if sample:
            digest = load(SAMPLE)
        elif targets == ["-"]:
            digest = read_stdin()
            keys_from_the_terminal()
        else:
            opened = open_paths([user_path(target) for target in targets], parsed)
            if isinstance(opened, DaySource):
                days = opened
            elif isinstance(opened, Path):
                path = opened
            else:
                digest = opened
    except (DigestError, ValueError) as error:
        raise UsageError(str(error)) from None

    from reader.tui.app import DigestReader

    store = open_store(paths.state)
    if not (sys.stdin.isatty() and sys.stderr.isatty()) and "TEXTUAL_DRIVER" not in os.environ:
        # Textual reads keys from stdin and draws on stderr: without both it would wait for ever
        # for keys that never come (--serve runs it with a driver of its own).
        store.close()
        raise UsageError("the reader needs a terminal (standard input and error); --dump and --export work without one")
    try:
        index = None
        if days is not None:  # an archive: the index (and sqlite3) only then
            from reader.core.archive.index import default_path

            index = default_path()
        app = DigestReader(
            store=store, config=config, digest=digest, path=path, sample=sample, config_path=paths.config,
            days=days, index_path=index, style_cache=cache_file(STYLE_CACHE),
        )
        app.run()
    finally:
        store.close()
    if note := store.unsaved_note():  # a full disk, a lock never released: say where the marks went
        say(f"error: {note}")
        return 1
    return app.return_code or 0
