"""Read and starred marks, kept by arXiv id in a local TOML file that survives a real machine.

Layers, each importing only those before it:

* :mod:`.marks`: the marks in memory (the read set grouped by month, the state, this instance's
  pending ops and how they go on top of a state), and the queries and changes of the API. Pure.
* :mod:`.fileformat`: bytes to a state and back, the sorted literal-string TOML; what it keeps
  of a file it does not fully understand. Pure.
* :mod:`.ondisk`: the file as a file: its lock, a stable read, an atomic write, moving it aside.
* :mod:`.parsecache`: the state as last written, parsed, keyed by its bytes: a start takes it
  instead of parsing thousands of saved papers.
* :mod:`.sync`: ``FileSync``, how marks meet the file: read it, take in other instances'
  saves, write this instance's ops on top, and the notices when something is wrong.
* :mod:`.engine`: :class:`MarkStore`, when that happens: the save thread, flush, close, rescue.

Adding a kind of mark (as tags and notes were) is a few edits, none in the engine: a field in
``marks.State`` (and its ``copy``) and in ``marks.Ops`` (``__bool__``, ``apply``, ``update``);
its queries and changes in ``marks.Marks``, each change going through ``_record``; a parser in
``fileformat.parse``'s sections and its writer in ``fileformat.dump``. Bump FORMAT_VERSION only
when older versions must not write the file: they keep tables they do not know anyway.
"""

from reader.core.store.engine import FLUSH_WAIT, SAVE_DELAY, MarkStore, StateFileError
from reader.core.store.fileformat import FORMAT_VERSION

__all__ = ["FLUSH_WAIT", "FORMAT_VERSION", "SAVE_DELAY", "MarkStore", "StateFileError"]
