"""The notification log: what was sent to whom and when, replicated and persisted."""

from alertmanager.nflog._codec import Entry, NflogError
from alertmanager.nflog.log import NotificationLog

__all__ = ["Entry", "NflogError", "NotificationLog"]
