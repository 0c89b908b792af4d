"""Every write the open-data catalogue allows.

Table imports stream the CSV, COPY the typed rows into a stand-alone table in batches
(committing progress between batches so the progress page sees it), index it, and only then
attach it as a partition of ``opendata_datarow`` and make it the resource's current version,
in one transaction: a failed or interrupted import never touches the published version.

On SQLite (the embedded database of `make run`) the same steps run without PostgreSQL's
speed paths: Python's csv module and ``tabular.cast_value`` instead of COPY and SQL casts,
rows inserted 1,000 at a time, no full-text vector (the catalogue search reads the text).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import IO, Any

import psycopg
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import storages
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.pgcompat import is_postgresql
from opendata import tabular
from opendata.models import (
    ChartType,
    Dataset,
    Frequency,
    Group,
    ImportStatus,
    Organization,
    Resource,
    ResourceKind,
    ResourceVersion,
    TableImport,
)
from opendata.registry import OwnDataset, registered_datasets

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024**3
HEAD_BYTES = 64 * 1024
SCHEDULE_PERIOD = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(days=7),
    "monthly": timedelta(days=30),
}
SCHEDULE_FREQUENCY = {
    "hourly": Frequency.HOURLY,
    "daily": Frequency.DAILY,
    "weekly": Frequency.WEEKLY,
    "monthly": Frequency.MONTHLY,
}


def table_error_message(error: Mapping[str, Any]) -> str:
    """The translated sentence for one error code of opendata.tabular (or of an import)."""
    code = error.get("code")
    params = {key: value for key, value in error.items() if key != "code"}
    messages = {
        "empty": _("Plik jest pusty."),
        "no_header": _("Pierwszy wiersz pliku musi zawierać nazwy kolumn."),
        "empty_column_name": _("Kolumna %(column)s nie ma nazwy w pierwszym wierszu."),
        "duplicate_column": _("Nazwa kolumny „%(column)s” powtarza się."),
        "encoding": _(
            "Wiersz %(row)s: nieprawidłowe kodowanie znaków (dozwolone UTF-8 lub Windows-1250)."
        ),
        "malformed": _("Wiersz %(row)s: błędny format CSV (np. niezamknięty cudzysłów)."),
        "huge_field": _("Wiersz %(row)s: pole jest zbyt duże (najwyżej 100 000 znaków)."),
        "column_count": _("Wiersz %(row)s: nieprawidłowa liczba kolumn (%(value)s)."),
        "type": _(
            "Wiersz %(row)s, kolumna „%(column)s”: wartość „%(value)s” nie jest typu %(expected)s."
        ),
        "too_large": _("Plik jest zbyt duży."),
        "no_rows": _("Plik nie zawiera żadnych wierszy danych."),
        "fetch": _("Nie udało się pobrać pliku ze źródła."),
        "load": _("Nie udało się zapisać danych w wybranych typach pól; sprawdź schemat."),
    }
    template = messages.get(str(code), _("Nieznany błąd importu."))
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        return template


class ImportRejected(ValidationError):
    """An upload that cannot be imported; ``errors`` lists the coded problems."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__([table_error_message(error) for error in errors])
        self.table_errors = errors


# --- catalogue -----------------------------------------------------------------------------


def dataset_search_refresh(*, dataset_id: int) -> None:
    """Rebuild the full-text vector (titles, descriptions, keywords; 'simple' configuration)."""
    if not is_postgresql(connection):
        return  # SQLite (`make run`): opendata.selectors.catalogue_search reads the text fields
    dataset = Dataset.objects.get(pk=dataset_id)
    words = " ".join(dataset.keywords)
    Dataset.objects.filter(pk=dataset_id).update(
        search_vector=SearchVector(Value(dataset.title_pl), weight="A", config="simple")
        + SearchVector(Value(dataset.title_en), weight="A", config="simple")
        + SearchVector(Value(words), weight="B", config="simple")
        + SearchVector(Value(dataset.description_pl), weight="C", config="simple")
        + SearchVector(Value(dataset.description_en), weight="C", config="simple")
    )


def dataset_save(*, dataset: Dataset, acting_user: User | None) -> Dataset:
    """Create or update a dataset (the clerk's screen) and keep its search vector current."""
    dataset.full_clean(exclude=["search_vector"])
    with transaction.atomic():
        dataset._history_user = acting_user  # type: ignore[attr-defined]
        dataset.save()
        dataset_search_refresh(dataset_id=dataset.pk)
    return dataset


# --- resources: display settings and file versions -----------------------------------------

NUMERIC_TYPES = ("integer", "number")


