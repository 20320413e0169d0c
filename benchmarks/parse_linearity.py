"""Parse cost against input size, for the inputs a hostile digest uses to make parsers quadratic.

``python benchmarks/parse_linearity.py`` prints, for each input, the least CPU time of three parses
at sizes N and 2N and their ratio: about 2 is linear, 4 would be quadratic. Measured here, never in
a test: CPU time on a busy 2-core machine is too noisy for a pass/fail line.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.core.parse import iter_stream, parse_text  # noqa: E402
from reader.core.parse.fields import TITLE_LIMIT  # noqa: E402


def huge_field(size: int) -> str:
    """A title past the title limit and a ``size``-character abstract in a details block."""
    return (
        f"### [1] [{'[' * (TITLE_LIMIT + 50)}](https://arxiv.org/abs/2601.00001)\nAbstract: a\n\n"
        f"### [2] [B](https://arxiv.org/abs/2601.00002)\n<details>\nAbstract: {'word ' * (size // 5)}\n</details>\n"
    )


def long_line(folder: Path, size: int) -> Path:
    """A file whose title and abstract are each one line of about ``size`` bytes, read in 1 KB chunks."""
    path = folder / f"line-{size}.md"
    path.write_bytes(("### [1] [" + "中" * (size // 3) + "](https://arxiv.org/abs/2601.00001)\n*A*\nAbstract: " + "word " * (size // 5) + "\n").encode())
    return path


def blank_lines(size: int) -> str:
    """An entry whose abstract is followed by ``size`` bytes of blank and whitespace-only lines (squeezed to one)."""
    return "### [1] [T](https://arxiv.org/abs/2601.00001)\nAbstract: a\n" + "\n \r\n\t\n" * (size // 6) + "b\n"


def cpu_seconds(function, argument) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        function(argument)
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        cases = [
            ("a 10 MB field (cut to 100,000)", lambda text: parse_text(text, "x.md"), huge_field, 10_000_000),
            ("10 MB of blank lines in a field", lambda text: parse_text(text, "x.md"), blank_lines, 10_000_000),
            ("a 2 MB line in 1 KB chunks", lambda path: list(iter_stream(path, chunk_size=1024)), lambda size: long_line(Path(folder), size), 2 * 1024 * 1024),
        ]
        print(f"{'input':36} {'N':>10} {'2N':>10} {'ratio':>6}")
        for label, function, make, size in cases:
            small, large = make(size), make(2 * size)
            function(small)  # warm up
            once, twice = cpu_seconds(function, small), cpu_seconds(function, large)
            print(f"{label:36} {once * 1000:8.1f} ms {twice * 1000:8.1f} ms {twice / once:6.2f}")


if __name__ == "__main__":
    main()
