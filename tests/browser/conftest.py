"""Real-browser tests: Playwright's Python API driving Debian's Chromium (/usr/bin/chromium; no
browser download). Every page a test opens is watched: a request to any host other than the live
test server, or a Content Security Policy violation, fails the test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser.watch import WatchedPage

CHROMIUM = Path(os.environ.get("PASSGENAU_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    LAUNCH_ARGS.append("--no-sandbox")  # Chromium's sandbox refuses to run as root


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium (`make test` does so as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def watched(browser, live_server):
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watched = WatchedPage(page, live_server.url)
    yield watched
    context.close()
    assert watched.foreign_requests() == [], "requests left 127.0.0.1"
    assert watched.csp_violations == [], "Content Security Policy violations"
    assert watched.requests, "the test made no request at all"
