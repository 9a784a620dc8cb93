"""``python -m alertmanager``: run the server."""

from alertmanager.cli.server import main

raise SystemExit(main())
