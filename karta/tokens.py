"""Signed QR tokens for Karta Krakowska, verified offline by partners (R-KK-2).

Pure module: no Django import. Depends on ``cryptography`` (Ed25519).

A partner (a museum, a swimming pool) scans the QR code in the resident's app and checks,
without calling the city, that the city issued it, for which card and holder group, and that
it has not expired. The city signs with an Ed25519 private key; partners hold only the public
keys, downloaded as a JWKS-like document (:func:`export_jwks`). Keys rotate by ``kid``.

Token text (ASCII, at most 133 characters, fits a version-5 QR code in byte mode)::

    KK1.<payload>.<signature>

* ``KK1`` — format and layout version;
* ``<payload>`` — base64url, no padding, of the binary payload below;
* ``<signature>`` — base64url, no padding, of the 64-byte Ed25519 signature over the ASCII
  bytes of ``KK1.<payload>`` (everything before the last dot), as in JWS compact form.

Binary payload (big-endian)::

    offset  size  field
    0       5     card number: the 12-digit number (with its Luhn digit) as an unsigned integer
    5       1     holder group: 1 adult, 2 child, 3 senior, 4 large_family
    6       4     issued-at: seconds since 1970-01-01T00:00:00Z (unsigned, until 2106)
    10      4     expires-at: same; the token is valid while now < expires-at
    14      1     kid length n (1 … 16)
    15      n     kid: ASCII [A-Za-z0-9_-]

Decoding is strict: only the base64url alphabet, canonical encodings (no spare bits, no
padding), exact lengths. So every token has exactly one spelling, and altering any character
either breaks the structure (``malformed``), names another key (``unknown_key``), or breaks the
signature (``bad_signature``). Expiry is checked only after the signature, so a forged token is
never reported as merely expired. Revocation is the caller's job: a partner keeps a revocation
list and calls :func:`is_revoked` after :func:`verify_token`.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from karta.cardnumbers import CardNumberError, normalise_card_number

__all__ = [
    "MAX_TOKEN_LENGTH",
    "TOKEN_PREFIX",
    "BadSignatureError",
    "ExpiredTokenError",
    "HolderGroup",
    "MalformedTokenError",
    "NotYetValidTokenError",
    "TokenError",
    "TokenPayload",
    "UnknownKeyError",
    "VerifiedToken",
    "export_jwks",
    "generate_private_key",
    "is_revoked",
    "load_jwks",
    "private_key_from_pem",
    "private_key_to_pem",
    "public_key_from_pem",
    "public_key_from_raw_b64",
    "public_key_to_pem",
    "public_key_to_raw_b64",
    "revocation_set",
    "sign_token",
    "verify_token",
]

TOKEN_PREFIX: Final = "KK1"  # noqa: S105 - a format marker, not a secret
_KID_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,16}")  # 16 = _MAX_KID_LENGTH
_B64URL_RE: Final = re.compile(r"[A-Za-z0-9_-]+")
_FIXED_LENGTH: Final = 15  # bytes before the kid
_SIGNATURE_LENGTH: Final = 64
_MAX_UINT32: Final = 2**32 - 1
_MAX_KID_LENGTH: Final = 16
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def _b64_length(n_bytes: int) -> int:
    return -(-n_bytes * 4 // 3)  # ceil(4n/3): unpadded base64


#: The longest token (16-character kid): 3 + 1 + 42 + 1 + 86 = 133 characters.
MAX_TOKEN_LENGTH: Final = (
    len(TOKEN_PREFIX)
    + 1
    + _b64_length(_FIXED_LENGTH + _MAX_KID_LENGTH)
    + 1
    + _b64_length(_SIGNATURE_LENGTH)
)
#: Tolerated clock difference between the city's signer and a partner's device.
DEFAULT_LEEWAY: Final = timedelta(minutes=5)


class HolderGroup(enum.StrEnum):
    """Who the card is for; partners grant discounts by group."""

    ADULT = "adult"
    CHILD = "child"
    SENIOR = "senior"
    LARGE_FAMILY = "large_family"


# Wire codes are part of the format: never renumber, only append.
_GROUP_CODES: Final[Mapping[HolderGroup, int]] = {
    HolderGroup.ADULT: 1,
    HolderGroup.CHILD: 2,
    HolderGroup.SENIOR: 3,
    HolderGroup.LARGE_FAMILY: 4,
}
_GROUPS_BY_CODE: Final[Mapping[int, HolderGroup]] = {v: k for k, v in _GROUP_CODES.items()}


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class TokenError(ValueError):
    """A token that must not be accepted. ``code`` is stable (for logs and partner apps)."""

    code: str = "invalid"


class MalformedTokenError(TokenError):
    code = "malformed"


class UnknownKeyError(TokenError):
    code = "unknown_key"


class BadSignatureError(TokenError):
    code = "bad_signature"


class ExpiredTokenError(TokenError):
    code = "expired"


class NotYetValidTokenError(TokenError):
    """Issued-at lies in the future beyond the leeway: a wrong clock on one side."""

    code = "not_yet_valid"


# --------------------------------------------------------------------------------------------
# Payload
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenPayload:
    """What the city signs. Datetimes must be aware; they are truncated to whole seconds."""

    card_number: str
    holder_group: HolderGroup
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """A token whose signature and validity period have been checked (times in UTC)."""

    card_number: str
    holder_group: HolderGroup
    issued_at: datetime
    expires_at: datetime
    kid: str


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict base64url without padding: the alphabet only and the canonical spelling."""
    if not _B64URL_RE.fullmatch(text) or len(text) % 4 == 1:
        raise MalformedTokenError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedTokenError("not base64url") from exc
    # A last character differing only in unused bits decodes to the same bytes; refusing the
    # non-canonical spelling keeps tokens unmalleable (one token, one string).
    if _b64encode(data) != text:
        raise MalformedTokenError("non-canonical base64url")
    return data