def resource_display_update(
    *,
    resource: Resource,
    chart_type: str,
    chart_x: str,
    chart_y: str,
    map_lat: str,
    map_lon: str,
    map_geojson: str,
    acting_user: User,
) -> Resource:
    """Choose the chart (type, X and Y columns) and the map (lat/lon or a GeoJSON column).

    Every named column must exist in the current version with a fitting type; raises
    ValidationError (a dict by field, translated) and changes nothing otherwise.
    """
    version = resource.current_version
    types = {f["name"]: f["type"] for f in (version.schema.get("fields", []) if version else [])}
    errors: dict[str, str] = {}
    if chart_type not in {choice.value for choice in ChartType}:
        errors["chart_type"] = _("Wybierz rodzaj wykresu z listy.")
    elif chart_type:
        if chart_x not in types:
            errors["chart_x"] = _("Wybierz kolumnę osi X z listy.")
        if types.get(chart_y) not in NUMERIC_TYPES:
            errors["chart_y"] = _("Oś Y musi być kolumną liczbową.")
    for key, value in (("map_lat", map_lat), ("map_lon", map_lon)):
        if value and types.get(value) not in NUMERIC_TYPES:
            errors[key] = _("Współrzędna musi być kolumną liczbową.")
    if bool(map_lat) != bool(map_lon) and "map_lat" not in errors and "map_lon" not in errors:
        errors["map_lon" if map_lat else "map_lat"] = _(
            "Podaj obie kolumny współrzędnych albo żadnej."
        )
    if map_geojson and types.get(map_geojson) != "string":
        errors["map_geojson"] = _("Geometria GeoJSON musi być kolumną tekstową.")
    if map_geojson and map_lat and "map_geojson" not in errors:
        errors["map_geojson"] = _("Wybierz współrzędne albo kolumnę GeoJSON, nie jedno i drugie.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        locked.chart_type = chart_type
        locked.chart_x = chart_x if chart_type else ""
        locked.chart_y = chart_y if chart_type else ""
        locked.map_lat = map_lat
        locked.map_lon = map_lon
        locked.map_geojson = map_geojson
        locked._history_user = acting_user  # type: ignore[attr-defined]
        locked.save(
            update_fields=["chart_type", "chart_x", "chart_y", "map_lat", "map_lon", "map_geojson"]
        )
    return locked


def resource_file_publish(
    *, resource: Resource, upload: IO[bytes], original_name: str, acting_user: User
) -> ResourceVersion:
    """A file resource's file replaced: a new version; the earlier ones stay downloadable."""
    if resource.kind != ResourceKind.FILE:
        raise ValidationError(_("Ten zasób jest tabelą: wgraj plik CSV."))
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise ImportRejected([{"code": "empty"}])
    if size > MAX_UPLOAD_BYTES:
        raise ImportRejected([{"code": "too_large"}])
    clean_name = _file_name(original_name)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        number = (
            ResourceVersion.objects.filter(resource=locked).aggregate(
                top=Coalesce(Max("number"), 0)
            )["top"]
            + 1
        )
        version = ResourceVersion(
            resource=locked,
            number=number,
            original_name=clean_name,
            size=size,
            sha256=digest.hexdigest(),
            created_by=acting_user,
        )
        version.file.save(f"{uuid.uuid4().hex}/{clean_name}", File(upload), save=False)
        version._history_user = acting_user  # type: ignore[attr-defined]
        try:
            version.save()
        except BaseException:
            version.file.delete(save=False)
            raise
        locked.current_version = version
        extension = clean_name.rsplit(".", 1)[-1].upper() if "." in clean_name else ""
        if extension and len(extension) <= 20:
            locked.format = extension
        locked._history_user = acting_user  # type: ignore[attr-defined]
        locked.save(update_fields=["current_version", "format"])
        Dataset.objects.filter(pk=locked.dataset_id).update(modified_at=timezone.now())
    return version


def _file_name(original_name: str) -> str:
    from django.utils.text import get_valid_filename

    base = original_name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return get_valid_filename(base)[:200]
    except Exception:  # SuspiciousFileOperation for names such as "..": a neutral name.
        return "plik"


# --- table imports -------------------------------------------------------------------------


def table_upload(
    *, resource: Resource, upload: IO[bytes], original_name: str, acting_user: User
) -> TableImport:
    """Store an uploaded CSV privately, sniff its dialect and infer a Table Schema.

    Raises ImportRejected (nothing stored) when the file cannot be read as a table.
    """
    head = upload.read(HEAD_BYTES)
    if not head.strip():
        raise ImportRejected([{"code": "empty"}])
    upload.seek(0)
    try:
        dialect = tabular.sniff(head)
        _header, schema, _sample = tabular.sample_table(upload, dialect)
    except tabular.TableError as exc:
        raise ImportRejected([{"code": exc.code, **exc.params}]) from None
    upload.seek(0, 2)
    size = upload.tell()
    if size > MAX_UPLOAD_BYTES:
        raise ImportRejected([{"code": "too_large"}])
    upload.seek(0)
    storage = storages["private"]
    name = storage.save(f"opendata/imports/{uuid.uuid4().hex}.csv", File(upload))
    with transaction.atomic():
        table_import = TableImport(
            resource=resource,
            file_name=name,
            original_name=original_name[:300],
            encoding=dialect.encoding,
            delimiter=dialect.delimiter,
            decimal_char=dialect.decimal_char,
            schema=schema,
            bytes_total=size,
            created_by=acting_user,
        )
        table_import._history_user = acting_user  # type: ignore[attr-defined]
        table_import.save()
    return table_import


def table_import_confirm(
    *, table_import: TableImport, field_types: Mapping[str, str], acting_user: User
) -> TableImport:
    """The clerk confirms (or corrects) the inferred schema; the import is queued."""
    from opendata.tasks import table_import_task

    if table_import.status != ImportStatus.UPLOADED:
        raise ValidationError(_("Ten import został już zatwierdzony."))
    fields = []
    for field in table_import.schema.get("fields", []):
        chosen = field_types.get(field["name"], field["type"])
        if chosen not in tabular.FIELD_TYPES:
            raise ValidationError(_("Nieznany typ pola: %(type)s.") % {"type": chosen})
        updated = {"name": field["name"], "type": chosen}
        if chosen == "number" and table_import.decimal_char == ",":
            updated["decimalChar"] = ","
        fields.append(updated)
    with transaction.atomic():
        locked = TableImport.objects.select_for_update().get(pk=table_import.pk)
        if locked.status != ImportStatus.UPLOADED:
            raise ValidationError(_("Ten import został już zatwierdzony."))
        locked.schema = {"fields": fields}
        locked.status = ImportStatus.QUEUED
        locked._history_user = acting_user  # type: ignore[attr-defined]
        locked.save(update_fields=["schema", "status"])
        from config.celery import enqueue_after_commit

        enqueue_after_commit(table_import_task, locked.pk)
    return locked


def _stage_create(fields: list[dict[str, Any]]) -> tuple[int, str]:
    """Reserve a version id and create its (empty, typed) rows table; see docs/opendata.md."""
    with connection.cursor() as cursor:
        if is_postgresql(connection):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('opendata_resourceversion', 'id'))"
            )
        else:
            # SQLite keeps an AUTOINCREMENT table's last id in sqlite_sequence: taking the
            # next one there reserves it as nextval() does.
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT 'opendata_resourceversion', "
                "coalesce((SELECT max(id) FROM opendata_resourceversion), 0) WHERE NOT EXISTS "
                "(SELECT 1 FROM sqlite_sequence WHERE name = 'opendata_resourceversion')"
            )
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'opendata_resourceversion'"
            )
            cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'opendata_resourceversion'"
            )
        version_id = int(cursor.fetchone()[0])
        table = rows_table(version_id)
        cursor.execute(_table_ddl(table, fields))
    return version_id, table


