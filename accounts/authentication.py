"""``Authorization: Token kp_…`` authentication for personal API tokens."""

from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken, User

#: A busy client must not turn every read into a write: the token is touched at most this often.
TOUCH_EVERY = timedelta(seconds=60)

# Every API request pays for this, so on PostgreSQL it is one round trip: find the active token
# and its user, and touch ``last_used_at`` when it is older than TOUCH_EVERY. The UPDATE runs
# in the same statement; its result is not needed.
_TOKEN_SQL = """
WITH token AS (
    SELECT id AS token_id, user_id AS token_user_id, name AS token_name, hint AS token_hint,
           created_at AS token_created_at, last_used_at AS token_last_used_at,
           expires_at AS token_expires_at
    FROM accounts_apitoken
    WHERE key_hash = %(key_hash)s AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > %(now)s)
), touched AS (
    UPDATE accounts_apitoken SET last_used_at = %(now)s
    FROM token
    WHERE accounts_apitoken.id = token.token_id
      AND (token.token_last_used_at IS NULL OR token.token_last_used_at <= %(stale)s)
)
SELECT u.*, token.* FROM token JOIN accounts_user u ON u.id = token.token_user_id
"""  # noqa: S105 - SQL text, not a secret (the token is a bound parameter)


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
    params = {"key_hash": key_hash, "now": now, "stale": now - TOUCH_EVERY}
    user = next(iter(User.objects.raw(_TOKEN_SQL, params)), None)
    if user is None:
        return None
    extra = user.__dict__
    token = ApiToken(
        id=extra.pop("token_id"),
        user=user,
        name=extra.pop("token_name"),
        key_hash=key_hash,
        hint=extra.pop("token_hint"),
        created_at=extra.pop("token_created_at"),
        last_used_at=extra.pop("token_last_used_at"),
        expires_at=extra.pop("token_expires_at"),
        revoked_at=None,
    )
    extra.pop("token_user_id")
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
