"""Axe on the signed-in Karta pages (my card with and without form errors, analytics), pl+en."""

from typing import Any

import pytest

from tests.accessibility.browser import axe_violations, describe
from tests.accessibility.browser import signed_in_page as _signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db: Any) -> None:
    from districts.actions import districts_load_reference

    districts_load_reference()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_my_card_pages_have_no_axe_violations(browser: Any, live_server: Any, prefix: str) -> None:
    from karta import actions
    from tests.karta.factories import ApprovedApplicationFactory

    status = ApprovedApplicationFactory()
    actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    suspended = actions.card_issue(holder=status.user, carrier="plastic", acting_user=status.user)
    actions.card_suspend(card=suspended, acting_user=status.user, reason="zgubiona")
    context, page = _signed_in_page(browser, live_server, status.user)
    failures = []
    try:
        page.goto(f"{live_server.url}{prefix}/karta-krakowska/moja-karta/")
        failures += axe_violations(page)
        # the upload form with an error: a disguised executable
        page.set_input_files(
            "#id_document",
            files=[{"name": "pit.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00evil"}],
        )
        page.locator("form:has(#id_document) button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1
        assert page.locator("#id_document[aria-invalid=true]").count() == 1
        failures += axe_violations(page)
        # the large-family upload with an error: a broken PDF
        page.set_input_files(
            "#id_family-document",
            files=[{"name": "kdr.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 x"}],
        )
        page.locator("form:has(#id_family-document) button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("#id_family-document[aria-invalid=true]").count() == 1
        failures += axe_violations(page)
        # approved large family: the entitlement table and the large-family card choice
        from datetime import timedelta

        from django.utils import timezone

        actions.large_family_verify_in_person(
            user=status.user,
            valid_until=timezone.localdate() + timedelta(days=300),
            children_count=3,
            acting_user=status.user,
        )
        page.goto(f"{live_server.url}{prefix}/karta-krakowska/moja-karta/")
        assert page.locator("#id_large_family").count() == 1
        failures += axe_violations(page)
    finally:
        context.close()
    assert failures == [], describe(failures)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_analytics_page_has_no_axe_violations(browser: Any, live_server: Any, prefix: str) -> None:
    from django.contrib.auth.models import Permission

    from tests.accounts.factories import UserFactory
    from tests.karta.factories import OfferFactory
    from tests.karta.test_views import _events

    analyst = UserFactory(is_staff=True)
    analyst.user_permissions.add(Permission.objects.get(codename="view_analytics"))
    offer = OfferFactory(title="Wstęp (a11y)")
    _events(offer, 12)
    context, page = _signed_in_page(browser, live_server, analyst)
    try:
        page.goto(
            f"{live_server.url}{prefix}/karta-krakowska/analityka/?offer={offer.pk}&new_percent=30"
        )
        violations = axe_violations(page)
        page.goto(f"{live_server.url}{prefix}/karta-krakowska/analityka/?offer=abc")
        violations += axe_violations(page)
    finally:
        context.close()
    assert violations == [], describe(violations)
