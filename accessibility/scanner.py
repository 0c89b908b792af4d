"""Scanning one URL with axe-core in headless Chromium (Debian's /usr/bin/chromium).

The same launch as the test harness (tests/accessibility/browser.py): Playwright drives the
system Chromium with flags for a closed network and a root user; axe-core comes from the
axe-playwright-python package (served from disk, never a CDN).
"""

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 30_000


class ScanError(Exception):
    """The page could not be loaded or axe could not run (message safe to store)."""


def scan_url(url: str) -> list[dict[str, Any]]:
    """axe-core's violations (WCAG 2.0/2.1 A and AA rules) for the page at ``url``."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                page = browser.new_page()
                response = page.goto(url, timeout=TIMEOUT_MS, wait_until="load")
                if response is None or response.status >= 400:
                    status = response.status if response is not None else "—"
                    raise ScanError(f"HTTP {status} for {url}")
                results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
                return list(results.response["violations"])
            finally:
                browser.close()
    except PlaywrightError as error:
        raise ScanError(str(error).splitlines()[0][:500]) from error