def _seconds(value: datetime, name: str) -> int:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    # Exact integer floor (no float timestamp): truncation to whole seconds.
    seconds = (value - _EPOCH) // timedelta(seconds=1)
    if not 0 <= seconds <= _MAX_UINT32:
        raise ValueError(f"{name} is outside 1970-2106")
    return seconds


def _encode_payload(payload: TokenPayload, kid: str) -> bytes:
    try:
        card_number = normalise_card_number(payload.card_number)
    except CardNumberError as exc:
        raise ValueError(f"invalid card number: {exc}") from exc
    group = HolderGroup(payload.holder_group)
    issued = _seconds(payload.issued_at, "issued_at")
    expires = _seconds(payload.expires_at, "expires_at")
    if expires <= issued:
        raise ValueError("expires_at must be after issued_at")
    kid_bytes = kid.encode("ascii")
    return (
        int(card_number).to_bytes(5, "big")
        + bytes([_GROUP_CODES[group]])
        + issued.to_bytes(4, "big")
        + expires.to_bytes(4, "big")
        + bytes([len(kid_bytes)])
        + kid_bytes
    )


def _decode_payload(data: bytes) -> tuple[str, HolderGroup, int, int, str]:
    if len(data) < _FIXED_LENGTH + 1:
        raise MalformedTokenError("payload too short")
    kid_length = data[14]
    if len(data) != _FIXED_LENGTH + kid_length:
        raise MalformedTokenError("payload length does not match the kid length")
    kid = data[_FIXED_LENGTH:].decode("ascii", errors="replace")
    if not _KID_RE.fullmatch(kid):
        raise MalformedTokenError("invalid kid")
    group = _GROUPS_BY_CODE.get(data[5])
    if group is None:
        raise MalformedTokenError("unknown holder group")
    number = int.from_bytes(data[0:5], "big")
    if number >= 10**12:
        raise MalformedTokenError("card number out of range")
    issued = int.from_bytes(data[6:10], "big")
    expires = int.from_bytes(data[10:14], "big")
    return f"{number:012d}", group, issued, expires, kid


# --------------------------------------------------------------------------------------------
# Signing and verifying
# --------------------------------------------------------------------------------------------


def sign_token(payload: TokenPayload, private_key: Ed25519PrivateKey, kid: str) -> str:
    """Sign ``payload`` with ``private_key``, naming the key ``kid``; returns the QR text.

    Raises ``ValueError`` for an invalid card number, naive or out-of-range datetimes, an
    expiry not after issue, or a kid that is not 1-16 characters of ``[A-Za-z0-9_-]``.
    """
    if not _KID_RE.fullmatch(kid):
        raise ValueError("kid must be 1-16 characters of [A-Za-z0-9_-]")
    signing_input = f"{TOKEN_PREFIX}.{_b64encode(_encode_payload(payload, kid))}"
    signature = private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64encode(signature)}"


