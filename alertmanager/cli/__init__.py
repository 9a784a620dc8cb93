"""Command-line entry points: the server and amtool."""
