"""Many days of digests read as one inbox: which files are days (``days``), how the days
merge into one set of papers (``inbox``), the sidebar over them (``library``), and loading
and watching them off the UI thread (``loading``, ``watch``). Plain Python, no Textual."""
