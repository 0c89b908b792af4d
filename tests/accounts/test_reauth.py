"""Sensitive changes (e-mail, PESEL, deletion, MFA) ask for the password (or MFA) again."""

from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from accounts.models import User
from tests.accounts.factories import make_pesel
from tests.accounts.helpers import PASSWORD, enable_totp, reauthenticate, totp_code, verified_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_in(client, user):
    verified_email(user)
    client.force_login(user)  # a session with no recent password entry
    return client


def test_adding_an_email_without_reauthentication_changes_nothing(signed_in, user, mailoutbox):
    response = signed_in.post("/konto/email/", {"email": "nowy@example.org", "action_add": ""})
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/reauthenticate/")
    assert not EmailAddress.objects.filter(email="nowy@example.org").exists()
    assert mailoutbox == []


def test_after_reauthentication_the_email_change_goes_on_and_must_be_confirmed(
    signed_in, user, mailoutbox
):
    asked = signed_in.post("/konto/email/", {"email": "nowy@example.org", "action_add": ""})
    # The password page carries ?next=/konto/email/; allauth then replays the stashed request.
    response = signed_in.post(asked["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    added = EmailAddress.objects.get(user=user, email="nowy@example.org")
    assert added.verified is False
    assert any("nowy@example.org" in message.to for message in mailoutbox)
    assert User.objects.get(pk=user.pk).email == user.email  # primary until confirmed


def test_wrong_password_on_reauthentication_keeps_the_old_email(signed_in, user):
    asked = signed_in.post("/konto/email/", {"email": "nowy@example.org", "action_add": ""})
    response = signed_in.post(asked["Location"], {"password": "zle-haslo-123"})
    assert response.status_code == 200
    assert not EmailAddress.objects.filter(email="nowy@example.org").exists()


def test_removing_or_switching_the_primary_email_needs_reauthentication(signed_in, user):
    EmailAddress.objects.create(user=user, email="drugi@example.org", verified=True)
    signed_in.post("/konto/email/", {"email": "drugi@example.org", "action_primary": ""})
    signed_in.post("/konto/email/", {"email": "drugi@example.org", "action_remove": ""})
    assert EmailAddress.objects.get(email="drugi@example.org").primary is False
    assert User.objects.get(pk=user.pk).email == user.email


def test_pesel_change_without_reauthentication_asks_first_and_saves_nothing(signed_in, user):
    page = signed_in.get("/moje-konto/profil/pesel/")
    assert page["Location"].startswith("/konto/reauthenticate/")
    signed_in.post("/moje-konto/profil/pesel/", {"pesel": make_pesel(date(1985, 5, 5))})
    assert User.objects.get(pk=user.pk).pesel is None


def test_pesel_is_never_in_the_reauthentication_redirect(signed_in):
    pesel = make_pesel(date(1985, 5, 5))
    response = signed_in.post("/moje-konto/profil/pesel/", {"pesel": pesel})
    assert pesel not in response.get("Location", "")


def test_deletion_without_reauthentication_asks_first_and_deletes_nothing(signed_in, user):
    assert signed_in.get("/moje-konto/usun-konto/")["Location"].startswith("/konto/reauthenticate/")
    signed_in.post("/moje-konto/usun-konto/", {"confirm": "on"})
    assert User.objects.get(pk=user.pk).is_active


def test_mfa_user_reauthenticates_with_a_code(client, user):
    secret = enable_totp(user)
    verified_email(user)
    client.force_login(user)
    assert client.get("/moje-konto/usun-konto/").status_code == 302
    response = client.post("/konto/2fa/reauthenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/moje-konto/usun-konto/").status_code == 200


def test_turning_mfa_on_needs_reauthentication(signed_in):
    response = signed_in.get("/konto/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/reauthenticate/")


def test_reauthentication_opens_the_sensitive_pages(client, user):
    reauthenticate(client, user)
    assert client.get("/moje-konto/profil/pesel/").status_code == 200
    assert client.get("/moje-konto/usun-konto/").status_code == 200
