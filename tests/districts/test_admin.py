"""Clerks' admin screens: every save goes through an action, and a refusal of the action is a
form error on the page (200), never a 500, with nothing saved."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from districts.models import (
    CouncilOffice,
    CouncilSession,
    DeadlineOverride,
    District,
    DistrictYearInput,
    FundsPlanYear,
)
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import enable_totp, mfa_login

pytestmark = pytest.mark.django_db

MODEL_PERMS = [
    f"{verb}_{model}"
    for verb in ("view", "add", "change", "delete")
    for model in (
        "fundsplanyear",
        "districtyearinput",
        "deadlineoverride",
        "counciloffice",
        "councilsession",
    )
]


def _admin_client(*extra_perms: str) -> tuple[Client, object]:
    clerk = UserFactory(is_staff=True)
    for codename in (*MODEL_PERMS, *extra_perms):
        clerk.user_permissions.add(
            Permission.objects.get(content_type__app_label="districts", codename=codename)
        )
    client = Client()
    assert mfa_login(client, clerk, enable_totp(clerk)).status_code == 302
    return client, clerk


@pytest.fixture
def clerk_client():
    return _admin_client("override_deadline")


@pytest.fixture
def clerk_client_without_override():
    return _admin_client()


def _refused(response, text: str = "") -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "errornote" in html or "errorlist" in html
    if text:
        assert text in html
    return html


@pytest.mark.parametrize(
    ("year", "total"),
    [(2023, "1000.00"), (2026, "-5.00"), (2026, "0")],
)
def test_funds_plan_refusals_are_form_errors(clerk_client, year, total):
    client, _clerk = clerk_client
    response = client.post(
        "/admin/districts/fundsplanyear/add/",
        {"year": year, "total": total, "filing_deadline": f"{max(year, 2024)}-03-31"},
    )
    _refused(response)
    assert not FundsPlanYear.objects.exists()


def test_funds_plan_saved_through_the_action(clerk_client):
    client, clerk = clerk_client
    response = client.post(
        "/admin/districts/fundsplanyear/add/",
        {"year": 2026, "total": "1000000.00", "filing_deadline": "2026-03-31"},
    )
    assert response.status_code == 302
    plan = FundsPlanYear.objects.get(year=2026)
    assert plan.history.first().history_user == clerk
    response = client.post(
        f"/admin/districts/fundsplanyear/{plan.pk}/change/",
        {"total": "-1", "filing_deadline": "2026-03-31"},
    )
    _refused(response)
    plan.refresh_from_db()
    assert plan.total == Decimal("1000000.00")
    response = client.post(
        f"/admin/districts/fundsplanyear/{plan.pk}/change/",
        {"total": "1200000.00", "filing_deadline": "2026-04-15"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.total, plan.filing_deadline) == (Decimal("1200000.00"), date(2026, 4, 15))


def test_district_input_refusals_are_form_errors(clerk_client):
    client, _clerk = clerk_client
    district = District.objects.get(number=3)
    url = "/admin/districts/districtyearinput/add/"
    base = {"district": district.pk, "year": 2026, "residents": 1000, "land_area": "10.5"}
    _refused(client.post(url, {**base, "land_area": "-1"}))
    _refused(client.post(url, {**base, "residents": "-1"}))
    assert not DistrictYearInput.objects.exists()
    assert client.post(url, base).status_code == 302
    # the same district and year again: refused as a duplicate, the first row unchanged
    _refused(client.post(url, {**base, "residents": 5}))
    assert DistrictYearInput.objects.get().residents == 1000


def test_override_without_the_right_is_a_form_error(clerk_client_without_override):
    client, _clerk = clerk_client_without_override
    district = District.objects.get(number=3)
    response = client.post(
        "/admin/districts/deadlineoverride/add/",
        {
            "district": district.pk,
            "year": 2026,
            "reason": "Brak kworum",
            "valid_until": "2026-04-30",
        },
    )
    _refused(response, "Nie masz uprawnień")
    assert not DeadlineOverride.objects.exists()


def test_override_bad_input_and_success(clerk_client):
    client, clerk = clerk_client
    district = District.objects.get(number=3)
    url = "/admin/districts/deadlineoverride/add/"
    body = {"district": district.pk, "year": 2026, "reason": "Brak kworum"}
    _refused(client.post(url, {**body, "valid_until": ""}))
    _refused(client.post(url, {**body, "year": 2023, "valid_until": "2026-04-30"}))
    assert not DeadlineOverride.objects.exists()
    assert client.post(url, {**body, "valid_until": "2026-04-30"}).status_code == 302
    override = DeadlineOverride.objects.get()
    assert override.granted_by == clerk
    response = client.post(
        f"/admin/districts/deadlineoverride/{override.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not DeadlineOverride.objects.exists()


def test_council_office_links_an_eservices_office_or_needs_an_address(clerk_client):
    client, _clerk = clerk_client
    district = District.objects.get(number=4)
    url = "/admin/districts/counciloffice/add/"
    page = client.get(url).content.decode()
    assert "os-zgody" in page  # the e-services offices are offered
    _refused(client.post(url, {"district": district.pk, "services_office_slug": ""}))
    _refused(client.post(url, {"district": district.pk, "services_office_slug": "nie-ma"}))
    assert not CouncilOffice.objects.exists()
    response = client.post(url, {"district": district.pk, "services_office_slug": "os-zgody"})
    assert response.status_code == 302
    assert CouncilOffice.objects.get().services_office_slug == "os-zgody"


def test_council_session_number_is_checked(clerk_client):
    client, _clerk = clerk_client
    district = District.objects.get(number=4)
    starts = timezone.localtime() + timedelta(days=3)
    body = {
        "district": district.pk,
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": "17:30:00",
        "place": "Sala obrad",
    }
    _refused(client.post("/admin/districts/councilsession/add/", {**body, "number": "12"}))
    assert not CouncilSession.objects.exists()
    response = client.post("/admin/districts/councilsession/add/", {**body, "number": "XII"})
    assert response.status_code == 302
    assert CouncilSession.objects.get().number == "XII"
