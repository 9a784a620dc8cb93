"""Helpers for the browser tests: the server command, the config, posting alerts, screenshots."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

from procs import Server, our_command  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

UI_SERVER = our_command()

CONFIG = """
route:
  receiver: default
  group_by: [alertname]
  routes:
    - receiver: pager
      matchers: ['severity="critical"']
receivers:
  - name: default
  - name: pager
"""


def post_alerts(srv: Server, alerts: list[dict]) -> None:
    r = httpx.post(srv.url + "/api/v2/alerts", json=alerts, timeout=30)
    assert r.status_code == 200, r.text


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/e2e/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
