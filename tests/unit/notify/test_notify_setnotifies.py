import asyncio
import threading
from datetime import timedelta

from notify_helpers import alert, ctx

from alertmanager.notify.dedup import ReceiverKey
from alertmanager.notify.setnotifies import BackgroundSync, SetNotifiesStage

KEY = ReceiverKey("team", "webhook", 0)


class ThreadRecordingLog:
    """Records each ``log`` call and the thread it ran in."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.threads: list[threading.Thread] = []

    def record(self, receiver, group_key, firing, resolved, expiry=timedelta(0)):
        self.calls.append((receiver, group_key, tuple(firing), tuple(resolved), expiry))
        self.recorded_in = threading.current_thread()
        return lambda: self.threads.append(threading.current_thread())


async def test_logs_the_notification_before_returning():
    nflog = ThreadRecordingLog()
    c = ctx(firing_alerts=(1, 2), resolved_alerts=(3,), repeat_interval=timedelta(hours=1))
    _, out = await SetNotifiesStage(nflog, KEY)(c, [alert("a")])
    assert len(out) == 1
    assert nflog.calls == [(KEY, c.group_key, (1, 2), (3,), timedelta(hours=2))]
    assert nflog.threads == [threading.main_thread()]


async def test_sync_later_records_now_and_makes_durable_together_in_a_thread():
    nflog = ThreadRecordingLog()
    sync = BackgroundSync(delay=3600)  # nothing becomes durable unless the test says so
    stage = SetNotifiesStage(nflog, KEY, sync_later=sync)
    for group in ("a", "b", "c"):
        await stage(ctx(group_key=group, firing_alerts=(1,)), [alert(group)])
    # recorded on the loop before each stage returned; nothing made durable yet
    assert [call[1] for call in nflog.calls] == ["a", "b", "c"]
    assert nflog.recorded_in is threading.main_thread()
    assert nflog.threads == []
    sync._start()  # what the delay's timer does
    async with asyncio.timeout(5):
        while len(nflog.threads) < 3:
            await asyncio.sleep(0.01)
    assert len({t.ident for t in nflog.threads}) == 1  # one batch, in one worker call
    assert nflog.threads[0] is not threading.main_thread()


async def test_a_failing_sync_is_logged_not_raised(caplog):
    def broken():
        raise OSError("disk gone")

    sync = BackgroundSync(delay=0)
    sync.add(broken)
    async with asyncio.timeout(5):
        while "disk gone" not in caplog.text:
            await asyncio.sleep(0.01)
    assert "making the notification log durable failed" in caplog.text
