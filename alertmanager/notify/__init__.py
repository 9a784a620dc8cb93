"""Notification pipeline: stages, contexts, notifier protocol."""
