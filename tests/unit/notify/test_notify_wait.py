from datetime import timedelta

import pytest
from notify_helpers import T0, alert, ctx

from alertmanager.notify.wait import GossipSettleStage, WaitStage


@pytest.mark.parametrize(("position", "expected"), [(0, []), (1, [15.0]), (2, [30.0])], ids=["pos0", "pos1", "pos2"])
async def test_wait_is_position_times_peer_timeout(position, expected, sleep):
    stage = WaitStage(lambda: position, timedelta(seconds=15), sleep=sleep)
    _, out = await stage(ctx(), [alert("a")])
    assert sleep.calls == expected and len(out) == 1


async def test_position_is_read_when_the_stage_runs(sleep):
    pos = [0]
    stage = WaitStage(lambda: pos[0], timedelta(seconds=3), sleep=sleep)
    pos[0] = 2
    await stage(ctx(), [alert("a")])
    assert sleep.calls == [6.0]


async def test_wait_never_passes_the_deadline(sleep):
    stage = WaitStage(lambda: 2, timedelta(seconds=15), sleep=sleep)
    with pytest.raises(TimeoutError):
        await stage(ctx(deadline=T0 + timedelta(seconds=10)), [alert("a")])
    assert sleep.calls == [10.0]


class Peer:
    def __init__(self):
        self.waited = 0

    async def wait_ready(self):
        self.waited += 1


async def test_gossip_settle_waits_for_the_peer():
    peer = Peer()
    _, out = await GossipSettleStage(peer)(ctx(), [alert("a")])
    assert peer.waited == 1 and len(out) == 1


async def test_gossip_settle_without_peer_passes():
    _, out = await GossipSettleStage(None)(ctx(), [alert("a")])
    assert len(out) == 1
