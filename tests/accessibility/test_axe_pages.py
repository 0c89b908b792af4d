"""Every public page, in Polish and English, has zero WCAG 2.0/2.1 A and AA violations.

The pages come from tests/accessibility/pages.py: the foundation's list plus each app's
``a11y_pages.pages()``, which may create the objects its pages show.
"""

import pytest

from tests.accessibility.browser import axe_violations, describe
from tests.accessibility.pages import LANGUAGE_PREFIXES, page_providers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROVIDERS = page_providers()


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
@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_public_pages_have_no_axe_violations(page, live_server, provider, language):  # type: ignore[no-untyped-def]
    # given the public pages of one part of the portal, in one language
    paths = PROVIDERS[provider]()
    assert paths, f"{provider} lists no pages"
    failures = []
    for path in paths:
        # when each is loaded in headless Chromium and axe-core runs on it
        post = path.startswith("POST ")
        path = path.removeprefix("POST ")
        page.goto(f"{live_server.url}{LANGUAGE_PREFIXES[language]}{path}")
        if post:
            # "POST <path>": submit the page's form empty, so axe checks its error state.
            with page.expect_navigation():
                page.evaluate(
                    "HTMLFormElement.prototype.submit.call("
                    "document.querySelector('main form[method=post]'))"
                )
        if page.locator("html").get_attribute("lang") != language:
            failures.append(f"{path}: <html lang> is not {language!r}")
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}:\n{describe(violations)}")
    # then axe finds nothing on any of them
    assert failures == [], "\n".join(failures)
