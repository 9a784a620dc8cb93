"""``python -m alertmanager.amtool``: the same as the ``amtool`` console script."""

import importlib

if __name__ == "__main__":
    # Imported by name: this shim sits beside ``cli`` in the layering, not above it.
    importlib.import_module("alertmanager.cli.amtool").main()
