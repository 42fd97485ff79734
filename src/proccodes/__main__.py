"""``python -m proccodes``: the same as the ``proccodes`` command."""

from .cli import main

raise SystemExit(main())
