"""Every public page, in Polish and English, has zero WCAG 2.0/2.1 A and AA violations."""

import pytest

from tests.accessibility.browser import axe_violations, describe
from tests.accessibility.pages import LANGUAGE_PREFIXES, PUBLIC_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):  # type: ignore[no-untyped-def]
    # Transactional tests flush the tables, data migrations included: load them again.
    from districts.actions import districts_load_reference

    districts_load_reference()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("language", sorted(LANGUAGE_PREFIXES))
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, live_server, path, language):  # type: ignore[no-untyped-def]
    # given a public page in one language
    url = f"{live_server.url}{LANGUAGE_PREFIXES[language]}{path}"
    # when it is loaded in headless Chromium and axe-core runs on it
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page)
    # then axe finds nothing
    assert violations == [], describe(violations)
