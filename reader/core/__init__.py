"""The pure core: digests, marks, search and export as plain Python. Nothing here imports Textual."""
