"""Headless Chromium through Playwright, against the live test server."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # beside it are ordinary synchronous calls. Allowed only while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def links_to_the_live_server(request, settings):
    """Emails sent while a browser test runs link to the live server, as they link to the portal's address."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url


AXE = Path(__file__).resolve().parent.parent / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe():
    """`axe(page)` runs axe-core (tests/node, installed by `make setup-test`) on the page and returns its violations
    as "rule: target" lines; a page that passes gives []."""
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `make setup-test` (npm ci in tests/node)")
    source = AXE.read_text(encoding="utf-8")

    def check(page) -> list[str]:
        page.evaluate(source)
        violations = page.evaluate("async () => (await axe.run(document)).violations")
        return [f"{v['id']}: {node['target']}" for v in violations for node in v["nodes"]]

    return check
