"""Ballot secrecy below the ORM: keys and physical row order that say nothing about the voter.

The budget and the referenda keep who voted (the register) apart from what was chosen (the
ballots), and write both rows in one transaction. Two things could still pair them up:

* **Keys.** Sequential ids on both sides, ordered, pair the n-th voter with the n-th ballot. The
  ballot-side rows therefore take a random 63-bit key (:func:`random_key`, from ``secrets``);
  a bigint rather than a UUID keeps the foreign keys and indexes as they were (8 bytes, same
  column type, an in-place ``ALTER`` of the existing tables). A collision (about n²/2⁶⁴, i.e.
  never) is retried by the caller like any random-code collision.
* **PostgreSQL's own columns.** Rows written by one transaction share ``xmin``, and the heap
  order (``ctid``) follows insertion order. Once voting has closed, :func:`reshuffle` rewrites a
  vote's ballot-side rows in random physical order inside one transaction, so they all carry
  that transaction's ``xmin`` and an order unrelated to the register; :func:`vacuum` then drops
  the old row versions.
"""

import secrets
from typing import Any

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler

#: Keys are positive signed 64-bit integers (PostgreSQL ``bigint``).
KEY_MAX = 2**63 - 1


def random_key() -> int:
    """A random primary key in 1..2⁶³-1 that carries no order (CSPRNG)."""
    return secrets.randbelow(KEY_MAX) + 1


class RandomKey(models.Func):
    """Database-side default for the same keys, for rows inserted outside the application
    (e.g. the raw-insert benchmark, a manual repair): never a sequence. The application always
    supplies the key itself (``random_key``)."""

    output_field = models.BigIntegerField()

    def as_sql(  # type: ignore[override]
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        **extra_context: object,
    ) -> tuple[str, list[object]]:
        if connection.vendor == "postgresql":
            # gen_random_uuid() is core PostgreSQL (13+) and uses the strong random source.
            return (
                "(('x' || translate(gen_random_uuid()::text, '-', ''))::bit(64)::bigint"
                " & 9223372036854775807)",
                [],
            )
        return "(random() & 9223372036854775807)", []


def reshuffle(*, table: str, where: str, params: list[Any]) -> int:
    """Rewrite the rows of ``table`` matching ``where`` in random physical order; return how many.

    Set-based (one statement, no rows in Python). Call it inside a transaction that also holds
    any other table rewritten with it: foreign keys are DEFERRABLE INITIALLY DEFERRED in
    Django's PostgreSQL schema, so a referenced row deleted and re-inserted by the same
    transaction is checked only at commit, when it exists again. PostgreSQL only.
    """
    # Table names and conditions are constants of the calling module, never user input.
    sql = (
        f"WITH moved AS (DELETE FROM {table} WHERE {where} RETURNING *) "  # noqa: S608
        f"INSERT INTO {table} SELECT * FROM moved ORDER BY random()"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def vacuum(*tables: str) -> bool:
    """VACUUM ``tables`` so the row versions left by :func:`reshuffle` (still in voting order,
    with their original ``xmin``) are removed. Needs autocommit: inside a transaction (or on
    another database) it does nothing and answers False, leaving it to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    names = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {names}")
    return True
