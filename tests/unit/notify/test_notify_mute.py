from dataclasses import dataclass
from datetime import timedelta

import pytest
from notify_helpers import T0, alert, ctx

from alertmanager.notify.mute import MuteStage
from alertmanager.notify.timemute import TimeActiveStage, TimeMuteStage


class TeamMuter:
    def __init__(self):
        self.seen_now = []

    def mutes(self, labels, now, fp=None):
        self.seen_now.append(now)
        return labels.get("team") == "muted"


@dataclass(frozen=True)
class Window:
    """Stands in for a TimeInterval: contains t when start <= t < end."""

    start: object
    end: object

    def contains(self, t):
        return self.start <= t < self.end


INTERVALS = {
    "now": [Window(T0 - timedelta(hours=1), T0 + timedelta(hours=1))],
    "later": [Window(T0 + timedelta(hours=5), T0 + timedelta(hours=6))],
    "either": [Window(T0 + timedelta(hours=5), T0 + timedelta(hours=6)), Window(T0, T0 + timedelta(seconds=1))],
}


def value(registry, name, **labels):
    return registry.get_sample_value(name, labels)


async def test_mute_stage_drops_muted_alerts_and_counts_them(metrics, registry):
    muter = TeamMuter()
    stage = MuteStage(muter, reason="silence", metrics=metrics)
    _, out = await stage(ctx(), [alert("a", team="muted"), alert("b", team="x"), alert("c", team="muted")])
    assert [a.labels["alertname"] for a in out] == ["b"]
    assert muter.seen_now == [T0] * 3
    assert value(registry, "alertmanager_notifications_suppressed_total", reason="silence") == 2


@pytest.mark.parametrize(
    ("mute", "kept", "marked"),
    [((), True, ()), (("later",), True, ()), (("now",), False, ("now",)), (("later", "either"), False, ("either",))],
    ids=["no-intervals", "outside", "inside", "one-of-several"],
)
async def test_time_mute_stage(mute, kept, marked, metrics, registry):
    marks = []
    stage = TimeMuteStage(INTERVALS, metrics=metrics, marker=lambda *a: marks.append(a))
    _, out = await stage(ctx(mute_time_intervals=mute, route_id="r1"), [alert("a"), alert("b")])
    assert (len(out) == 2) is kept and (out == []) is (not kept)
    assert marks == [("r1", '{}:{alertname="a"}', marked)]
    expected = 0 if kept else 2
    assert value(registry, "alertmanager_notifications_suppressed_total", reason="mute_time_interval") == (
        expected or None
    )


@pytest.mark.parametrize(
    ("active", "kept"),
    [((), True), (("now",), True), (("later",), False), (("later", "either"), True)],
    ids=["no-intervals-always-active", "inside", "outside", "inside-one-of-several"],
)
async def test_time_active_stage(active, kept, metrics):
    marks = []
    stage = TimeActiveStage(INTERVALS, metrics=metrics, marker=lambda *a: marks.append(a))
    _, out = await stage(ctx(active_time_intervals=active), [alert("a")])
    assert bool(out) is kept
    assert marks[0][2] == (() if kept else active)


async def test_unknown_interval_name_is_an_error():
    with pytest.raises(LookupError, match="nope"):
        await TimeMuteStage(INTERVALS)(ctx(mute_time_intervals=("nope",)), [alert("a")])
