"""Browser tests: our server (UI mounted before the API) driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import pytest
from e2e_support import CHROMIUM, CHROMIUM_ARGS, CONFIG, UI_SERVER
from procs import Server, running


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    with running(UI_SERVER, tmp_path / "am", CONFIG) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    # Sync Playwright drives its own event loop; it is stopped (and the loop unset) after each
    # module so the async tests that run later in the session get a clean slate.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        with contextlib.suppress(Exception):
            ctx.close()
