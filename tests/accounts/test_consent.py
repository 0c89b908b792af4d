"""Online sign-up records the accepted terms and privacy notice (version, when) in the consent
log; the log shows in the GDPR export and the admin."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import CURRENT_CONSENT_VERSIONS, ConsentRecord, User
from tests.accounts.helpers import enable_totp, mfa_login

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "nowa@example.org",
    "password1": "Wawel-i-Smok-2026",
    "password2": "Wawel-i-Smok-2026",
}


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_signup_without_accepting_the_terms_creates_nothing(client, mailoutbox):
    response = client.post("/konto/signup/", SIGNUP)
    assert response.status_code == 200
    body = response.content.decode()
    assert "zaakceptuj regulamin" in body
    assert 'aria-invalid="true"' in body
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    assert not ConsentRecord.objects.exists()
    assert mailoutbox == []


def test_signup_records_terms_and_privacy_versions_and_time(client):
    response = client.post("/konto/signup/", {**SIGNUP, "accept_terms": "on"})
    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    records = {record.kind: record for record in ConsentRecord.objects.filter(user=user)}
    assert set(records) == {"terms", "privacy"}
    for kind, record in records.items():
        assert record.version == CURRENT_CONSENT_VERSIONS[kind]
        assert (record.channel, record.given, record.recorded_by) == ("online", True, user)
        assert record.recorded_at >= user.date_joined


def test_signup_form_links_the_terms_page_with_its_version(client):
    body = client.get("/konto/signup/").content.decode()
    assert 'name="accept_terms"' in body
    assert 'href="/moje-konto/regulamin-i-prywatnosc/"' in body
    assert CURRENT_CONSENT_VERSIONS["terms"] in body
    english = client.get("/en/konto/signup/").content.decode()
    assert 'href="/en/moje-konto/regulamin-i-prywatnosc/"' in english


def test_terms_page_is_public_and_shows_versions(client):
    response = client.get("/moje-konto/regulamin-i-prywatnosc/")
    assert response.status_code == 200
    body = response.content.decode()
    assert CURRENT_CONSENT_VERSIONS["privacy"] in body
    assert "Administrator danych" in body
    english = client.get("/en/moje-konto/regulamin-i-prywatnosc/").content.decode()
    assert "Data controller" in english


def test_signup_with_an_existing_email_records_no_consent(client, user):
    """No enumeration: the answer is the same, and no consent is logged for the owner."""
    new = client.post("/konto/signup/", {**SIGNUP, "accept_terms": "on"})
    taken = Client().post("/konto/signup/", {**SIGNUP, "email": user.email, "accept_terms": "on"})
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"]
    assert not ConsentRecord.objects.filter(user=user).exists()


def test_export_lists_consents_with_version_and_time(client):
    client.post("/konto/signup/", {**SIGNUP, "accept_terms": "on"})
    user = User.objects.get(email=SIGNUP["email"])
    client.force_login(user)
    data = json.loads(client.get("/moje-konto/moje-dane.json").content)
    consents = data["accounts"]["consents"]
    assert {(c["kind"], c["version"], c["channel"]) for c in consents} == {
        ("terms", CURRENT_CONSENT_VERSIONS["terms"], "online"),
        ("privacy", CURRENT_CONSENT_VERSIONS["privacy"], "online"),
    }
    assert all(c["recorded_at"] for c in consents)


def test_admin_shows_the_consent_log_on_the_person_and_in_the_register(clerk):
    client = Client()
    client.post("/konto/signup/", {**SIGNUP, "accept_terms": "on"})
    user = User.objects.get(email=SIGNUP["email"])
    mfa_login(client, clerk, enable_totp(clerk))
    page = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert "regulamin portalu" in page
    assert CURRENT_CONSENT_VERSIONS["terms"] in page
    register = client.get("/admin/accounts/consentrecord/").content.decode()
    assert CURRENT_CONSENT_VERSIONS["privacy"] in register
