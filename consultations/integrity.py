"""Telling one database constraint from another when an insert fails.

The voter registers (budget and referenda) rely on a unique constraint for "one ballot per
person"; any other integrity failure (a foreign key that vanished, a random code or key that
collided) is a different problem and must not be reported to the voter as "you have already
voted".
"""

from django.db import IntegrityError


def violated_constraint(exc: IntegrityError) -> str:
    """The name of the constraint PostgreSQL reports for ``exc`` ("" when it names none)."""
    diag = getattr(exc.__cause__, "diag", None)
    return str(getattr(diag, "constraint_name", None) or "")
