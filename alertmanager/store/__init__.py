"""In-memory alert storage and per-alert status."""
