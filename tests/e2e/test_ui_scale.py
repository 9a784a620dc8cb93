"""With 10,000 active alerts, the alerts page paints and re-filters in well under a second."""

from __future__ import annotations

import time

import httpx
import pytest
from e2e_support import post_alerts, shot
from playwright.sync_api import expect
from procs import wait_until

pytestmark = pytest.mark.e2e

N = 10_000
BOUND_SECONDS = 5.0  # generous; the target is one second


def _first_contentful_paint_ms(page):
    # The browser records the paint entry shortly after painting; wait for it (bounded) to appear.
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0", timeout=10_000)
    return page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")


def test_ten_thousand_alerts_first_paint_and_filter(server, page):
    srv = server
    for start in range(0, N, 2000):
        post_alerts(srv, [
            {"labels": {"alertname": f"Load{i % 10}", "instance": f"host-{i:05d}",
                        "severity": "critical" if i % 100 == 0 else "warning"},
             "annotations": {"summary": f"load high on host-{i:05d}"}}
            for i in range(start, start + 2000)
        ])
    wait_until(lambda: len(httpx.get(srv.url + "/api/v2/alerts", timeout=30).json()) == N, timeout=60,
               what="10,000 alerts stored")
    # The first visit after the flood pays for asking the muters about every alert once.
    t0 = time.perf_counter()
    page.goto(srv.url + "/ui/alerts")
    expect(page.locator("#alert-count")).to_have_text(str(N))
    cold_s = time.perf_counter() - t0
    cold_fcp_ms = _first_contentful_paint_ms(page)

    t0 = time.perf_counter()
    page.goto(srv.url + "/ui/alerts")
    expect(page.locator("#alert-count")).to_have_text(str(N))
    load_s = time.perf_counter() - t0
    fcp_ms = _first_contentful_paint_ms(page)
    shot(page, "alerts-10k")

    t0 = time.perf_counter()
    page.fill("#filter", 'severity="critical"')
    page.press("#filter", "Enter")
    expect(page.locator("#alert-count")).to_have_text(str(N // 100))
    filter_s = time.perf_counter() - t0
    shot(page, "alerts-10k-filtered")

    print(f"\n10k alerts: first visit: first contentful paint {cold_fcp_ms:.0f} ms, ready {cold_s * 1000:.0f} ms;"
          f" next visit: first contentful paint {fcp_ms:.0f} ms, ready {load_s * 1000:.0f} ms;"
          f" filter change {filter_s * 1000:.0f} ms")
    assert 0 <= cold_fcp_ms < BOUND_SECONDS * 1000 and cold_s < BOUND_SECONDS
    assert 0 <= fcp_ms < BOUND_SECONDS * 1000
    assert load_s < BOUND_SECONDS
    assert filter_s < BOUND_SECONDS
    assert page.locator("li.alert").count() == 50  # one page, not every alert
