"""Fixtures for the UI page tests (helpers live in ui_env.py)."""

import pytest
from ui_env import UiEnv


@pytest.fixture
def env() -> UiEnv:
    return UiEnv()
