"""``Authorization: Token kp_…`` authentication for personal API tokens."""

from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken, User
from config.postgresql.base import prepared_cursor

#: A busy client must not turn every read into a write: the token is touched at most this often.
TOUCH_EVERY = timedelta(seconds=60)

# Every API request pays for this, so on PostgreSQL it is one round trip: find the active token
# and its user, and touch ``last_used_at`` when it is older than TOUCH_EVERY. The UPDATE runs
# in the same statement; its result is not needed. ``last_used_at`` is a hint shown on the
# profile page, not a record: a touch commits without waiting for its WAL flush
# (``synchronous_commit`` is read when the transaction commits, and ``set_config(…, true)``
# sets it for this statement's transaction only), so the first request of a token does not wait
# for a disk flush. A crash may forget the last second of touches; nothing else is affected.
# Inside an outer transaction (never the case for DRF, which authenticates before the view) the
# setting would outlive the statement, so there the touch commits with the transaction as usual.
_TOKEN_SQL = """
WITH token AS (
    SELECT id, user_id, name, hint, created_at, last_used_at, expires_at
    FROM accounts_apitoken
    WHERE key_hash = %(key_hash)s AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > %(now)s)
), touched AS (
    UPDATE accounts_apitoken SET last_used_at = %(now)s
    FROM token
    WHERE accounts_apitoken.id = token.id
      AND (token.last_used_at IS NULL OR token.last_used_at <= %(stale)s)
      %(async_touch)s
)
SELECT %(user_columns)s, token.id, token.name, token.hint, token.created_at,
       token.last_used_at, token.expires_at
FROM token JOIN accounts_user u ON u.id = token.user_id
"""  # noqa: S105 - SQL text, not a secret (the token is a bound parameter)
# The user's columns by name, in the model's field order, so the row becomes a User through
# ``Model.from_db`` as the ORM does (none of these fields converts its database value).
_USER_FIELDS = User._meta.concrete_fields
_TOKEN_FIELDS = ApiToken._meta.concrete_fields
_USER_ATTNAMES = [field.attname for field in _USER_FIELDS]
_TOKEN_SQL = _TOKEN_SQL.replace(
    "%(user_columns)s", ", ".join(f'u."{field.column}"' for field in _USER_FIELDS)
)
_TOKEN_SQL_ALONE = _TOKEN_SQL.replace(
    "%(async_touch)s", "AND set_config('synchronous_commit', 'off', true) = 'off'"
)
_TOKEN_SQL_OUTER = _TOKEN_SQL.replace("%(async_touch)s", "")


def token_lookup(raw: str, now: datetime) -> tuple[User, ApiToken] | None:
    """The active token for the secret ``raw`` and its user (touching it), or None."""
    key_hash = ApiToken.hash(raw)
    if connection.vendor != "postgresql":  # SQLite (`make run`): the same, in two queries
        token = ApiToken.objects.active().select_related("user").filter(key_hash=key_hash).first()
        if token is None:
            return None
        if token.last_used_at is None or token.last_used_at <= now - TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
    params: dict[str, str | datetime] = {
        "key_hash": key_hash,
        "now": now,
        "stale": now - TOUCH_EVERY,
    }
    sql = _TOKEN_SQL_OUTER if connection.in_atomic_block else _TOKEN_SQL_ALONE
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_USER_FIELDS)
    user = User.from_db(connection.alias, _USER_ATTNAMES, row[:split])
    token_id, name, hint, created_at, last_used_at, expires_at = row[split:]
    values = {
        "id": token_id,
        "user_id": user.pk,
        "name": name,
        "key_hash": key_hash,
        "hint": hint,
        "created_at": created_at,
        "last_used_at": last_used_at,
        "expires_at": expires_at,
        "revoked_at": None,
    }
    token = ApiToken.from_db(
        connection.alias, list(values), [values[field.attname] for field in _TOKEN_FIELDS]
    )
    token.user = user
    return user, token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Nieprawidłowy nagłówek tokenu."))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Nieprawidłowy nagłówek tokenu.")) from exc
        found = token_lookup(raw, timezone.now())
        if found is None or not found[0].is_active:
            raise exceptions.AuthenticationFailed(_("Nieprawidłowy lub wygasły token."))
        return found

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Personal API token from the profile page: "Token kp_…"',
        }
