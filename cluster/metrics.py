"""The cluster's Prometheus metrics, with upstream's names, registered on an injected registry."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["ClusterMetrics"]


class ClusterMetrics:
    """alertmanager_cluster_*, alertmanager_peer_position and the oversized-message metrics."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        r = registry
        self.members = Gauge(
            "alertmanager_cluster_members", "Number indicating current number of members in cluster.",
            registry=r,
        )
        self.failed_peers = Gauge(
            "alertmanager_cluster_failed_peers",
            "Number indicating the current number of failed peers in the cluster.", registry=r,
        )
        self.health_score = Gauge(
            "alertmanager_cluster_health_score",
            "Health score of the cluster. Lower values are better and zero means 'totally healthy'.",
            registry=r,
        )
        self.position = Gauge(
            "alertmanager_peer_position",
            "Position the Alertmanager instance believes it's in. The position determines a peer's "
            "behavior in the cluster.", registry=r,
        )
        self.peer_info = Gauge(
            "alertmanager_cluster_peer_info", "A metric with a constant '1' value labeled by peer name.",
            ["peer"], registry=r,
        )
        self.peers_joined = Counter(
            "alertmanager_cluster_peers_joined", "A counter of the number of peers that have joined.", registry=r
        )
        self.peers_left = Counter(
            "alertmanager_cluster_peers_left", "A counter of the number of peers that have left.", registry=r
        )
        self.peers_update = Counter(
            "alertmanager_cluster_peers_update",
            "A counter of the number of peers that have updated metadata.", registry=r,
        )
        self.reconnections = Counter(
            "alertmanager_cluster_reconnections",
            "A counter of the number of cluster peer reconnections.", registry=r,
        )
        self.reconnections_failed = Counter(
            "alertmanager_cluster_reconnections_failed",
            "A counter of the number of failed cluster peer reconnection attempts.", registry=r,
        )
        self.refresh_join = Counter(
            "alertmanager_cluster_refresh_join",
            "A counter of the number of cluster peer joined via refresh.", registry=r,
        )
        self.refresh_join_failed = Counter(
            "alertmanager_cluster_refresh_join_failed",
            "A counter of the number of failed cluster peer joined attempts via refresh.", registry=r,
        )
        self.alive_messages = Counter(
            "alertmanager_cluster_alive_messages", "Total number of received alive messages.", ["peer"],
            registry=r,
        )
        self.pings = Histogram(
            "alertmanager_cluster_pings_seconds", "Histogram of latencies for ping messages.", ["peer"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=r,
        )
        self.messages_received = Counter(
            "alertmanager_cluster_messages_received", "Total number of cluster messages received.",
            ["msg_type"], registry=r,
        )
        self.messages_received_size = Counter(
            "alertmanager_cluster_messages_received_size", "Total size of cluster messages received.",
            ["msg_type"], registry=r,
        )
        self.messages_sent = Counter(
            "alertmanager_cluster_messages_sent", "Total number of cluster messages sent.", ["msg_type"],
            registry=r,
        )
        self.messages_sent_size = Counter(
            "alertmanager_cluster_messages_sent_size", "Total size of cluster messages sent.", ["msg_type"],
            registry=r,
        )
        self.messages_pruned = Counter(
            "alertmanager_cluster_messages_pruned", "Total number of cluster messages pruned.", registry=r
        )
        self.messages_queued = Gauge(
            "alertmanager_cluster_messages_queued", "Number of cluster messages which are queued.", registry=r
        )
        for kind in ("full_state", "update"):
            for c in (self.messages_received, self.messages_received_size, self.messages_sent,
                      self.messages_sent_size):
                c.labels(msg_type=kind)
        self.oversize_sent = Counter(
            "alertmanager_oversized_gossip_message_sent", "Number of oversized gossip message sent.",
            ["key"], registry=r,
        )
        self.oversize_failed = Counter(
            "alertmanager_oversized_gossip_message_failure",
            "Number of oversized gossip message sends that failed.", ["key"], registry=r,
        )
        self.oversize_dropped = Counter(
            "alertmanager_oversized_gossip_message_dropped",
            "Number of oversized gossip messages that were dropped due to a full message queue.",
            ["key"], registry=r,
        )
        self.oversize_duration = Histogram(
            "alertmanager_oversize_gossip_message_duration_seconds",
            "Duration of oversized gossip message requests.", ["key"], registry=r,
        )