def rows_table(version_id: int) -> str:
    """The name of a version's rows table (an integer from the sequence: safe in DDL)."""
    return f"opendata_rows_v{int(version_id)}"


# SQLite (`make run`): its own names for the same types; dates as ISO text, booleans as 0/1.
SQLITE_TYPES = {
    "bigint": "integer",
    "double precision": "real",
    "date": "text",
    "boolean": "integer",
}


def _table_ddl(table: str, fields: list[dict[str, Any]]) -> str:
    if not is_postgresql(connection):
        columns = ["_id integer NOT NULL PRIMARY KEY"]
        for index, field in enumerate(fields):
            kind = tabular.SQL_TYPES.get(field["type"], "text")
            columns.append(f"c{index} {SQLITE_TYPES.get(kind, 'text')}")
        return f"CREATE TABLE {table} ({', '.join(columns)})"
    columns = ["_id integer NOT NULL"]
    for index, field in enumerate(fields):
        kind = tabular.SQL_TYPES.get(field["type"], "text")
        check = ""
        if kind == "text":
            check = f" CHECK (length(c{index}) <= {tabular.MAX_FIELD_BYTES})"
        elif kind == "double precision":
            # No NaN or infinities in open data (NaN compares above every number in PostgreSQL).
            check = f" CHECK (c{index} > '-Infinity' AND c{index} < 'Infinity')"
        columns.append(f"c{index} {kind}{check}")
    return f"CREATE TABLE {table} ({', '.join(columns)})"


