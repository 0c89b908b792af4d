"""Table rows move from one JSONB table partitioned by version to one typed table per version.

``opendata_rows_v<version id>``: ``_id`` and ``c0…cN`` in the SQL type of each schema field
(see docs/opendata.md). Existing versions are copied over, then the JSONB table is dropped.
"""

from django.db import migrations

SQL_TYPES = {
    "string": "text",
    "integer": "bigint",
    "number": "double precision",
    "date": "date",
    "boolean": "boolean",
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    ResourceVersion = apps.get_model("opendata", "ResourceVersion")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('opendata_datarow')")
        if cursor.fetchone()[0] is None:
            return
        for version in ResourceVersion.objects.all():
            fields = version.schema.get("fields", [])
            table = f"opendata_rows_v{int(version.pk)}"
            columns = ["_id integer NOT NULL PRIMARY KEY"]
            values = ["rownum"]
            for index, field in enumerate(fields):
                kind = SQL_TYPES.get(field["type"], "text")
                columns.append(f"c{index} {kind}")
                values.append(f"(data ->> %s)::{kind}")
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)})")
            cursor.execute(
                f"INSERT INTO {table} SELECT {', '.join(values)} FROM opendata_datarow "  # noqa: S608
                "WHERE version_id = %s",
                [field["name"] for field in fields] + [version.pk],
            )
            for index in range(min(len(fields), 32)):
                cursor.execute(f"CREATE INDEX {table}_c{index} ON {table} (c{index})")
        cursor.execute("DROP TABLE opendata_datarow CASCADE")


class Migration(migrations.Migration):
    dependencies = [("opendata", "0002_datarow")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
