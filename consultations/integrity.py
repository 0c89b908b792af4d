"""Telling one database constraint from another when an insert fails.

The voter registers (budget and referenda) rely on a unique constraint for "one ballot per
person"; any other integrity failure (a foreign key that vanished, a random code or key that
collided) is a different problem and must not be reported to the voter as "you have already
voted".
"""

from django.apps import apps
from django.db import IntegrityError
from django.db.models import UniqueConstraint

_SQLITE_UNIQUE = "UNIQUE constraint failed: "


def violated_constraint(exc: IntegrityError) -> str:
    """The name of the constraint violated by ``exc`` ("" when it cannot be told).

    PostgreSQL reports the name. SQLite (``make run``) names only the columns of a failed
    unique constraint, so the model constraint on exactly those columns is looked up.
    """
    diag = getattr(exc.__cause__, "diag", None)
    name = str(getattr(diag, "constraint_name", None) or "")
    if name or not str(exc).startswith(_SQLITE_UNIQUE):
        return name
    columns = [column.strip() for column in str(exc)[len(_SQLITE_UNIQUE) :].split(",")]
    tables = {column.split(".", 1)[0] for column in columns}
    if len(tables) != 1 or not all("." in column for column in columns):
        return ""
    table = tables.pop()
    names = {column.split(".", 1)[1] for column in columns}
    for model in apps.get_models():
        if model._meta.db_table != table:
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                fields = {getattr(model._meta.get_field(f), "column", f) for f in constraint.fields}
                if fields == names:
                    return constraint.name
    return ""
