"""`python -m reader` is the `digest-reader` command."""

from reader.cli import main

raise SystemExit(main())
