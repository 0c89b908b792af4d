"""Keyboard-only use, reflow at 320 px and text at 200 %, and an automated scan of a page
served by the live server (R-A11Y-2, R-A11Y-3)."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from accessibility.models import AccessibilityRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIN_PAGES = [
    "/",
    "/dzielnice/",
    "/dostepnosc/",
    "/dostepnosc/budynki/",
    "/dostepnosc/budynki/pl-wszystkich-swietych-3-4/",
    "/dostepnosc/harmonogram/",
    "/dostepnosc/serwisy/bip/",
    "/dostepnosc/deklaracja/",
    "/dostepnosc/zgloszenie/",
    "/konto/login/",
]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):  # type: ignore[no-untyped-def]
    from django.apps import apps

    from accessibility.programme import load_all
    from districts.actions import districts_load_reference

    districts_load_reference()
    load_all(get_model=apps.get_model)


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def _active(page) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return page.evaluate(
        "() => ({id: document.activeElement.id, cls: document.activeElement.className,"
        " tag: document.activeElement.tagName, text: document.activeElement.textContent.trim(),"
        " inNav: !!document.activeElement.closest('.main-nav'),"
        " inLang: !!document.activeElement.closest('.lang-switch')})"
    )


def test_keyboard_reaches_skip_link_first_then_main_nav_and_language(page, live_server):  # type: ignore[no-untyped-def]
    # given the home page
    page.goto(f"{live_server.url}/")
    # when the first Tab is pressed, the skip link has focus
    page.keyboard.press("Tab")
    assert "skip-link" in _active(page)["cls"]
    # and Enter on it moves focus to the main content
    page.keyboard.press("Enter")
    assert _active(page)["id"] == "main"
    # then from the top, Tab reaches the language switch and the main navigation
    page.goto(f"{live_server.url}/")
    seen_lang = seen_nav = False
    for _ in range(40):
        page.keyboard.press("Tab")
        active = _active(page)
        seen_lang |= active["inLang"]
        seen_nav |= active["inNav"]
    assert seen_lang
    assert seen_nav


def test_request_form_can_be_filled_and_sent_with_the_keyboard(page, live_server):  # type: ignore[no-untyped-def]
    # given the request form
    page.goto(f"{live_server.url}/dostepnosc/zgloszenie/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if _active(page)["id"] == "id_kind_0":
            break
    assert _active(page)["id"] == "id_kind_0"
    # when every field is filled and the form sent with keys only
    page.keyboard.press("Space")
    for text in ["Anna Nowak", "anna@example.org", "", "https://portal/", "Brak napisów", ""]:
        page.keyboard.press("Tab")
        if text:
            page.keyboard.type(text)
    page.keyboard.press("Tab")
    assert _active(page)["tag"] == "BUTTON"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then the request is stored and the confirmation shown
    assert page.url.endswith("/dostepnosc/zgloszenie/wyslane/")
    stored = AccessibilityRequest.objects.get()
    assert (stored.kind, stored.name, stored.description) == (
        "request",
        "Anna Nowak",
        "Brak napisów",
    )


def _horizontal_overflow(page) -> int:  # type: ignore[no-untyped-def]
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def test_main_pages_reflow_at_320_px(page, live_server):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 320, "height": 800})
    overflowing = []
    for path in MAIN_PAGES:
        page.goto(f"{live_server.url}{path}")
        if _horizontal_overflow(page) > 0:
            overflowing.append(f"{path}: {_horizontal_overflow(page)} px")
    assert overflowing == []


def test_main_pages_with_text_at_200_percent_do_not_scroll_sideways(page, live_server):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    overflowing = []
    for path in MAIN_PAGES:
        page.goto(f"{live_server.url}/en{path}")
        page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        if _horizontal_overflow(page) > 0:
            overflowing.append(f"{path}: {_horizontal_overflow(page)} px")
    assert overflowing == []


def test_scanner_finds_no_violations_on_the_statement_served_by_live_server(live_server):  # type: ignore[no-untyped-def]
    from accessibility import actions
    from accessibility.models import Scan
    from accessibility.scanner import scan_url
    from tests.accessibility.factories import website

    site = website(url=f"{live_server.url}/")
    scan = Scan.objects.create(website=site, url=f"{live_server.url}/dostepnosc/deklaracja/")
    # Playwright's sync API cannot nest in the thread that holds the session's browser.
    with ThreadPoolExecutor(1) as pool:
        violations = pool.submit(scan_url, scan.url).result(timeout=120)
    stored = actions.scan_store_result(scan=scan, violations=violations)
    assert (stored.status, stored.violation_count) == ("done", 0)


def test_scanner_reports_an_unreachable_page(live_server):  # type: ignore[no-untyped-def]
    from accessibility.scanner import ScanError, scan_url

    with ThreadPoolExecutor(1) as pool, pytest.raises(ScanError):
        pool.submit(scan_url, f"{live_server.url}/strona-ktorej-nie-ma/").result(timeout=120)
