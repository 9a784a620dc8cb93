"""Three of our replicas as real processes: replicated silences, one notification per group,
and the faults of issue 6 (SIGKILL, SIGSTOP/SIGCONT, restart with empty storage)."""

import os
import shutil
import signal
import time

import pytest
from procs import free_port, wait_until
from test_ha_support import (
    PEER_TIMEOUT,
    QUIET,
    add_silence,
    alert,
    by_position,
    cluster_status,
    counting_sink,
    metric,
    nflog_keys,
    post_alerts,
    replicas,
    silence_ids,
    start_replica,
    wait_members,
    webhook_config,
)

pytestmark = pytest.mark.integration


def test_one_notification_per_group_through_group_interval_repeat_and_resolution(tmp_path):
    # repeat_interval is not a multiple of group_interval, so no flush sits on the boundary
    config = webhook_config("SINK", group_interval="5s", repeat_interval="8s")
    with counting_sink() as sink, replicas(tmp_path, config.replace("SINK", sink.url)) as rs:
        wait_members(rs, 3)
        post_alerts(rs, alert("Cycle", i="1"))
        first = sink.wait("Cycle", 1)
        assert first[0].status == "firing" and len(first[0].alerts) == 1
        # a new alert in the group goes out at the next group_interval
        post_alerts(rs, alert("Cycle", i="1"), alert("Cycle", i="2"))
        grown = sink.wait("Cycle", 2)
        assert grown[1].status == "firing" and len(grown[1].alerts) == 2
        # nothing changes: the group is re-sent once per repeat_interval
        repeated = sink.wait("Cycle", 3, timeout=30)
        assert repeated[2].alerts == repeated[1].alerts
        post_alerts(rs, alert("Cycle", resolved=True, i="1"), alert("Cycle", resolved=True, i="2"))
        resolved = sink.wait("Cycle", 4)
        assert resolved[3].status == "resolved"
        sink.quiet(QUIET)
        got = sink.of("Cycle")
        assert [(n.status, len(n.alerts)) for n in got] == [
            ("firing", 1), ("firing", 2), ("firing", 2), ("resolved", 2)
        ], got


def test_sigkill_of_position_0_mid_stream_the_next_replica_sends_once(tmp_path):
    with counting_sink() as sink, replicas(tmp_path, webhook_config(sink.url)) as rs:
        wait_members(rs, 3)
        order = by_position(rs)
        post_alerts(rs, alert("Before"))
        [sent] = sink.wait("Before", 1)
        assert sent.sender == order[0].url
        # mid-stream: after the notification is logged and gossiped (a kill between the send and
        # the gossip loses the log entry, and then a second copy is what upstream sends too)
        wait_until(lambda: all(sent.group_key in nflog_keys(s) for s in order[1:]), timeout=5,
                   what="the nflog entry on the other replicas")
        order[0].stop(signal.SIGKILL)
        survivors = order[1:]
        post_alerts(survivors, alert("Before"), alert("After"))
        t0 = time.monotonic()
        # group_wait, then position 1's wait (the dead node counts until declared dead), plus slack
        [after] = sink.wait("After", 1, timeout=1 + PEER_TIMEOUT + 10)
        assert after.sender == survivors[0].url
        assert after.at - t0 < 1 + PEER_TIMEOUT + 10
        post_alerts(survivors, alert("Before", resolved=True), alert("After"))
        sink.wait("Before", 2)
        sink.quiet(QUIET)
        assert [n.status for n in sink.of("Before")] == ["firing", "resolved"]
        assert [n.status for n in sink.of("After")] == ["firing"]


def test_sigstop_replica_is_declared_dead_then_refutes_and_rejoins(tmp_path):
    with counting_sink() as sink, replicas(tmp_path, webhook_config(sink.url)) as rs:
        wait_members(rs, 3)
        stopped, live = rs[2], rs[:2]
        name = cluster_status(stopped)["name"]
        alive_before = metric(live[0], "alertmanager_cluster_alive_messages_total", f'peer="{name}"')
        failed_before = metric(live[0], "alertmanager_cluster_peers_left_total")
        os.kill(stopped.proc.pid, signal.SIGSTOP)
        try:
            wait_members(live, 2, timeout=30)
            assert metric(live[0], "alertmanager_cluster_peers_left_total") > failed_before
        finally:
            os.kill(stopped.proc.pid, signal.SIGCONT)
        wait_members(rs, 3, timeout=30)
        # it came back by refuting: a fresh alive message about it reached the others
        assert metric(live[0], "alertmanager_cluster_alive_messages_total", f'peer="{name}"') > alive_before
        # and it works as a member again: a silence made on it replicates
        sid = add_silence(stopped, "AfterRejoin")
        wait_until(lambda: all(sid in silence_ids(s) for s in live), timeout=5, what="silence from rejoined")


def test_silences_replicate_within_2s_and_a_replica_restarted_empty_gets_everything(tmp_path):
    config = webhook_config("SINK")
    with counting_sink() as sink, replicas(tmp_path, config.replace("SINK", sink.url)) as rs:
        wait_members(rs, 3)
        sids = set()
        for i, origin in enumerate(rs):
            sid = add_silence(origin, f"Muted{i}", comment=f"from {origin.url}")
            others = [s for s in rs if s is not origin]
            wait_until(lambda sid=sid, others=others: all(sid in silence_ids(s) for s in others),
                       timeout=2, interval=0.02,
                       what="silence on the other replicas")
            sids.add(sid)
        post_alerts(rs, alert("Logged"))
        [sent] = sink.wait("Logged", 1)

        # kill one, wipe its storage, bring it back on a new address: push/pull refills it
        victim = rs[2]
        victim.stop(signal.SIGKILL)
        shutil.rmtree(victim.workdir / "data")
        peers = [f"127.0.0.1:{s.cluster_port}" for s in rs[:2]]
        fresh = start_replica(victim.workdir, config.replace("SINK", sink.url), f"127.0.0.1:{free_port()}",
                              peers, name="fresh")
        rs.append(fresh)  # cleaned up with the others
        wait_until(lambda: sids <= silence_ids(fresh), timeout=10, what="silences on the fresh replica")

        wait_until(lambda: sent.group_key in nflog_keys(fresh), timeout=10, what="nflog entry on the fresh replica")
