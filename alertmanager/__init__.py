"""A highly available, drop-in replacement for Prometheus Alertmanager."""

__version__ = "0.1.0"
