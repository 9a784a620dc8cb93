"""A network partition between three of our replicas: at-least-once delivery on both sides, and
after healing the cluster re-forms and the silences made on each side converge.

The partition is the cluster's test hook ($ALERTMANAGER_CLUSTER_PARTITION_FILE, cluster/_partition.py):
every replica re-reads the file and drops gossip packets and streams that would cross the cut.
"""

from pathlib import Path

import pytest
from procs import Server, wait_until
from test_ha_support import (
    add_silence,
    alert,
    by_position,
    counting_sink,
    post_alerts,
    replicas,
    silence_ids,
    wait_members,
    webhook_config,
)

from cluster._partition import PARTITION_ENV

pytestmark = pytest.mark.integration


def cut_off(path: Path, *servers: Server) -> None:
    """Put ``servers`` on one side of the partition, every other replica on the other."""
    path.write_text(" ".join(f"127.0.0.1:{s.cluster_port}" for s in servers) + "\n")


def heal(path: Path) -> None:
    path.write_text("")


def senders(sink_of: list, servers: list[Server]) -> set[str]:
    urls = {s.url for s in servers}
    return {n.sender for n in sink_of if n.sender in urls}


def test_partition_delivers_at_least_once_and_heals_with_silences_converging(tmp_path, monkeypatch):
    rules = tmp_path / "partition"
    monkeypatch.setenv(PARTITION_ENV, str(rules))
    with counting_sink() as sink, replicas(tmp_path, webhook_config("SINK").replace("SINK", sink.url)) as rs:
        wait_members(rs, 3)
        # cut off the replica every other one defers to (position 0): the majority must not
        # wait for a notification log entry that can no longer reach it
        order = by_position(rs)
        lone, majority = order[0], order[1:]
        cut_off(rules, lone)

        # posted before anyone noticed: positions still count the unreachable replica
        post_alerts(rs, alert("DuringDetection"))
        wait_members([lone], 1, timeout=25)
        wait_members(majority, 2, timeout=25)
        # posted after membership split: each side is a cluster of its own
        post_alerts(rs, alert("AfterSplit"))

        # at-least-once: every group reaches the sink from both sides (duplicates allowed)
        for name in ("DuringDetection", "AfterSplit"):
            wait_until(lambda name=name: senders(sink.of(name), [lone]) and senders(sink.of(name), majority),
                       timeout=15, what=f"{name} notified by both sides")
            assert {n.status for n in sink.of(name)} == {"firing"}

        # silences made on each side stay on that side while the partition lasts
        on_lone = add_silence(lone, "SilencedAlone")
        on_majority = add_silence(majority[0], "SilencedByMajority")
        wait_until(lambda: on_majority in silence_ids(majority[1]), timeout=5, what="silence within the majority")
        assert on_majority not in silence_ids(lone)
        assert all(on_lone not in silence_ids(s) for s in majority)

        heal(rules)
        wait_members(rs, 3, timeout=25)
        wait_until(lambda: all({on_lone, on_majority} <= silence_ids(s) for s in rs), timeout=10,
                   what="both sides' silences on every replica")
