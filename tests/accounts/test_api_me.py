from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.actions import api_token_create, profile_update
from accounts.models import User
from tests.accounts.factories import make_pesel

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    _token, secret = api_token_create(user=user, name="t", acting_user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_anonymous_gets_401_or_403():
    response = APIClient().get("/api/v1/me")
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_me_shows_own_profile_with_masked_pesel(user, other_user):
    pesel = make_pesel(date(1955, 11, 11))
    profile_update(user=user, acting_user=user, pesel=pesel)
    body = _client(user).get("/api/v1/me").json()
    assert body["public_id"] == str(user.public_id)
    assert body["email"] == user.email
    assert body["pesel_masked"].endswith(pesel[-4:])
    assert pesel not in str(body)
    assert body["verification_level"] == "unverified"
    assert _client(other_user).get("/api/v1/me").json()["email"] == other_user.email


def test_patch_applies_the_same_validation(user, district):
    client = _client(user)
    bad = client.patch("/api/v1/me", {"postal_code": "00-001", "first_name": "X"}, format="json")
    assert bad.status_code == 400
    assert "postal_code" in bad.json()["error"]["fields"]
    assert User.objects.get(pk=user.pk).first_name == "Anna"
    ok = client.patch(
        "/api/v1/me", {"postal_code": "30-001", "district": district.slug}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["district"] == district.slug


def test_pesel_cannot_be_changed_through_the_api(user):
    client = _client(user)
    client.patch("/api/v1/me", {"pesel": make_pesel(date(1990, 1, 1))}, format="json")
    assert User.objects.get(pk=user.pk).pesel is None


def test_revoked_token_is_refused(user):
    client = APIClient()
    token, secret = api_token_create(user=user, name="t", acting_user=user)
    from accounts.actions import api_token_revoke

    api_token_revoke(token=token, acting_user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get("/api/v1/me").status_code == 401
