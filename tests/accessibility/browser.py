"""Launching Debian's Chromium through Playwright, and running axe-core in it."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# One launch recipe for the app's scanner and the tests (closed network, root user).
from accessibility.scanner import CHROMIUM, CHROMIUM_ARGS, WCAG_TAGS


@contextmanager
def launch_chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium not found at /usr/bin/chromium: `make test` installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (bundled with axe-playwright-python, served from disk) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return list(results.response["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} → {targets}")
    return "\n".join(lines)


def sign_in(context: Any, live_server: Any, user: Any) -> None:
    """Give a Playwright browser context ``user``'s session (a forced login, as the test client)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def signed_in_page(browser: Any, live_server: Any, user: Any) -> tuple[Any, Any]:
    """A new context signed in as ``user`` and a page in it; the caller closes the context."""
    context = browser.new_context()
    sign_in(context, live_server, user)
    return context, context.new_page()
