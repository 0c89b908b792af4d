"""Tests for the signed Karta Krakowska QR tokens (karta/tokens.py, R-KK-2)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karta.cardnumbers import generate_card_number
from karta.tokens import (
    MAX_TOKEN_LENGTH,
    BadSignatureError,
    ExpiredTokenError,
    HolderGroup,
    MalformedTokenError,
    NotYetValidTokenError,
    TokenError,
    TokenPayload,
    UnknownKeyError,
    export_jwks,
    generate_private_key,
    is_revoked,
    load_jwks,
    private_key_from_pem,
    private_key_to_pem,
    public_key_from_pem,
    public_key_from_raw_b64,
    public_key_to_pem,
    public_key_to_raw_b64,
    revocation_set,
    sign_token,
    verify_token,
)

ISSUED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EXPIRES = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CARD = generate_card_number(123_456)

# One key for the module: key generation is cheap, but a fixed key keeps hypothesis examples
# comparable.
KEY = generate_private_key()
KEYS = {"2026a": KEY.public_key()}


def _payload(
    *,
    card: str = CARD,
    group: HolderGroup = HolderGroup.SENIOR,
    issued: datetime = ISSUED,
    expires: datetime = EXPIRES,
) -> TokenPayload:
    return TokenPayload(card_number=card, holder_group=group, issued_at=issued, expires_at=expires)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


TOKEN = sign_token(_payload(), KEY, "2026a")


# -------------------------------------------------------------------------------- round trip


def test_signed_token_verifies_and_carries_the_payload():
    # when
    verified = verify_token(TOKEN, KEYS, NOW)

    # then
    assert verified.card_number == CARD
    assert verified.holder_group is HolderGroup.SENIOR
    assert verified.issued_at == ISSUED
    assert verified.expires_at == EXPIRES
    assert verified.kid == "2026a"


@pytest.mark.parametrize("group", list(HolderGroup))
def test_every_holder_group_round_trips(group):
    token = sign_token(_payload(group=group), KEY, "2026a")

    assert verify_token(token, KEYS, NOW).holder_group is group


def test_token_has_the_documented_shape_and_fits_a_qr_code():
    # given: the longest kid allowed
    token = sign_token(_payload(), KEY, "k" * 16)

    # then
    prefix, payload, signature = token.split(".")
    assert prefix == "KK1"
    assert len(_unb64(payload)) == 15 + 16
    assert len(_unb64(signature)) == 64
    assert len(token) == MAX_TOKEN_LENGTH
    assert len(token) < 200
    assert len(TOKEN) < 120
    assert token.isascii()


def test_local_times_are_stored_as_utc_and_truncated_to_seconds():
    # given: Warsaw-time datetimes with microseconds
    warsaw = ZoneInfo("Europe/Warsaw")
    issued = datetime(2026, 7, 1, 10, 0, 0, 999_999, tzinfo=warsaw)
    expires = datetime(2026, 12, 31, 23, 59, 59, 500_000, tzinfo=warsaw)

    # when
    verified = verify_token(
        sign_token(_payload(issued=issued, expires=expires), KEY, "2026a"),
        KEYS,
        datetime(2026, 8, 1, tzinfo=UTC),
    )

    # then
    assert verified.issued_at == datetime(2026, 7, 1, 8, 0, 0, tzinfo=UTC)
    assert verified.expires_at == datetime(2026, 12, 31, 22, 59, 59, tzinfo=UTC)


def test_card_number_in_display_form_is_signed_in_canonical_form():
    display = f"{CARD[0:4]}-{CARD[4:8]} {CARD[8:12]}"

    token = sign_token(_payload(card=display), KEY, "2026a")

    assert verify_token(token, KEYS, NOW).card_number == CARD


@pytest.mark.parametrize(
    ("payload", "kid"),
    [
        (_payload(card="000000123450"), "2026a"),  # bad check digit
        (_payload(expires=ISSUED), "2026a"),  # expiry not after issue
        (_payload(issued=datetime(2026, 1, 1)), "2026a"),  # noqa: DTZ001 - naive on purpose
        (_payload(expires=datetime(2107, 1, 1, tzinfo=UTC)), "2026a"),  # beyond uint32
        (_payload(), ""),
        (_payload(), "k" * 17),
        (_payload(), "bad kid"),
        (_payload(), "klucz-ż"),
    ],
)
def test_signing_refuses_invalid_payloads_and_kids(payload, kid):
    with pytest.raises(ValueError):  # noqa: PT011 - several distinct messages
        sign_token(payload, KEY, kid)


# ------------------------------------------------------------------ public key only (partner)


def test_partner_with_only_the_serialised_public_key_verifies_a_token():
    # given: the city publishes the key set as JSON; the partner never sees the private key
    published = json.dumps(export_jwks({"2026a": KEY.public_key()}))

    # when: the partner's device reloads it
    partner_keys = load_jwks(json.loads(published))

    # then
    assert verify_token(TOKEN, partner_keys, NOW).card_number == CARD
    assert not isinstance(partner_keys["2026a"], Ed25519PrivateKey)


def test_public_key_survives_raw_and_pem_serialisation():
    # given
    raw = public_key_to_raw_b64(KEY.public_key())
    pem = public_key_to_pem(KEY.public_key())

    # then
    assert len(raw) == 43
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert verify_token(TOKEN, {"2026a": public_key_from_raw_b64(raw)}, NOW).kid == "2026a"
    assert verify_token(TOKEN, {"2026a": public_key_from_pem(pem)}, NOW).kid == "2026a"


def test_private_key_round_trips_through_encrypted_pem():
    # given
    pem = private_key_to_pem(KEY, password=b"correct horse")

    # when
    reloaded = private_key_from_pem(pem, password=b"correct horse")

    # then: the reloaded key signs tokens the original public key accepts
    assert "ENCRYPTED" in pem
    assert verify_token(sign_token(_payload(), reloaded, "2026a"), KEYS, NOW).card_number == CARD


def test_jwks_has_the_okp_ed25519_shape():
    document = export_jwks({"2026b": KEY.public_key(), "2026a": KEY.public_key()})

    assert [k["kid"] for k in document["keys"]] == ["2026a", "2026b"]
    assert document["keys"][0] == {
        "kid": "2026a",
        "kty": "OKP",
        "crv": "Ed25519",
        "x": public_key_to_raw_b64(KEY.public_key()),
        "use": "sig",
        "alg": "EdDSA",
    }


def test_jwks_loader_skips_foreign_keys_and_rejects_duplicates():
    x = public_key_to_raw_b64(KEY.public_key())
    rsa = {"kid": "rsa1", "kty": "RSA", "n": "AQAB", "e": "AQAB"}
    enc = {"kid": "x1", "kty": "OKP", "crv": "X25519", "x": x}

    assert list(
        load_jwks({"keys": [rsa, enc, {"kid": "a", "kty": "OKP", "crv": "Ed25519", "x": x}]})
    ) == ["a"]
    with pytest.raises(ValueError, match="duplicate"):
        load_jwks({"keys": [{"kid": "a", "kty": "OKP", "crv": "Ed25519", "x": x}] * 2})
    with pytest.raises(ValueError, match="32 bytes"):
        load_jwks({"keys": [{"kid": "a", "kty": "OKP", "crv": "Ed25519", "x": x[:20]}]})
    with pytest.raises(ValueError, match="keys"):
        load_jwks({})


# ----------------------------------------------------------------------------------- failures


def test_expired_token_is_refused_from_the_expiry_instant():
    with pytest.raises(ExpiredTokenError) as excinfo:
        verify_token(TOKEN, KEYS, EXPIRES)
    assert excinfo.value.code == "expired"
    assert verify_token(TOKEN, KEYS, EXPIRES - timedelta(seconds=1)).card_number == CARD


def test_token_from_the_future_beyond_leeway_is_not_yet_valid():
    # given: the partner's clock is 10 minutes behind the city's
    now = ISSUED - timedelta(minutes=10)

    with pytest.raises(NotYetValidTokenError) as excinfo:
        verify_token(TOKEN, KEYS, now)
    assert excinfo.value.code == "not_yet_valid"
    # within the 5-minute leeway it is accepted
    assert verify_token(TOKEN, KEYS, ISSUED - timedelta(minutes=4)).kid == "2026a"


def test_unknown_kid_is_refused():
    with pytest.raises(UnknownKeyError) as excinfo:
        verify_token(TOKEN, {"2025z": KEY.public_key()}, NOW)
    assert excinfo.value.code == "unknown_key"


def test_token_signed_by_another_key_under_a_published_kid_has_a_bad_signature():
    forged = sign_token(_payload(), generate_private_key(), "2026a")

    with pytest.raises(BadSignatureError) as excinfo:
        verify_token(forged, KEYS, NOW)
    assert excinfo.value.code == "bad_signature"


def test_forged_expired_token_reports_bad_signature_not_expired():
    forged = sign_token(_payload(), generate_private_key(), "2026a")

    with pytest.raises(BadSignatureError):
        verify_token(forged, KEYS, EXPIRES + timedelta(days=1))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "KK1",
        "KK2" + TOKEN[3:],
        TOKEN + ".x",
        TOKEN.replace(".", "..", 1),
        TOKEN[:-1] + "+",
        TOKEN + "=",
        "KK1." + TOKEN.split(".")[1] + "." + _b64(b"\x00" * 63),
        "KK1." + _b64(b"\x00" * 10) + "." + TOKEN.split(".")[2],
        TOKEN + "A" * 100,
        "ĶK1" + TOKEN[3:],
    ],
)
def test_malformed_tokens_are_refused(token):
    with pytest.raises(MalformedTokenError) as excinfo:
        verify_token(token, KEYS, NOW)
    assert excinfo.value.code == "malformed"


def test_trailing_newline_from_a_scanner_is_ignored():
    assert verify_token(TOKEN + "\r\n", KEYS, NOW).card_number == CARD


def test_non_canonical_base64_spelling_is_refused():
    # given: the signature's last character carries 4 unused bits; flip one of them
    prefix, payload, signature = TOKEN.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(signature[-1])
    respelled = signature[:-1] + alphabet[last ^ 1]
    assert _unb64(respelled) == _unb64(signature)  # same bytes, different text

    # then
    with pytest.raises(MalformedTokenError):
        verify_token(f"{prefix}.{payload}.{respelled}", KEYS, NOW)


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        verify_token(TOKEN, KEYS, datetime(2026, 6, 1))  # noqa: DTZ001 - naive on purpose


def test_all_token_errors_share_a_base_class_with_distinct_codes():
    classes = [
        MalformedTokenError,
        UnknownKeyError,
        BadSignatureError,
        ExpiredTokenError,
        NotYetValidTokenError,
    ]

    assert all(issubclass(c, TokenError) for c in classes)
    assert len({c.code for c in classes}) == len(classes)


# ------------------------------------------------------------------------------- tampering

_PAYLOAD_BYTES = _unb64(TOKEN.split(".")[1])
_SIGNATURE_BYTES = _unb64(TOKEN.split(".")[2])
_KID_START = 15


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(0, len(_PAYLOAD_BYTES) - 1), xor=st.integers(1, 255))
def test_any_single_byte_change_of_the_payload_is_refused(position, xor):
    # given
    tampered = bytearray(_PAYLOAD_BYTES)
    tampered[position] ^= xor
    token = f"KK1.{_b64(bytes(tampered))}.{TOKEN.split('.')[2]}"

    # when
    with pytest.raises(TokenError) as excinfo:
        verify_token(token, KEYS, NOW)

    # then: a changed kid names an unpublished key; anything else fails structure or signature
    expected = (
        {"unknown_key", "malformed"} if position >= _KID_START else {"bad_signature", "malformed"}
    )
    assert excinfo.value.code in expected


@settings(max_examples=150, deadline=None)
@given(position=st.integers(0, len(_SIGNATURE_BYTES) - 1), xor=st.integers(1, 255))
def test_any_single_byte_change_of_the_signature_is_refused(position, xor):
    tampered = bytearray(_SIGNATURE_BYTES)
    tampered[position] ^= xor
    token = f"{TOKEN.rsplit('.', 1)[0]}.{_b64(bytes(tampered))}"

    with pytest.raises(BadSignatureError):
        verify_token(token, KEYS, NOW)


@settings(max_examples=150, deadline=None)
@given(position=st.integers(0, len(TOKEN) - 1), char=st.characters(codec="ascii"))
def test_any_single_character_change_of_the_token_text_is_refused(position, char):
    tampered = TOKEN[:position] + char + TOKEN[position + 1 :]
    if tampered.strip(" \t\r\n") == TOKEN:
        return  # unchanged, or only surrounding whitespace that scanners add

    with pytest.raises(TokenError):
        verify_token(tampered, KEYS, NOW)


# -------------------------------------------------------------------------------- rotation


def test_old_key_tokens_verify_while_published_and_fail_once_removed():
    # given: the city rotates from 2026a to 2026b
    old_key, new_key = KEY, generate_private_key()
    old_token = sign_token(_payload(), old_key, "2026a")
    new_token = sign_token(_payload(), new_key, "2026b")
    during = load_jwks(export_jwks({"2026a": old_key.public_key(), "2026b": new_key.public_key()}))
    after = load_jwks(export_jwks({"2026b": new_key.public_key()}))

    # then: both verify during the overlap
    assert verify_token(old_token, during, NOW).kid == "2026a"
    assert verify_token(new_token, during, NOW).kid == "2026b"
    # and the old one fails once its key is withdrawn
    assert verify_token(new_token, after, NOW).kid == "2026b"
    with pytest.raises(UnknownKeyError):
        verify_token(old_token, after, NOW)


# ------------------------------------------------------------------------------ revocation


def test_revoked_card_is_detected_in_any_spelling_of_the_list():
    # given: a revocation list as downloaded, with display spelling and junk
    display = f"{CARD[0:4]} {CARD[4:8]} {CARD[8:12]}"
    revoked = revocation_set([display, "not-a-number", generate_card_number(7)])
    verified = verify_token(TOKEN, KEYS, NOW)

    # then
    assert is_revoked(verified, revoked)
    assert not is_revoked(verified, revocation_set([generate_card_number(7)]))
    assert revoked == {CARD, generate_card_number(7)}
