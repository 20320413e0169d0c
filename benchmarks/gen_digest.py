"""Generate big, deterministic digests for the benchmark out of the real corpus.

``python benchmarks/gen_digest.py 10000`` writes ``benchmarks/generated/gen-10000__2026-07-01.md``.

The file is in the current daily-arXiv-ai-enhanced Markdown format (the one of
``tests/corpus/dw-dengwei__daily-arXiv-ai-enhanced__2026-06-02.md``): a table of contents,
then per section ``<div id='…'></div>`` + ``# cs.XX [[Back]](#toc)`` and its entries. The
entries are the corpus entries (the 532-paper day, then today.md) repeated in order, each
with a fresh, unique arXiv id (``2607.00001`` …), a global ``[N]`` number and its
``Main category`` set to its section; ``SECTIONS`` get contiguous, near-equal shares.
Nothing is random, so the same count always gives the same bytes. About 2.9 KB per paper:
10,000 papers are about 29 MB.

Generated files are cached (a ``.stamp`` beside each says how it was made) and live in
``benchmarks/generated/``, which is gitignored.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SOURCES = (
    CORPUS / "dw-dengwei__daily-arXiv-ai-enhanced__2026-06-02.md",
    CORPUS / "today.md",
)
OUT_DIR = Path(__file__).resolve().parent / "generated"
SECTIONS = ("cs.CV", "cs.CL", "cs.AI", "cs.LG", "cs.RO", "cs.CR", "stat.ML", "eess.IV")
DAY = "2026-07-01"
GENERATOR_VERSION = 1

_HEADING = re.compile(r"### \[\d+\] \[(?P<title>.*)\]\(https://arxiv\.org/abs/[^)\s]+\)")
_CATEGORY = re.compile(r"^Main category: .*$", re.MULTILINE)


def source_entries() -> list[str]:
    """Every ``### [`` entry of the source files, as text without its trailing blank lines."""
    entries: list[str] = []
    for path in SOURCES:
        current: list[str] | None = None
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.startswith("### ["):
                if current is not None:
                    entries.append("\n".join(current).rstrip())
                current = [line]
            elif line.startswith("# ") or line.startswith("<div id="):
                if current is not None:
                    entries.append("\n".join(current).rstrip())
                current = None
            elif current is not None:
                current.append(line)
        if current is not None:
            entries.append("\n".join(current).rstrip())
    for entry in entries:
        if not _HEADING.fullmatch(entry.split("\n", 1)[0]):
            raise ValueError(f"unexpected heading in the corpus: {entry[:120]!r}")
    return entries


def paper_id(index: int) -> str:
    """The unique arXiv id of the ``index``-th (0-based) generated paper."""
    month, number = divmod(index, 99_999)
    return f"{2607 + month:04d}.{number + 1:05d}"


def shares(count: int) -> list[tuple[str, int]]:
    """(section, papers) with contiguous near-equal shares (fewer sections for tiny counts)."""
    used = SECTIONS[: max(1, min(len(SECTIONS), count))]
    base, rest = divmod(count, len(used))
    return [(name, base + (1 if i < rest else 0)) for i, name in enumerate(used)]


def render(count: int, start: int = 0) -> str:
    """The digest of ``count`` papers; ``start`` shifts the ids (and entries), so days of a
    generated year (``gen_year``) can share some papers and not others."""
    entries = source_entries()
    parts = ["<div id=toc></div>\n\n# Table of Contents\n\n"]
    parts += [f"- [{name}](#{name}) [Total: {n}]\n" for name, n in shares(count)]
    parts.append("\n\n")
    index = 0
    for name, n in shares(count):
        parts.append(f"<div id='{name}'></div>\n\n# {name} [[Back]](#toc)\n\n")
        for _ in range(n):
            entry = entries[(start + index) % len(entries)]
            heading, body = entry.split("\n", 1)
            title = _HEADING.fullmatch(heading)["title"]
            new_id = paper_id(start + index)
            body = _CATEGORY.sub(f"Main category: {name}", body, count=1)
            parts.append(f"### [{index + 1}] [{title}](https://arxiv.org/abs/{new_id})\n{body}\n\n\n")
            index += 1
    return "".join(parts)


def first_title() -> str:
    """The title of the first generated paper (what the first screen must show)."""
    return _HEADING.fullmatch(source_entries()[0].split("\n", 1)[0])["title"]


def _stamp(count: int) -> str:
    digest = hashlib.sha256()
    for path in SOURCES:
        digest.update(path.read_bytes())
    return f"v{GENERATOR_VERSION} count={count} sources={digest.hexdigest()[:16]}\n"


def ensure(count: int) -> Path:
    """The generated digest of ``count`` papers, made now unless an up-to-date one is cached."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"gen-{count}__{DAY}.md"
    stamp_path = path.with_suffix(".stamp")
    stamp = _stamp(count)
    if path.exists() and stamp_path.exists() and stamp_path.read_text() == stamp:
        return path
    temp = path.with_suffix(".tmp")
    temp.write_text(render(count), encoding="utf-8")
    temp.replace(path)
    stamp_path.write_text(stamp)
    return path


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["10000"]:
        made = ensure(int(arg))
        print(f"{made}  {made.stat().st_size / 1e6:.1f} MB")