def _stage_drop(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _index(table: str, fields: list[dict[str, Any]]) -> None:
    """Primary key, one b-tree per column (filters and sorts of datastore_search), statistics.

    Built after the load (much faster than maintaining them row by row) and before the
    version is published, so readers never see a table without them.
    """
    with connection.cursor() as cursor:
        if is_postgresql(connection):  # SQLite: the primary key is declared by _table_ddl
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (_id)")
        for index, _field in enumerate(fields[:INDEXED_COLUMNS]):
            cursor.execute(f"CREATE INDEX {table}_c{index} ON {table} (c{index})")
        cursor.execute(f"ANALYZE {table}")


def _publish(
    *,
    resource: Resource,
    version_id: int,
    schema: dict[str, Any],
    row_count: int,
    acting_user: User | None,
) -> ResourceVersion:
    """Make the loaded version the resource's current one (readers see old or new, never half)."""
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        number = (
            ResourceVersion.objects.filter(resource=locked).aggregate(
                top=Coalesce(Max("number"), 0)
            )["top"]
            + 1
        )
        version = ResourceVersion(
            id=version_id,
            resource=locked,
            number=number,
            schema=schema,
            row_count=row_count,
            created_by=acting_user,
        )
        version._history_user = acting_user  # type: ignore[attr-defined]
        version.save()
        locked.current_version = version
        locked._history_user = acting_user  # type: ignore[attr-defined]
        locked.save(update_fields=["current_version"])
        Dataset.objects.filter(pk=locked.dataset_id).update(modified_at=timezone.now())
    return version


# The set-based import. Every cell arrives as text (COPY … FORMAT csv parses the file in
# PostgreSQL, in its encoding) and is cast by PostgreSQL's own input functions in one
# INSERT … SELECT: far faster than casting 7,000,000 cells in Python. Only when that cast
# fails are the (slower) per-column checks below run, to list every bad cell by row and
# column. ``{c}`` is a column of the raw table.
_ISO_DATE = (
    "CASE WHEN btrim({c}) ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}$' THEN btrim({c}) "
    "WHEN btrim({c}) ~ '^\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}$' THEN "
    "split_part(btrim({c}), '.', 3) || '-' || lpad(split_part(btrim({c}), '.', 2), 2, '0') "
    "|| '-' || lpad(split_part(btrim({c}), '.', 1), 2, '0') END"
)
_TRUE_WORDS = "('true', 'tak', 't', 'yes', '1')"
_FALSE_WORDS = "('false', 'nie', 'f', 'no', '0')"
INDEXED_COLUMNS = 32


def _valid_sql(kind: str, decimal_char: str) -> str:
    """A boolean SQL expression: the non-empty cell ``{c}`` fits ``kind`` (the error listing)."""
    if kind == "integer":
        return (
            "(btrim({c}) ~ '^[+-]?\\d+$' AND btrim({c})::numeric "
            "BETWEEN -9223372036854775808 AND 9223372036854775807)"
        )
    if kind == "number":
        dot = "'^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{{1,3}})?$'"
        finite = "abs(replace(btrim({c}), ',', '.')::numeric) < 1e300"
        if decimal_char == ",":
            return (
                f"((btrim({{c}}) ~ {dot} OR btrim({{c}}) ~ '^[+-]?(\\d+(,\\d*)?|,\\d+)$') "
                f"AND {finite})"
            )
        return f"(btrim({{c}}) ~ {dot} AND {finite})"
    if kind == "date":
        iso = f"({_ISO_DATE})"
        year, month, day = (
            f"substr({iso}, {start}, {size})::int" for start, size in ((1, 4), (6, 2), (9, 2))
        )
        return (
            f"({iso} IS NOT NULL AND {month} BETWEEN 1 AND 12 AND {year} >= 1 AND {day} >= 1 "
            f"AND {day} <= CASE WHEN {iso} IS NOT NULL AND {month} BETWEEN 1 AND 12 "
            f"AND {year} >= 1 THEN extract(day from make_date({year}, {month}, 1) "
            f"+ interval '1 month - 1 day')::int ELSE 0 END)"
        )
    if kind == "boolean":
        return f"lower(btrim({{c}})) IN {_TRUE_WORDS} OR lower(btrim({{c}})) IN {_FALSE_WORDS}"
    return "true"


def _cast_sql(kind: str, decimal_char: str) -> str:
    """PostgreSQL's input function for ``kind``: cheap, and an error aborts the whole load."""
    if kind == "integer":
        return "nullif(btrim({c}), '')::bigint"
    if kind == "number":
        value = "replace(btrim({c}), ',', '.')" if decimal_char == "," else "btrim({c})"
        return f"nullif({value}, '')::double precision"
    if kind == "date":
        # DateStyle DMY reads 31.12.2024 as the clerk means it; words such as 'today' or
        # 'epoch' are refused by making them invalid input.
        return (
            "CASE WHEN btrim({c}) = '' THEN NULL WHEN btrim({c}) ~ '^\\d' "
            "THEN btrim({c})::date ELSE ('?' || {c})::date END"
        )
    if kind == "boolean":
        return (
            "CASE lower(btrim({c})) WHEN '' THEN NULL WHEN 'tak' THEN true WHEN 'nie' THEN false "
            "WHEN 'true' THEN true WHEN 'false' THEN false WHEN 't' THEN true WHEN 'f' THEN false "
            "WHEN 'yes' THEN true WHEN 'no' THEN false WHEN '1' THEN true WHEN '0' THEN false "
            "ELSE ('?' || {c})::boolean END"
        )
    return "CASE WHEN btrim({c}) = '' THEN NULL ELSE {c} END"


_COPY_ERRORS = (
    ("invalid byte sequence", "encoding"),
    ("character with byte sequence", "encoding"),
    ("extra data after last expected column", "column_count"),
    ("missing data for column", "column_count"),
    ("unterminated csv quoted field", "malformed"),
)


def _copy_error(exc: BaseException) -> dict[str, Any]:
    import re

    message = str(exc).lower()
    context = str(getattr(getattr(exc, "diag", None), "context", "") or "")
    match = re.search(r"line (\d+)", context) or re.search(r"line (\d+)", message)
    row = int(match.group(1)) - 1 if match else 0
    code = next((code for needle, code in _COPY_ERRORS if needle in message), "malformed")
    error: dict[str, Any] = {"code": code, "row": max(row, 1)}
    if code == "column_count":
        error["value"] = "?"
    return error


class _Progress:
    """Progress written through a second connection, so it is visible while COPY runs."""

    def __init__(self, table_import_id: int) -> None:
        self.id = table_import_id
        self.connection = psycopg.connect(**connection.get_connection_params(), autocommit=True)

    def update(self, **values: Any) -> None:
        columns = ", ".join(f"{name} = %s" for name in values)
        self.connection.execute(
            f"UPDATE opendata_tableimport SET {columns} WHERE id = %s",  # noqa: S608 — fixed names
            [*values.values(), self.id],
        )

    def close(self) -> None:
        self.connection.close()


def _list_bad_cells(
    raw: str, columns: list[str], fields: list[dict[str, Any]], decimal_char: str
) -> list[dict[str, Any]]:
    """Every bad cell (row, column, value; the first MAX_ERRORS by row) of the raw table."""
    errors: list[dict[str, Any]] = []
    with connection.cursor() as cursor:
        for name, field in zip(columns, fields, strict=True):
            valid = _valid_sql(field["type"], decimal_char).format(c=name)
            # Names are ours (c0…cN of our raw table); values are parameters.
            cursor.execute(
                f"SELECT rownum, left({name}, 100), length({name}) > %s FROM {raw} "  # noqa: S608
                f"WHERE {name} IS NOT NULL AND (length({name}) > %s OR "
                f"(btrim({name}) <> '' AND NOT ({valid}))) ORDER BY rownum LIMIT %s",
                [tabular.MAX_FIELD_BYTES, tabular.MAX_FIELD_BYTES, tabular.MAX_ERRORS],
            )
            for rownum, value, huge in cursor.fetchall():
                if huge:
                    errors.append({"code": "huge_field", "row": rownum})
                else:
                    errors.append(
                        {
                            "row": rownum,
                            "column": field["name"],
                            "code": "type",
                            "value": value,
                            "expected": field["type"],
                        }
                    )
    errors.sort(key=lambda error: (error.get("row", 0), str(error.get("column"))))
    return errors[: tabular.MAX_ERRORS]


def table_import_run(*, table_import_id: int) -> TableImport:
    """Validate and load a queued import; publish it as a new version only if every row fits.

    PostgreSQL parses the CSV (COPY … FORMAT csv, in the file's encoding) into an unlogged raw
    text table, then one INSERT … SELECT casts every cell into the version's typed table. Only
    if a cast fails are the bad cells listed (row and column, up to 100) and nothing is kept.
    Idempotent: an import that is not queued is left as it is.
    """
    table_import = TableImport.objects.select_related("resource", "created_by").get(
        pk=table_import_id
    )
    if table_import.status != ImportStatus.QUEUED:
        return table_import
    started = time.monotonic()
    TableImport.objects.filter(pk=table_import.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    fields = table_import.schema["fields"]
    decimal_char = table_import.decimal_char
    version_id, table = _stage_create(fields)
    if not is_postgresql(connection):
        return _table_import_run_python(table_import, version_id, table, started)
    raw = f"opendata_rawimport_{table_import.pk}"
    columns = [f"c{index}" for index in range(len(fields))]
    progress = _Progress(table_import.pk)
    errors: list[dict[str, Any]] = []
    rows_done = 0
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {raw}")
            cursor.execute(
                f"CREATE UNLOGGED TABLE {raw} (rownum integer GENERATED ALWAYS AS IDENTITY, "
                + ", ".join(f"{name} text" for name in columns)
                + ")"
            )
        encoding = "WIN1250" if table_import.encoding == "cp1250" else "UTF8"
        delimiter = table_import.delimiter.replace("'", "")
        copy_sql = (
            f"COPY {raw} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, HEADER true, "
            f"DELIMITER '{delimiter}', ENCODING '{encoding}')"
        )
        done = 0
        last = time.monotonic()
        try:
            with storages["private"].open(table_import.file_name, "rb") as source:
                bytes_per_row = _bytes_per_row(source)
                if table_import.encoding == "utf-8-sig":
                    source.read(3)
                    done = 3
                # The atomic block confines a COPY error (a savepoint inside a caller's
                # transaction), so the staging tables can still be dropped afterwards.
                with (
                    transaction.atomic(),
                    connection.cursor() as cursor,
                    cursor.copy(copy_sql) as copy,
                ):
                    while chunk := source.read(1024 * 1024):
                        copy.write(chunk)
                        done += len(chunk)
                        if time.monotonic() - last > 1:
                            last = time.monotonic()
                            elapsed = max(last - started, 1e-6)
                            # Parsing is half of the work: bytes read are the first half
                            # of the bar, the typed load and the indexes the rest.
                            estimate = int(done / bytes_per_row)
                            progress.update(
                                bytes_done=int(min(done, table_import.bytes_total) * 0.5),
                                rows_done=estimate,
                                rows_per_second=estimate / elapsed,
                            )
        except (DatabaseError, psycopg.Error) as exc:
            errors.append(_copy_error(exc.__cause__ or exc))
        if not errors:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {raw}")  # noqa: S608 — our table name
                rows_done = int(cursor.fetchone()[0])
            if rows_done == 0:
                errors.append({"code": "no_rows"})
        if not errors:
            elapsed = max(time.monotonic() - started, 1e-6)
            progress.update(
                bytes_done=int(table_import.bytes_total * 0.5),
                rows_done=rows_done,
                rows_per_second=rows_done / elapsed,
            )
            casts = ", ".join(
                _cast_sql(field["type"], decimal_char).format(c=name)
                for name, field in zip(columns, fields, strict=True)
            )
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL DateStyle = 'ISO, DMY'")
                    # Columns are c0…cN of our tables; no user text in this statement.
                    cursor.execute(
                        f"INSERT INTO {table} SELECT rownum, {casts} FROM {raw}"  # noqa: S608
                    )
            except DatabaseError as exc:
                errors = _list_bad_cells(raw, columns, fields, decimal_char)
                if not errors:
                    log.warning(
                        "open data: typed load of import %s failed: %s", table_import.pk, exc
                    )
                    errors = [{"code": "load"}]
        if errors:
            _stage_drop(table)
            _stage_drop(raw)
            _finish(table_import, ImportStatus.FAILED, errors=errors[: tabular.MAX_ERRORS])
            return TableImport.objects.get(pk=table_import.pk)
        _stage_drop(raw)
        progress.update(bytes_done=int(table_import.bytes_total * 0.8))
        version = _index_and_publish(table_import, version_id, table, fields, rows_done)
    except BaseException:
        _stage_drop(table)
        _stage_drop(raw)
        TableImport.objects.filter(pk=table_import.pk).update(status=ImportStatus.FAILED)
        raise
    finally:
        progress.close()
    return _succeeded(table_import, version, rows_done, started)


def _index_and_publish(
    table_import: TableImport,
    version_id: int,
    table: str,
    fields: list[dict[str, Any]],
    rows_done: int,
) -> ResourceVersion:
    """The loaded table's indexes, then the table published as the resource's new version."""
    with transaction.atomic():
        _index(table, fields)
    return _publish(
        resource=table_import.resource,
        version_id=version_id,
        schema={"fields": fields},
        row_count=rows_done,
        acting_user=table_import.created_by,
    )


def _succeeded(
    table_import: TableImport, version: ResourceVersion, rows_done: int, started: float
) -> TableImport:
    elapsed = max(time.monotonic() - started, 1e-6)
    _finish(
        table_import,
        ImportStatus.SUCCEEDED,
        version=version,
        rows_done=rows_done,
        bytes_done=table_import.bytes_total,
        rows_per_second=rows_done / elapsed,
    )
    return TableImport.objects.get(pk=table_import.pk)


def _table_import_run_python(
    table_import: TableImport, version_id: int, table: str, started: float
) -> TableImport:
    """table_import_run without PostgreSQL (SQLite in `make run`): the same errors, all or nothing."""
    fields = table_import.schema["fields"]
    try:
        rows_done, errors = _load_python(table_import, table, fields)
        if not errors and rows_done == 0:
            errors = [{"code": "no_rows"}]
        if errors:
            _stage_drop(table)
            _finish(table_import, ImportStatus.FAILED, errors=errors[: tabular.MAX_ERRORS])
            return TableImport.objects.get(pk=table_import.pk)
        version = _index_and_publish(table_import, version_id, table, fields, rows_done)
    except BaseException:
        _stage_drop(table)
        TableImport.objects.filter(pk=table_import.pk).update(status=ImportStatus.FAILED)
        raise
    return _succeeded(table_import, version, rows_done, started)


BIGINT = 2**63


def _load_python(
    table_import: TableImport, table: str, fields: list[dict[str, Any]]
) -> tuple[int, list[dict[str, Any]]]:
    """Parse, cast and insert every row in Python; (rows, errors: the first MAX_ERRORS by row).

    Rows are inserted only while no error has been seen; the caller drops the table otherwise.
    """
    decimal_char = table_import.decimal_char
    insert = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * (len(fields) + 1))})"  # noqa: S608
    errors: list[dict[str, Any]] = []
    rows_done = 0
    batch: list[list[Any]] = []
    with (
        storages["private"].open(table_import.file_name, "rb") as source,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        text = tabular.open_text(source, table_import.encoding)
        try:
            rows = tabular.read_rows(text, table_import.delimiter)
            next(rows, None)  # the header
            for number, cells in rows:
                rows_done = number
                if len(cells) != len(fields):
                    errors.append({"code": "column_count", "row": number, "value": len(cells)})
                else:
                    values: list[Any] = [number]
                    for cell, field in zip(cells, fields, strict=True):
                        try:
                            value = tabular.cast_value(field["type"], cell, decimal_char)
                            if field["type"] == "integer" and value is not None:
                                if not -BIGINT <= value < BIGINT:
                                    raise ValueError(cell)
                            values.append(value)
                        except ValueError:
                            errors.append(
                                {
                                    "row": number,
                                    "column": field["name"],
                                    "code": "type",
                                    "value": cell.strip()[:100],
                                    "expected": field["type"],
                                }
                            )
                    if not errors:
                        batch.append(values)
                if len(errors) >= tabular.MAX_ERRORS:
                    break
                if len(batch) >= 1000:
                    cursor.executemany(insert, batch)
                    batch = []
        except tabular.TableError as exc:
            errors.append({"code": exc.code, **exc.params})
        if batch and not errors:
            cursor.executemany(insert, batch)
        text.detach()
    return rows_done, errors


def _bytes_per_row(source: IO[bytes]) -> float:
    """Average line length of the file's head: rows read so far, estimated for the progress."""
    head = source.read(HEAD_BYTES)
    source.seek(0)
    return max(len(head) / max(head.count(b"\n"), 1), 1.0)


def _finish(table_import: TableImport, status: str, **changes: Any) -> None:
    with transaction.atomic():
        locked = TableImport.objects.select_for_update().get(pk=table_import.pk)
        locked.status = status
        locked.finished_at = timezone.now()
        for key, value in changes.items():
            setattr(locked, key, value)
        locked._history_user = table_import.created_by  # type: ignore[attr-defined]
        locked.save()


def records_publish(
    *,
    resource: Resource,
    schema: dict[str, Any],
    records: Iterable[Mapping[str, Any]],
    acting_user: User | None,
) -> ResourceVersion:
    """Publish already-typed records (the portal's own data) as a new version, all or nothing."""
    fields = schema["fields"]
    names = [field["name"] for field in fields]
    version_id, table = _stage_create(fields)
    count = 0
    try:
        if is_postgresql(connection):
            columns = ", ".join(["_id", *(f"c{index}" for index in range(len(fields)))])
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for count, record in enumerate(records, start=1):
                    copy.write_row([count, *(_copy_value(record.get(name)) for name in names)])
        else:
            count = _insert_records_python(table, fields, records)
        with transaction.atomic():
            _index(table, fields)
        return _publish(
            resource=resource,
            version_id=version_id,
            schema=schema,
            row_count=count,
            acting_user=acting_user,
        )
    except BaseException:
        _stage_drop(table)
        raise


def _insert_records_python(
    table: str, fields: list[dict[str, Any]], records: Iterable[Mapping[str, Any]]
) -> int:
    """records_publish's load without COPY (SQLite in `make run`): 1,000 rows per statement."""
    names = [field["name"] for field in fields]
    dates = {field["name"] for field in fields if field["type"] == "date"}
    insert = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * (len(fields) + 1))})"  # noqa: S608
    count = 0
    batch: list[list[Any]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for count, record in enumerate(records, start=1):
            row: list[Any] = [count]
            for name in names:
                value = record.get(name)
                if name in dates and isinstance(value, datetime):
                    value = value.date()  # a date column holds the day, as PostgreSQL's does
                row.append(_copy_value(value))
            batch.append(row)
            if len(batch) >= 1000:
                cursor.executemany(insert, batch)
                batch = []
        if batch:
            cursor.executemany(insert, batch)
    return count


def _copy_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def resource_refresh_remote(*, resource_id: int) -> TableImport | None:
    """Download the resource's source CSV and import it with the last confirmed schema.

    Without a confirmed schema yet, the download waits for a clerk's confirmation.
    """
    import requests

    resource = Resource.objects.select_related("current_version").get(pk=resource_id)
    if not resource.source_url:
        return None
    storage = storages["private"]
    name = f"opendata/imports/{uuid.uuid4().hex}.csv"
    with requests.get(resource.source_url, stream=True, timeout=30) as response:
        response.raise_for_status()
        import tempfile

        with tempfile.TemporaryFile() as buffer:
            for chunk in response.iter_content(1024 * 1024):
                buffer.write(chunk)
            buffer.seek(0)
            head = buffer.read(HEAD_BYTES)
            buffer.seek(0)
            try:
                dialect = tabular.sniff(head)
                _header, inferred, _sample = tabular.sample_table(buffer, dialect)
            except tabular.TableError as exc:
                raise ImportRejected([{"code": exc.code, **exc.params}]) from None
            size = buffer.seek(0, 2)
            buffer.seek(0)
            name = storage.save(name, File(buffer))
    current = resource.current_version
    schema = inferred
    confirmed = current is not None and [f["name"] for f in current.schema["fields"]] == [
        f["name"] for f in inferred["fields"]
    ]
    if confirmed and current is not None:
        schema = current.schema
    table_import = TableImport.objects.create(
        resource=resource,
        file_name=name,
        original_name=resource.source_url[:300],
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        decimal_char=dialect.decimal_char,
        schema=schema,
        bytes_total=size,
        status=ImportStatus.QUEUED if confirmed else ImportStatus.UPLOADED,
    )
    if confirmed:
        return table_import_run(table_import_id=table_import.pk)
    return table_import


# --- the portal's own data (R-OD-5) ---------------------------------------------------------


def _own_schema(own: OwnDataset) -> dict[str, Any]:
    return {
        "fields": [
            {"name": f.name, "type": f.type, "title": f.title_pl, "description": f.description}
            for f in own.fields
        ]
    }


def own_dataset_ensure(*, own: OwnDataset) -> Resource:
    """The catalogue entry (publisher, group, dataset, table resource) for a registered dataset."""
    organization, _created = Organization.objects.get_or_create(
        slug=_slug(own.publisher),
        defaults={"title_pl": own.publisher, "title_en": "Kraków City Hall"},
    )
    group, _created = Group.objects.get_or_create(
        slug=own.group, defaults={"title_pl": own.group.capitalize(), "title_en": own.group}
    )
    suffix = " (DEMO)" if own.is_demo else ""
    dataset = Dataset.objects.filter(own_slug=own.slug).first()
    if dataset is None:
        dataset = Dataset(own_slug=own.slug, slug=own.slug)
    dataset.title_pl = own.title_pl + suffix
    dataset.title_en = own.title_en + suffix
    dataset.description_pl = own.description_pl
    dataset.description_en = own.description_en
    dataset.organization = organization
    dataset.keywords = list(own.keywords)
    dataset.frequency = SCHEDULE_FREQUENCY[own.schedule]
    dataset.contact_email = str(own.extra.get("contact_email", "otwartedane@um.krakow.pl"))
    dataset.is_demo = own.is_demo
    dataset_save(dataset=dataset, acting_user=None)
    dataset.groups.add(group)
    resource = dataset.resources.first()
    if resource is None:
        resource = Resource(dataset=dataset, name_pl=own.title_pl, name_en=own.title_en)
    names = {f.name for f in own.fields}
    for key in ("chart_type", "chart_x", "chart_y", "map_lat", "map_lon", "map_geojson"):
        value = str(own.extra.get(key, ""))
        if key != "chart_type" and value and value not in names:
            raise ValueError(f"{own.slug}: {key}={value!r} is not a field")
        setattr(resource, key, value)
    resource.save()
    return resource


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text.replace("ł", "l").replace("Ł", "L"))[:50] or "wydawca"


def own_dataset_materialise(*, own: OwnDataset) -> ResourceVersion:
    resource = own_dataset_ensure(own=own)
    return records_publish(
        resource=resource, schema=_own_schema(own), records=own.rows(), acting_user=None
    )


def own_datasets_materialise_due(*, now: datetime | None = None) -> list[str]:
    """Materialise every registered dataset whose schedule has come round; slugs done."""
    now = now or timezone.now()
    done = []
    for own in registered_datasets():
        dataset = Dataset.objects.filter(own_slug=own.slug).first()
        last = None
        if dataset is not None:
            last = (
                ResourceVersion.objects.filter(resource__dataset=dataset)
                .order_by("-created_at")
                .values_list("created_at", flat=True)
                .first()
            )
        if last is not None and now - last < SCHEDULE_PERIOD[own.schedule]:
            continue
        try:
            own_dataset_materialise(own=own)
        except Exception:
            # One app's broken selector must not stop the others from being published.
            log.exception("open data: materialising %s failed", own.slug)
            continue
        done.append(own.slug)
    return done
