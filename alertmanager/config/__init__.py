"""Configuration: alertmanager.yml loaded into frozen values."""
