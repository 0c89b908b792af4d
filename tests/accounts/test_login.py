"""Sign-in hardening: failed logins are rate limited; no account enumeration."""

import pytest
from django.core.cache import cache

from tests.accounts.helpers import PASSWORD, verified_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_rate_limits():
    cache.clear()
    yield
    cache.clear()  # the limits live in the shared cache: later tests sign in from the same IP


def test_repeated_failed_logins_are_rate_limited(client, user, clean_rate_limits):
    verified_email(user)
    for _ in range(5):
        response = client.post("/konto/login/", {"login": user.email, "password": "zle-haslo-1"})
        assert response.status_code == 200
    blocked = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    assert blocked.status_code == 429 or "_auth_user_id" not in client.session
    assert "_auth_user_id" not in client.session


def test_password_reset_does_not_reveal_whether_an_account_exists(
    client, user, mailoutbox, clean_rate_limits
):
    known = client.post("/konto/password/reset/", {"email": user.email})
    unknown = client.post("/konto/password/reset/", {"email": "nikt-taki@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
