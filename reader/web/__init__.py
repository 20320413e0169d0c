"""The reader served to a browser (``digest-reader --serve``); needs the ``web`` extra (textual-serve).

It sits beside the face, on top of nothing of it: each browser tab runs ``digest-reader`` in
its own process, so this package imports neither ``reader.tui`` nor Textual.
"""
