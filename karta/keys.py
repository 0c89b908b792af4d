"""The city's QR signing keys, from settings (never from the database, never sent anywhere).

Decision: private keys live in the secret store and reach the process as the environment
variable ``KARTA_SIGNING_KEYS`` (JSON ``{kid: PKCS#8 PEM}``) with ``KARTA_SIGNING_KID`` naming
the signing key; every configured key's *public* half is published (JWKS) so tokens signed by
the previous key stay verifiable during a rotation. ``manage.py karta_signing_key KID`` prints
a new key. Production settings refuse to start without ``KARTA_SIGNING_KEYS``; only local runs
and tests, which leave it unset, get one key derived from ``SECRET_KEY`` with HKDF (kid ``s1``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from karta.tokens import HolderGroup, TokenPayload, export_jwks, private_key_from_pem, sign_token

DERIVED_KID = "s1"
#: A QR token is short-lived: a screenshot stops working within a day.
TOKEN_LIFETIME = timedelta(hours=24)


@lru_cache(maxsize=4)
def _load(config: tuple[tuple[str, str], ...], secret: str) -> dict[str, Ed25519PrivateKey]:
    if config:
        return {kid: private_key_from_pem(pem) for kid, pem in config}
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"karta-krakowska-qr", info=b"s1"
    ).derive(secret.encode())
    return {DERIVED_KID: Ed25519PrivateKey.from_private_bytes(seed)}


def signing_keys() -> dict[str, Ed25519PrivateKey]:
    configured = getattr(settings, "KARTA_SIGNING_KEYS", {}) or {}
    return _load(tuple(sorted(configured.items())), settings.SECRET_KEY)


def current_kid() -> str:
    keys = signing_keys()
    kid = getattr(settings, "KARTA_SIGNING_KID", "") or ""
    if kid in keys:
        return kid
    return sorted(keys)[-1]


def public_keys() -> dict[str, Ed25519PublicKey]:
    return {kid: key.public_key() for kid, key in signing_keys().items()}


def jwks() -> dict[str, list[dict[str, str]]]:
    return export_jwks(public_keys())


def sign_card_token(*, number: str, group: str, now: datetime, card_valid_until: datetime) -> str:
    """A token for the card, valid for :data:`TOKEN_LIFETIME` but never past the card."""
    expires = min(now + TOKEN_LIFETIME, card_valid_until)
    kid = current_kid()
    payload = TokenPayload(
        card_number=number,
        holder_group=HolderGroup(group),
        issued_at=now,
        expires_at=expires,
    )
    return sign_token(payload, signing_keys()[kid], kid)
