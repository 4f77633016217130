"""``python -m pneumo_core``: the command line (see ``pneumo_core.cli``)."""

from .cli import main

raise SystemExit(main())
