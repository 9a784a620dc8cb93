import pytest
from silences_helpers import FakeClock

from alertmanager.silences import Silences


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> Silences:
    return Silences(clock=clock)
