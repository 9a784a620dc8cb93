"""Notification pipeline: stages, contexts, the notifier protocol, outgoing HTTP."""

from alertmanager.notify.context import NotifyContext
from alertmanager.notify.dedup import DedupStage, ReceiverKey, hash_alert, needs_update
from alertmanager.notify.metrics import NotifyMetrics
from alertmanager.notify.mute import MuteStage
from alertmanager.notify.notifier import Integration, Notifier, NotifierDeps, NotifyError, Reason
from alertmanager.notify.pipeline import build_pipeline
from alertmanager.notify.retry import Backoff, RetryStage
from alertmanager.notify.setnotifies import SetNotifiesStage
from alertmanager.notify.stage import Fanout, Multi, Routing, Stage
from alertmanager.notify.timemute import TimeActiveStage, TimeMuteStage
from alertmanager.notify.wait import GossipSettleStage, WaitStage

__all__ = [
    "Backoff",
    "DedupStage",
    "Fanout",
    "GossipSettleStage",
    "Integration",
    "Multi",
    "MuteStage",
    "Notifier",
    "NotifierDeps",
    "NotifyContext",
    "NotifyError",
    "NotifyMetrics",
    "Reason",
    "ReceiverKey",
    "RetryStage",
    "Routing",
    "SetNotifiesStage",
    "Stage",
    "TimeActiveStage",
    "TimeMuteStage",
    "WaitStage",
    "build_pipeline",
    "hash_alert",
    "needs_update",
]
