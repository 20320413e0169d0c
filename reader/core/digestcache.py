"""The last digest opened, kept parsed for the next start of the same file.

A day's digest is opened many times (the reader is started again to read on), and taking
its papers from a pickle costs a tenth of parsing them: 1.4 ms against 11 ms for 128 papers,
6 ms against 65 ms for 532. One file holds one digest, so the cache never grows.

The file starts with a line that says what it was made from: the digest's path as given (a
symlink's name is the digest's name), its size and CRC-32, and the size and time of every module whose code makes a Digest (the parser, the
model, the sanitizer). Anything else (another file, an edited file, another version of the
reader, a damaged cache) is parsed as if there were no cache, and the cache is replaced.
"""

from __future__ import annotations

import os
import pickle
import zlib
from contextlib import suppress
from pathlib import Path

from reader.core import model, sanitize
from reader.core.model import Digest
from reader.core.store.ondisk import STALE_TEMP_SECONDS, remove_stale_temp_files, write_atomic

_CODE = (*sorted(Path(__file__).parent.joinpath("parse").glob("*.py")), Path(model.__file__), Path(sanitize.__file__))
"""The files whose code decides what a digest file parses to."""


class DigestCache:
    """One parsed digest in the file at ``path`` (see the module's docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, file: Path, data: bytes) -> Digest | None:
        """The digest ``file`` parsed to when it held ``data``, if this cache has it."""
        with suppress(Exception):  # missing or damaged: parse
            made_from, _, parsed = self.path.read_bytes().partition(b"\n")
            if made_from == _made_from(file, data):
                digest = pickle.loads(parsed)
                if isinstance(digest, Digest):
                    return digest
        return None

    def put(self, file: Path, data: bytes, digest: Digest) -> None:
        """Keep ``digest``, parsed from ``file`` holding ``data``, for the next start."""
        with suppress(Exception):  # a full disk or a read-only cache folder costs only the speed-up
            self.path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temp_files(self.path, older_than=STALE_TEMP_SECONDS)
            write_atomic(self.path, _made_from(file, data) + b"\n" + pickle.dumps(digest, protocol=pickle.HIGHEST_PROTOCOL), durable=False)


def _made_from(file: Path, data: bytes) -> bytes:
    """One line (``repr`` escapes any newline in the path) naming the file, its content and the code."""
    code = [(info.st_size, info.st_mtime_ns) for info in map(os.stat, _CODE)]
    return repr((os.path.abspath(file), len(data), zlib.crc32(data), code)).encode("utf-8", "backslashreplace")
