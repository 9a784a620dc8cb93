"""Fixtures for the API tests; the harness itself lives in ``api_harness``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_harness import Harness, make_harness


@pytest.fixture
def h() -> Iterator[Harness]:
    harness = make_harness()
    with harness.client:
        yield harness
