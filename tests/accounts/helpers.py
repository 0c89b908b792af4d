"""Signing in through allauth in tests, with or without the second factor."""

import time
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client

PASSWORD = "bezpieczne-haslo-123"


def verified_email(user: Any) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def enable_totp(user: Any) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The current code, from a 30 s period the request that uses it will still be in: close to
    the end of a period, wait for the next (the server accepts the current period only)."""
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def password_login(client: Client, user: Any) -> Any:
    verified_email(user)
    return client.post("/konto/login/", {"login": user.email, "password": PASSWORD})


def mfa_login(client: Client, user: Any, secret: str) -> Any:
    response = password_login(client, user)
    assert response.status_code == 302
    assert "/2fa/authenticate/" in response["Location"]
    return client.post("/konto/2fa/authenticate/", {"code": totp_code(secret)})


def reauthenticate(client: Client, user: Any) -> None:
    """Sign in and confirm the password again, as allauth asks before sensitive changes."""
    client.force_login(user)
    response = client.post("/konto/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
