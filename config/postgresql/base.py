"""Django's PostgreSQL backend with a health check that costs no round trip, and prepared
statements for the few statements every vote runs.

Health check: with ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before each
request that uses it, by sending ``SELECT 1`` and waiting for the answer, a round trip on every
request. A connection goes bad while idle because the server ended it (restart,
``pg_terminate_backend``, an idle timeout) or the network dropped it. In the first case the
server has already sent its error and closed the socket, so reading what is waiting on the
socket, without blocking, tells the same as ``SELECT 1``: libpq marks the connection bad when it
reads the end of the stream. (A silently cut network is detected by neither: ``SELECT 1`` would
wait for the TCP timeout.)

Prepared statements: Django binds parameters on the client and never prepares, so that
connection poolers in transaction mode keep working. The ORM's cursors stay that way.
``prepared_cursor`` gives the hot path (the API token lookup, the ballot insert) a cursor with
server-side binding, whose statements PostgreSQL parses and plans once per connection instead of
on every request. The portal connects to PostgreSQL directly (docker-compose.yml); behind a
pooler in transaction mode set ``DATABASE_PREPARE_THRESHOLD=`` (empty) to turn this off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper
from psycopg.pq import ConnStatus, TransactionStatus

_USABLE_STATES = (TransactionStatus.IDLE, TransactionStatus.INTRANS)
#: psycopg prepares a statement on a connection once it has run this many times there.
PREPARE_THRESHOLD = 2


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        options = self.settings_dict["OPTIONS"]
        # Only server-side binding cursors prepare (``prepared_cursor``); the ORM's never do.
        params["prepare_threshold"] = options.get("prepare_threshold", PREPARE_THRESHOLD)
        return params

    def is_usable(self) -> bool:
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        try:
            pgconn.consume_input()  # reads what the server sent meanwhile; never blocks
        except psycopg.OperationalError:
            return False
        return pgconn.status == ConnStatus.OK and pgconn.transaction_status in _USABLE_STATES

    @contextmanager
    def prepared_cursor(self) -> Iterator[CursorWrapper]:
        # What ``self.cursor()`` does (``_cursor``: health check, error translation, then
        # ``_prepare_cursor``: thread check, the backend's query-logging wrapper), with a psycopg
        # cursor that binds on the server in place of Django's client-side ``create_cursor()``.
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            # (``_prepare_cursor`` is Django's own, not declared in django-stubs.)
            wrapper = self._prepare_cursor(psycopg.Cursor(self.connection))  # type: ignore[attr-defined]
        with wrapper:
            yield wrapper


def prepared_cursor(using: str = DEFAULT_DB_ALIAS) -> AbstractContextManager[CursorWrapper]:
    """A cursor whose statements are prepared once per connection (plain cursor elsewhere)."""
    connection = connections[using]
    if isinstance(connection, DatabaseWrapper):
        return connection.prepared_cursor()
    return connection.cursor()
