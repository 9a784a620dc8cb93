import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from procs import our_command, running  # noqa: E402


@pytest.fixture
def our_server_factory(tmp_path):
    """Start our server with a config text; every server started is killed at the end."""
    import contextlib

    with contextlib.ExitStack() as stack:
        counter = iter(range(1000))

        def start(config_text: str, extra=(), **kw):
            return stack.enter_context(
                running(our_command(), tmp_path / f"ours{next(counter)}", config_text, extra, **kw)
            )

        yield start
