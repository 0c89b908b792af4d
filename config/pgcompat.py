"""PostgreSQL features with a plain stand-in on SQLite, the embedded database of `make run`.

PostgreSQL — the only database of the tests and of production — gets exactly what Django's
own classes give it (``sqlmigrate`` prints the same SQL). On another database (the SQLite
file of the local demo) a GIN index is an ordinary index of the same name, an array is a
JSON list stored as text, PostgreSQL-only migration SQL is skipped, and an exact ``numeric``
check is not created (SQLite keeps decimals as binary floating point, so sums of grosz
amounts need not compare equal; the actions computing them are the same on both).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models


def is_postgresql(connection: Any) -> bool:
    return bool(connection.vendor == "postgresql")


class PortableGinIndex(GinIndex):
    """GIN on PostgreSQL; a plain index of the same name elsewhere."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if is_postgresql(schema_editor.connection):
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, **kwargs)


class PortableArrayField(ArrayField):
    """A PostgreSQL array; elsewhere a JSON list in a text column (read and written whole).

    Array lookups (``__contains``…) exist on PostgreSQL only: selectors branch on the vendor.
    """

    def db_type(self, connection: Any) -> Any:
        if is_postgresql(connection):
            return super().db_type(connection)
        return "text"

    def cast_db_type(self, connection: Any) -> Any:
        if is_postgresql(connection):
            return super().cast_db_type(connection)
        return "text"

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> Any:
        if is_postgresql(connection):
            return super().get_placeholder(value, compiler, connection)  # type: ignore[misc]
        return "%s"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if is_postgresql(connection):
            return super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        return json.dumps([self.base_field.to_python(item) for item in value], ensure_ascii=False)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str) and not is_postgresql(connection):
            return json.loads(value)
        return value


class PostgreSQLCheckConstraint(models.CheckConstraint):
    """A check on exact ``numeric`` arithmetic: enforced by PostgreSQL, absent elsewhere."""

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        if is_postgresql(schema_editor.connection):
            return super().constraint_sql(model, schema_editor)
        return None

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        if is_postgresql(schema_editor.connection):
            return super().create_sql(model, schema_editor)
        return None

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        if is_postgresql(schema_editor.connection):
            return super().remove_sql(model, schema_editor)
        return None

    def validate(
        self, model: Any, instance: Any, exclude: Any = None, using: str = "default"
    ) -> None:
        from django.db import connections

        if is_postgresql(connections[using]):
            super().validate(model, instance, exclude=exclude, using=using)


class PostgreSQLRunSQL(migrations.RunSQL):
    """SQL run on PostgreSQL only (nothing happens on another database)."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if is_postgresql(schema_editor.connection):
            super().database_forwards(app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if is_postgresql(schema_editor.connection):
            super().database_backwards(app_label, schema_editor, *args)
