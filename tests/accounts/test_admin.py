"""The admin goes through allauth and needs MFA; clerks verify residents there."""

from datetime import date

import pytest
from django.test import Client

from accounts.actions import profile_update
from accounts.models import User
from tests.accounts.factories import UserFactory, make_pesel
from tests.accounts.helpers import enable_totp, mfa_login, password_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(clerk):
    client = Client()
    secret = enable_totp(clerk)
    response = mfa_login(client, clerk, secret)
    assert response.status_code == 302
    return client


def test_anonymous_admin_login_goes_through_allauth(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/konto/login/?next=")
    assert client.get("/admin/login/")["Location"].startswith("/konto/login/")


def test_staff_without_mfa_is_refused(client, clerk):
    password_login(client, clerk)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "/konto/2fa/" in response.content.decode()
    assert client.get("/admin/accounts/user/").status_code == 302


def test_staff_with_mfa_but_password_only_session_is_refused(client, clerk):
    enable_totp(clerk)
    client.force_login(clerk)
    assert client.get("/admin/", follow=True).status_code == 403


def test_resident_is_refused(client, user):
    password_login(client, user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_staff_with_mfa_session_uses_admin(clerk_client):
    assert clerk_client.get("/admin/").status_code == 200
    assert clerk_client.get("/admin/login/")["Location"] == "/admin/"


def test_search_matches_exact_pesel_only(clerk_client, user):
    pesel = make_pesel(date(1980, 7, 8))
    profile_update(user=user, acting_user=user, pesel=pesel)
    UserFactory(last_name="Zielińska")
    exact = clerk_client.get("/admin/accounts/user/", {"q": pesel}).content.decode()
    partial = clerk_client.get("/admin/accounts/user/", {"q": pesel[:6]}).content.decode()
    assert user.email in exact
    assert user.email not in partial
    assert f"•••••••{pesel[-4:]}" in exact  # the list shows the number masked
    by_name = clerk_client.get("/admin/accounts/user/", {"q": "Zielińska"}).content.decode()
    assert "Zielińska" in by_name
    assert user.email not in by_name


def test_clerk_verifies_in_person_with_document_type(clerk_client, clerk, user, district):
    profile_update(user=user, acting_user=user, district=district)
    response = clerk_client.post(
        "/admin/accounts/user/",
        {"action": "verify_residence_card", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.resident_verified_by == clerk
    assert user.resident_verification_document == "residence_card"
    assert user.history.first().history_user == clerk


def test_verification_without_district_is_reported_not_saved(clerk_client, user):
    response = clerk_client.post(
        "/admin/accounts/user/",
        {"action": "verify_id_card", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "dzielnic" in response.content.decode()
    assert User.objects.get(pk=user.pk).resident_verified_at is None


def test_user_history_page_opens(clerk_client, user):
    assert clerk_client.get(f"/admin/accounts/user/{user.pk}/history/").status_code == 200


@pytest.mark.parametrize("who", ["staff_user", "council_member"])
def test_staff_with_mfa_but_without_permission_cannot_verify(request, who, user, district):
    actor = request.getfixturevalue(who)
    actor.is_staff = True
    actor.save()
    client = Client()
    mfa_login(client, actor, enable_totp(actor))
    profile_update(user=user, acting_user=user, district=district)
    assert client.get("/admin/accounts/user/").status_code == 403
    response = client.post(
        "/admin/accounts/user/", {"action": "verify_id_card", "_selected_action": [user.pk]}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=user.pk).resident_verified_at is None
