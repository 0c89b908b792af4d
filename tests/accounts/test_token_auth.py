"""Personal API tokens: one statement finds the token and touches it at most once a minute."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _token(user, **fields):  # type: ignore[no-untyped-def]
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name="t", key_hash=ApiToken.hash(raw), hint=raw[:8], **fields
    )
    return token, raw


def _me(raw: str):  # type: ignore[no-untyped-def]
    return Client().get("/api/v1/me", headers={"Authorization": f"Token {raw}"})


def test_a_token_request_is_one_statement_and_touches_a_never_used_token():
    user = UserFactory()
    token, raw = _token(user)
    with CaptureQueriesContext(connection) as ctx:
        response = _me(raw)
    assert response.status_code == 200
    assert response.json()["public_id"] == str(user.public_id)
    token.refresh_from_db()
    assert token.last_used_at is not None
    auth = [q for q in ctx.captured_queries if "accounts_apitoken" in q["sql"]]
    assert len(auth) == 1


def test_a_token_used_within_the_minute_is_not_written_again():
    recently = timezone.now() - timedelta(seconds=10)
    token, raw = _token(UserFactory(), last_used_at=recently)
    assert _me(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == recently


def test_a_token_last_used_over_a_minute_ago_is_touched():
    long_ago = timezone.now() - timedelta(minutes=5)
    token, raw = _token(UserFactory(), last_used_at=long_ago)
    assert _me(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > long_ago


@pytest.mark.parametrize(
    "fields",
    [
        {"revoked_at": timezone.now() - timedelta(days=1)},
        {"expires_at": timezone.now() - timedelta(seconds=1)},
    ],
    ids=["revoked", "expired"],
)
def test_revoked_or_expired_tokens_are_refused_and_not_touched(fields):
    token, raw = _token(UserFactory(), **fields)
    response = _me(raw)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    token.refresh_from_db()
    assert token.last_used_at is None


def test_a_token_of_a_deactivated_account_is_refused():
    user = UserFactory(is_active=False)
    _token_obj, raw = _token(user)
    assert _me(raw).status_code == 401


def test_an_unknown_or_malformed_token_is_refused_with_401():
    assert _me("kp_" + "x" * 43).status_code == 401
    response = Client().get("/api/v1/me", headers={"Authorization": "Token a b"})
    assert response.status_code == 401


def test_the_token_is_the_request_auth_with_its_fields():
    from accounts.authentication import token_lookup

    token, raw = _token(UserFactory(), expires_at=timezone.now() + timedelta(days=3))
    found = token_lookup(raw, timezone.now())
    assert found is not None
    user, got = found
    assert (got.pk, got.user_id, got.name, got.hint) == (token.pk, user.pk, "t", token.hint)
    assert got.expires_at == token.expires_at
    assert token_lookup(raw + "x", timezone.now()) is None


def test_the_user_is_loaded_with_every_field_as_the_orm_loads_it():
    from accounts.authentication import token_lookup
    from accounts.models import User

    user = UserFactory(first_name="Zofia", phone="+48 600 100 200")
    _token_obj, raw = _token(user)
    found = token_lookup(raw, timezone.now())
    assert found is not None
    loaded, token = found
    expected = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert loaded._state.adding is False
    assert loaded._state.db == "default"
    assert token._state.adding is False
    assert token.user is loaded


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_touch_on_its_own_does_not_wait_for_the_wal_flush_but_a_surrounding_transaction_does():
    """The touch sets synchronous_commit off for its own transaction only, never for a caller's
    (a vote's commit must stay durable)."""
    from django.db import transaction

    from accounts.authentication import token_lookup

    _token_obj, raw = _token(UserFactory())
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")  # the test server runs with it off
    try:
        with transaction.atomic():
            assert token_lookup(raw, timezone.now()) is not None
            assert _synchronous_commit() == "on"
        _other, raw = _token(UserFactory())
        # The statement's own transaction, opened by hand so the setting can be read inside it.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                assert token_lookup(raw, timezone.now()) is not None
                assert _synchronous_commit() == "off"
            finally:
                cursor.execute("ROLLBACK")
        assert _synchronous_commit() == "on"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
