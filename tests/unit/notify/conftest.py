import pytest
from notify_helpers import FakeClock, FakeSleep
from prometheus_client import CollectorRegistry

from alertmanager.notify.metrics import NotifyMetrics


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleep(clock: FakeClock) -> FakeSleep:
    return FakeSleep(clock)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> NotifyMetrics:
    return NotifyMetrics(registry)