def verify_token(
    token: str,
    public_keys: Mapping[str, Ed25519PublicKey],
    now: datetime,
    *,
    leeway: timedelta = DEFAULT_LEEWAY,
) -> VerifiedToken:
    """Check a scanned token offline; return its contents or raise a :class:`TokenError`.

    Order of checks: structure (:class:`MalformedTokenError`), key id among ``public_keys``
    (:class:`UnknownKeyError`), signature (:class:`BadSignatureError`), then time: expired when
    ``now ≥ expires_at`` (:class:`ExpiredTokenError`, no leeway: a partner should not honour a
    card after its end), not yet valid when ``issued_at > now + leeway``
    (:class:`NotYetValidTokenError`). Surrounding whitespace (a scanner's trailing newline)
    is ignored. ``now`` must be aware. Revocation is not checked here: see :func:`is_revoked`.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(token, str):
        raise MalformedTokenError("a token is a string")
    text = token.strip(" \t\r\n")
    if len(text) > MAX_TOKEN_LENGTH or not text.isascii():
        raise MalformedTokenError("not a Karta Krakowska token")
    parts = text.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise MalformedTokenError("not a Karta Krakowska token")
    payload_bytes = _b64decode(parts[1])
    signature = _b64decode(parts[2])
    if len(signature) != _SIGNATURE_LENGTH:
        raise MalformedTokenError("bad signature length")
    card_number, group, issued, expires, kid = _decode_payload(payload_bytes)

    key = public_keys.get(kid)
    if key is None:
        raise UnknownKeyError(f"unknown key id {kid!r}")
    try:
        key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature as exc:
        raise BadSignatureError("the signature does not match") from exc

    # Signed by the city from here on; a bad card number would be our own bug, still refused.
    try:
        card_number = normalise_card_number(card_number)
    except CardNumberError as exc:
        raise MalformedTokenError("the card number has a bad check digit") from exc
    issued_at = datetime.fromtimestamp(issued, tz=UTC)
    expires_at = datetime.fromtimestamp(expires, tz=UTC)
    if now >= expires_at:
        raise ExpiredTokenError(f"expired at {expires_at.isoformat()}")
    if issued_at > now + leeway:
        raise NotYetValidTokenError(f"issued in the future ({issued_at.isoformat()})")
    return VerifiedToken(
        card_number=card_number,
        holder_group=group,
        issued_at=issued_at,
        expires_at=expires_at,
        kid=kid,
    )


def revocation_set(entries: Iterable[str]) -> frozenset[str]:
    """Canonical card numbers from a downloaded revocation list, in any spelling.

    Entries that are not valid card numbers are skipped (they cannot match a verified token).
    Build the set once per list download, then call :func:`is_revoked` per scan.
    """
    result = set()
    for entry in entries:
        try:
            result.add(normalise_card_number(entry))
        except CardNumberError:
            continue
    return frozenset(result)


def is_revoked(token: VerifiedToken, revoked: Collection[str]) -> bool:
    """True if the token's card is on the revocation list.

    ``revoked`` holds canonical 12-digit numbers (build it with :func:`revocation_set`); call
    this after :func:`verify_token`, since only a verified card number means anything.
    """
    return token.card_number in revoked


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------


def generate_private_key() -> Ed25519PrivateKey:
    """A new Ed25519 signing key (keep it in the secret store, never in the repository)."""
    return Ed25519PrivateKey.generate()


def public_key_to_raw_b64(public_key: Ed25519PublicKey) -> str:
    """The 32 raw public-key bytes, base64url without padding (the JWK ``x`` member)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64encode(raw)


def public_key_from_raw_b64(text: str) -> Ed25519PublicKey:
    """Load a public key from :func:`public_key_to_raw_b64` output. Raises ``ValueError``."""
    try:
        raw = _b64decode(text)
    except MalformedTokenError as exc:
        raise ValueError("not a base64url Ed25519 public key") from exc
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_to_pem(public_key: Ed25519PublicKey) -> str:
    """SubjectPublicKeyInfo PEM, for partners who prefer OpenSSL tooling."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_key_from_pem(pem: str | bytes) -> Ed25519PublicKey:
    """Load a PEM public key; raises ``ValueError`` unless it is Ed25519."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def private_key_to_pem(private_key: Ed25519PrivateKey, password: bytes | None = None) -> str:
    """PKCS#8 PEM of the signing key, encrypted when ``password`` is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")


def private_key_from_pem(pem: str | bytes, password: bytes | None = None) -> Ed25519PrivateKey:
    """Load a PEM signing key; raises ``ValueError`` unless it is Ed25519."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=password)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def export_jwks(public_keys: Mapping[str, Ed25519PublicKey]) -> dict[str, list[dict[str, str]]]:
    """The public key set partners download (RFC 8037 OKP keys), sorted by kid.

    Publish the current key and, during a rotation, the previous one until every token it
    signed has expired; removing a key from the set invalidates its tokens.
    """
    keys = []
    for kid in sorted(public_keys):
        if not _KID_RE.fullmatch(kid):
            raise ValueError(f"invalid kid {kid!r}")
        keys.append(
            {
                "kid": kid,
                "kty": "OKP",
                "crv": "Ed25519",
                "x": public_key_to_raw_b64(public_keys[kid]),
                "use": "sig",
                "alg": "EdDSA",
            }
        )
    return {"keys": keys}


def load_jwks(document: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """Parse :func:`export_jwks` output (e.g. ``json.loads`` of the download) into kid → key.

    Keys that are not Ed25519 signing keys are skipped (a set may carry others); a duplicate
    kid or a malformed Ed25519 entry raises ``ValueError``.
    """
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise ValueError("a key set has a 'keys' list")
    result: dict[str, Ed25519PublicKey] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise ValueError("each key is an object")
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            continue
        if entry.get("use", "sig") != "sig":
            continue
        kid, x = entry.get("kid"), entry.get("x")
        if not isinstance(kid, str) or not _KID_RE.fullmatch(kid):
            raise ValueError(f"invalid kid {kid!r}")
        if not isinstance(x, str):
            raise ValueError(f"key {kid!r} has no 'x'")
        if kid in result:
            raise ValueError(f"duplicate kid {kid!r}")
        result[kid] = public_key_from_raw_b64(x)
    return result
