"""The sign-in rules of R-ACC-1: hashers, password rules, MFA for staff, rate limits, POST-only
logout, the list of one's own sessions."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import PASSWORD, enable_totp, mfa_login, password_login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_argon2_is_the_first_hasher_in_every_real_setting():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize(
    ("password", "message"),
    [("Krotkie-1", "12 znaków"), ("password1234", "zbyt powszechne"), ("123456789012", "")],
)
def test_signup_refuses_short_or_common_passwords(client, password, message):
    response = client.post(
        "/konto/signup/",
        {
            "email": "nowa@example.org",
            "password1": password,
            "password2": password,
            "accept_terms": "on",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="nowa@example.org").exists()


def test_unverified_email_cannot_sign_in(client, user):
    response = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


def test_user_with_mfa_needs_the_code_after_the_password(client, user):
    secret = enable_totp(user)
    response = password_login(client, user)
    assert "/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session
    bad = client.post("/konto/2fa/authenticate/", {"code": "000000"})
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session
    ok = mfa_login(Client(), user, secret)
    assert ok.status_code == 302


def test_superuser_without_mfa_cannot_use_the_admin(client):
    root = UserFactory(is_staff=True, is_superuser=True)
    password_login(client, root)
    assert client.get("/admin/", follow=True).status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 302


def test_staff_signed_in_with_a_recovery_code_uses_the_admin(client, clerk):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    enable_totp(clerk)
    codes = RecoveryCodes.activate(clerk).get_unused_codes()
    password_login(client, clerk)
    response = client.post("/konto/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_who_removes_mfa_loses_the_admin(client, clerk):
    mfa_login(client, clerk, enable_totp(clerk))
    assert client.get("/admin/").status_code == 200
    Authenticator.objects.filter(user=clerk).delete()
    assert client.get("/admin/", follow=True).status_code == 403


def test_mfa_code_guessing_is_rate_limited(client, user):
    enable_totp(user)
    password_login(client, user)
    answers = [
        client.post("/konto/2fa/authenticate/", {"code": "000000"}).status_code for _ in range(12)
    ]
    assert 429 in answers or "_auth_user_id" not in client.session
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_limited_per_account_across_addresses(user):
    from tests.accounts.helpers import verified_email

    verified_email(user)
    for n in range(5):
        Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(
            "/konto/login/", {"login": user.email, "password": "zle-haslo-1"}
        )
    client = Client(REMOTE_ADDR="10.0.0.99")
    client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_logout_by_get_shows_a_confirmation_and_keeps_the_session(client, user):
    client.force_login(user)
    page = client.get("/konto/logout/")
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert client.get("/moje-konto/").status_code == 200


def test_sessions_page_lists_only_my_sessions(user, other_user):
    mine, stranger = (
        Client(HTTP_USER_AGENT="MojaPrzegladarka/1.0"),
        Client(HTTP_USER_AGENT="CudzaPrzegladarka/2.0"),
    )
    mine.force_login(user)
    stranger.force_login(other_user)
    mine.get("/moje-konto/")
    stranger.get("/moje-konto/")
    body = mine.get("/konto/sessions/").content.decode()
    assert "MojaPrzegladarka" in body
    assert "CudzaPrzegladarka" not in body
    assert UserSession.objects.filter(user=other_user).count() == 1


def test_sessions_page_needs_sign_in(client):
    response = client.get("/konto/sessions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_allauth_pages_use_the_portal_layout_in_both_languages(client):
    for path, lang in (("/konto/login/", "pl"), ("/en/konto/login/", "en")):
        body = client.get(path).content.decode()
        assert f'<html lang="{lang}">' in body
        assert 'class="skip-link"' in body
        assert 'id="main"' in body
