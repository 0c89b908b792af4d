"""Scanning one URL with axe-core in headless Chromium (Debian's /usr/bin/chromium).

The same launch as the test harness (tests/accessibility/browser.py): Playwright drives the
system Chromium with flags for a closed network and a root user; axe-core comes from the
axe-playwright-python package (served from disk, never a CDN).
"""

from pathlib import Path
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
    """The page could not be loaded or axe could not run (message safe to store).

    ``permanent`` errors (no browser on this worker) are not worth a retry.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def scanner_unavailable() -> str:
    """Why this worker cannot scan (empty when it can): the browser or the packages missing."""
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (install the Debian package chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as error:
        return f"Python package missing: {error.name}"
    return ""


def scan_url(url: str) -> list[dict[str, Any]]:
    """axe-core's violations (WCAG 2.0/2.1 A and AA rules) for the page at ``url``."""
    reason = scanner_unavailable()
    if reason:
        raise ScanError(reason, permanent=True)
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
