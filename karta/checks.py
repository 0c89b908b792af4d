"""Start-up checks of Karta Krakowska's configuration (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def signing_keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every configured QR signing key parses as Ed25519 and the signing kid is one of them."""
    from karta.tokens import private_key_from_pem

    configured = getattr(settings, "KARTA_SIGNING_KEYS", {}) or {}
    errors: list[Error] = []
    if not isinstance(configured, dict):
        return [Error("KARTA_SIGNING_KEYS must be a JSON object {kid: PEM}.", id="karta.E001")]
    for kid, pem in configured.items():
        try:
            private_key_from_pem(pem)
        except (TypeError, ValueError):
            errors.append(
                Error(f"KARTA_SIGNING_KEYS[{kid!r}] is not an Ed25519 PEM key.", id="karta.E002")
            )
    kid = getattr(settings, "KARTA_SIGNING_KID", "") or ""
    if configured and kid and kid not in configured:
        errors.append(
            Error(f"KARTA_SIGNING_KID {kid!r} is not in KARTA_SIGNING_KEYS.", id="karta.E003")
        )
    return errors
