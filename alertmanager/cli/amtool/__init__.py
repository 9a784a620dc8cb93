"""``amtool``: upstream's CLI for Alertmanager, one module per command.

``main()`` is the console script. Global flags live on the group (:mod:`._app`); a command is a
module that defines a ``click`` command and is listed in :data:`_app.COMMANDS`.
"""

from alertmanager.cli.amtool._app import GlobalOptions, cli, main

__all__ = ["GlobalOptions", "cli", "main"]
