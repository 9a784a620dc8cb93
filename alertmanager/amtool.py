"""``python -m alertmanager.amtool``: the same as the ``amtool`` console script."""

from alertmanager.cli.amtool import main

if __name__ == "__main__":
    main()
