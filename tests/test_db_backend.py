"""config.postgresql: the health check reads the socket instead of sending SELECT 1."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection

pytestmark = pytest.mark.django_db(transaction=True)


def _other():  # type: ignore[no-untyped-def]
    params = connection.get_connection_params()
    return psycopg.connect(**params, autocommit=True)


def test_the_check_sends_nothing_to_the_server():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'before the check'")
    pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    with _other() as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row == ("SELECT 'before the check'",)


def test_a_connection_the_server_ended_is_found_unusable_and_replaced_before_the_request():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with _other() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()
    # What a request does: the health check at its first query replaces the connection.
    assert connection.health_check_enabled
    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_no_connection_and_a_closed_connection_are_not_usable():
    connection.close()
    assert not connection.is_usable()
    connection.ensure_connection()
    assert connection.is_usable()
    connection.connection.close()
    assert not connection.is_usable()
    connection.close()


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_hot_path_statements_are_prepared_and_the_orms_are_not():
    from django.utils import timezone

    from accounts.authentication import token_lookup
    from accounts.models import ApiToken, User
    from config.postgresql.base import prepared_cursor
    from tests.accounts.factories import UserFactory

    connection.close()
    raw = ApiToken.new_secret()
    ApiToken.objects.create(user=UserFactory(), name="t", key_hash=ApiToken.hash(raw), hint="x")
    for _ in range(3):
        assert token_lookup(raw, timezone.now()) is not None
        assert User.objects.filter(pk__gt=0).exists()
    statements = _prepared()
    assert any("accounts_apitoken" in s for s in statements)
    assert not any("EXISTS" in s.upper() or "LIMIT 1" in s.upper() for s in statements)
    # Errors are translated to Django's, as with any cursor.
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), prepared_cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_apitoken (user_id, name, key_hash, hint, created_at)"
            " SELECT user_id, name, key_hash, hint, created_at FROM accounts_apitoken"
        )
