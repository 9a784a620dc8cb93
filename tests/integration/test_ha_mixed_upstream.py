"""A mixed cluster, Go Alertmanager 0.25 ↔ our replica ↔ Go Alertmanager 0.25, as real processes
(the spec's interop plan): membership, silences both ways, nflog dedup across implementations,
leave and failure detection seen by Go, and ``amtool cluster show`` against our node."""

import os
import signal

import pytest
from procs import UPSTREAM_AM, run_amtool, wait_until
from test_ha_support import (
    QUIET,
    add_silence,
    alert,
    by_position,
    cluster_status,
    counting_sink,
    metric,
    nflog_keys,
    post_alerts,
    silence_ids,
    start_replica,
    wait_members,
    webhook_config,
)

pytestmark = pytest.mark.integration


def _sent_by(notification, srv) -> bool:
    return notification.sender.rstrip("/").endswith(f":{srv.port}")


def test_go_python_go_cluster(tmp_path):
    with counting_sink() as sink:
        config = webhook_config(sink.url)
        servers = []
        try:
            # started in name (ULID) order: Go A is position 0, we are 1, Go B is 2; B only knows us
            go_a = start_replica(tmp_path / "go-a", config, None, [], command=[UPSTREAM_AM], name="go-a")
            servers.append(go_a)
            ours = start_replica(tmp_path / "ours", config, None, [f"127.0.0.1:{go_a.cluster_port}"], name="ours")
            servers.append(ours)
            go_b = start_replica(tmp_path / "go-b", config, None, [f"127.0.0.1:{ours.cluster_port}"],
                                 command=[UPSTREAM_AM], name="go-b")
            servers.append(go_b)
            wait_members(servers, 3, timeout=30)
            assert by_position(servers) == [go_a, ours, go_b]

            # amtool 0.25 reads our cluster status
            shown = {}
            for srv in (ours, go_a):
                out = run_amtool(["cluster", "show", "-o", "extended", f"--alertmanager.url={srv.url}"], ours=False)
                assert out.returncode == 0, out.stderr
                assert f"Node Name:       {cluster_status(srv)['name']}" in out.stdout
                shown[srv.port] = [line for line in out.stdout.splitlines() if not line.startswith("Node Name:")]
            assert shown[ours.port] == shown[go_a.port]
            assert "Cluster Status:  ready" in shown[ours.port]
            assert sum(1 for line in shown[ours.port] if line.startswith("127.0.0.1:")) == 3

            # silences both ways, including one too big for a UDP packet (TCP user message)
            sil_go = add_silence(go_a, "FromGo")
            sil_ours = add_silence(ours, "FromOurs")
            sil_big = add_silence(ours, "Oversized", comment="x" * 1024)
            sil_big_go = add_silence(go_b, "OversizedGo", comment="y" * 1024)
            want = {sil_go, sil_ours, sil_big, sil_big_go}
            wait_until(lambda: all(want <= silence_ids(s) for s in servers), timeout=10,
                       what="silences on all three")

            # Go (position 0) notifies; its nflog entry stops us and Go B
            post_alerts(servers, alert("GoSends"))
            [first] = sink.wait("GoSends", 1)
            assert _sent_by(first, go_a)
            wait_until(lambda: first.group_key in nflog_keys(ours), timeout=5, what="Go's entry in our log")

            # Go A leaves; both others see it go, Go B counts a left peer
            left_before = metric(go_b, "alertmanager_cluster_peers_left_total")
            go_a.stop(signal.SIGTERM)
            wait_members([ours, go_b], 2, timeout=20)
            assert metric(go_b, "alertmanager_cluster_peers_left_total") > left_before

            # now we are position 0: our nflog entry stops Go B
            post_alerts([ours, go_b], alert("WeSend"))
            [second] = sink.wait("WeSend", 1)
            assert _sent_by(second, ours)
            sink.quiet(QUIET)  # past Go B's own decision (its position wait)
            assert len(sink.of("GoSends")) == 1
            assert len(sink.of("WeSend")) == 1

            # Go detects our failure, and takes us back when we refute; alone meanwhile, Go B still
            # knows from our log entry that the group was notified
            os.kill(ours.proc.pid, signal.SIGSTOP)
            try:
                wait_until(lambda: len(cluster_status(go_b)["peers"]) == 1, timeout=30,
                           what="Go B to declare us dead")
            finally:
                os.kill(ours.proc.pid, signal.SIGCONT)
            wait_members([ours, go_b], 2, timeout=30)
            assert len(sink.of("GoSends")) == 1
            assert len(sink.of("WeSend")) == 1
        finally:
            for srv in servers:
                srv.stop(signal.SIGKILL)
