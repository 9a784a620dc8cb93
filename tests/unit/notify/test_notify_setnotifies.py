import threading
from datetime import timedelta

import pytest
from notify_helpers import alert, ctx

from alertmanager.notify.dedup import ReceiverKey
from alertmanager.notify.setnotifies import SetNotifiesStage

KEY = ReceiverKey("team", "webhook", 0)


class ThreadRecordingLog:
    """Records each ``log`` call and the thread it ran in."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.threads: list[threading.Thread] = []

    def log(self, receiver, group_key, firing, resolved, expiry=timedelta(0)):
        self.calls.append((receiver, group_key, tuple(firing), tuple(resolved), expiry))
        self.threads.append(threading.current_thread())


@pytest.mark.parametrize("in_thread", [False, True], ids=["on-loop", "in-thread"])
async def test_logs_the_notification_before_returning(in_thread):
    nflog = ThreadRecordingLog()
    c = ctx(firing_alerts=(1, 2), resolved_alerts=(3,), repeat_interval=timedelta(hours=1))
    _, out = await SetNotifiesStage(nflog, KEY, in_thread=in_thread)(c, [alert("a")])
    assert len(out) == 1
    assert nflog.calls == [(KEY, c.group_key, (1, 2), (3,), timedelta(hours=2))]
    assert (nflog.threads[0] is threading.main_thread()) is not in_thread
