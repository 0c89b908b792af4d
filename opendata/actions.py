"""Every write the open-data catalogue allows.

Table imports stream the CSV, COPY the typed rows into a stand-alone table in batches
(committing progress between batches so the progress page sees it), index it, and only then
attach it as a partition of ``opendata_datarow`` and make it the resource's current version,
in one transaction: a failed or interrupted import never touches the published version.
"""

from __future__ import annotations

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
from opendata import tabular
from opendata.models import (
    Dataset,
    Frequency,
    Group,
    ImportStatus,
    Organization,
    Resource,
    ResourceVersion,
    TableImport,
)
from opendata.registry import OwnDataset, registered_datasets

log = logging.getLogger(__name__)

BATCH_ROWS = 50_000
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


def _stage_create() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('opendata_resourceversion', 'id'))")
        version_id = int(cursor.fetchone()[0])
        table = f"opendata_datarow_v{version_id}"
        # version_id is an integer from the sequence: safe to format into DDL.
        cursor.execute(
            f"CREATE TABLE {table} (version_id bigint NOT NULL DEFAULT {version_id} "
            f"CHECK (version_id = {version_id}), rownum integer NOT NULL, data jsonb NOT NULL)"
        )
    return version_id, table


def _stage_drop(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _stage_copy(table: str, lines: list[str]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} (rownum, data) FROM STDIN") as copy,
    ):
        copy.write("".join(lines))


def _publish(
    *,
    resource: Resource,
    version_id: int,
    table: str,
    schema: dict[str, Any],
    row_count: int,
    acting_user: User | None,
) -> ResourceVersion:
    with connection.cursor() as cursor:
        # Indexes are built after the load (much faster than maintaining them row by row)
        # and before the attach, which then adopts them instead of building them under lock.
        cursor.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (version_id, rownum)")
        cursor.execute(f"CREATE INDEX ON {table} USING gin (data jsonb_path_ops)")
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE opendata_datarow ATTACH PARTITION {table} "
                f"FOR VALUES IN ({version_id})"
            )
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


# SQL fragments for the set-based import: every cell arrives as text (COPY … FORMAT csv) and is
# checked and cast inside PostgreSQL, far faster than casting 1,000,000 rows cell by cell in
# Python. ``{c}`` is a quoted column of the raw table.
_TRIM = "btrim({c})"
_ISO_DATE = (
    "CASE WHEN btrim({c}) ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}$' THEN btrim({c}) "
    "WHEN btrim({c}) ~ '^\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}$' THEN "
    "split_part(btrim({c}), '.', 3) || '-' || lpad(split_part(btrim({c}), '.', 2), 2, '0') "
    "|| '-' || lpad(split_part(btrim({c}), '.', 1), 2, '0') END"
)
_TRUE_WORDS = "('true', 'tak', 't', 'yes', '1')"
_FALSE_WORDS = "('false', 'nie', 'f', 'no', '0')"


def _valid_sql(kind: str, decimal_char: str) -> str:
    """A boolean SQL expression: the non-empty cell ``{c}`` fits ``kind``."""
    if kind == "integer":
        return "btrim({c}) ~ '^[+-]?\\d+$'"
    if kind == "number":
        dot = "'^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?$'"
        if decimal_char == ",":
            return f"(btrim({{c}}) ~ {dot} OR btrim({{c}}) ~ '^[+-]?(\\d+(,\\d*)?|,\\d+)$')"
        return f"btrim({{c}}) ~ {dot}"
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
    empty = "CASE WHEN btrim({c}) = '' THEN NULL ELSE "
    if kind == "integer":
        return empty + "btrim({c})::numeric END"
    if kind == "number":
        value = "replace(btrim({c}), ',', '.')" if decimal_char == "," else "btrim({c})"
        return empty + value + "::numeric END"
    if kind == "date":
        return empty + f"({_ISO_DATE})::date::text END"
    if kind == "boolean":
        return empty + f"lower(btrim({{c}})) IN {_TRUE_WORDS} END"
    return empty + "{c} END"


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
        import psycopg

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


def table_import_run(*, table_import_id: int) -> TableImport:
    """Validate and load a queued import; publish it as a new version only if every row fits.

    PostgreSQL parses the CSV (COPY … FORMAT csv, in the file's encoding) into a raw text table;
    one query per typed column lists the bad cells (row and column, up to 100); only when
    there are none are the rows cast into the version's staging table and published.
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
    version_id, table = _stage_create()
    raw = f"opendata_rawimport_{table_import.pk}"
    columns = [f"c{index}" for index in range(len(fields))]
    progress = _Progress(table_import.pk)
    errors: list[dict[str, Any]] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {raw}")
            cursor.execute(
                f"CREATE UNLOGGED TABLE {raw} (rownum bigint GENERATED ALWAYS AS IDENTITY, "
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
                            # Parsing is most of the work: bytes read are the progress until
                            # the checks and the cast, shown as the last few percent.
                            progress.update(
                                bytes_done=int(min(done, table_import.bytes_total) * 0.9)
                            )
        except (DatabaseError, psycopg.Error) as exc:
            errors.append(_copy_error(exc.__cause__ or exc))
        if not errors:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {raw}")  # noqa: S608 — our table name
                rows_done = int(cursor.fetchone()[0])
                for name, field in zip(columns, fields, strict=True):
                    valid = _valid_sql(field["type"], decimal_char).format(c=name)
                    # Names are ours (c0…cN, the staging table); values are parameters.
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
            if not errors and rows_done == 0:
                errors.append({"code": "no_rows"})
        if errors:
            _stage_drop(table)
            _stage_drop(raw)
            _finish(table_import, ImportStatus.FAILED, errors=errors[: tabular.MAX_ERRORS])
            return TableImport.objects.get(pk=table_import.pk)
        progress.update(bytes_done=int(table_import.bytes_total * 0.95), rows_done=rows_done)
        pieces = []
        for start in range(0, len(fields), 40):  # jsonb_build_object takes at most 100 arguments
            pairs = ", ".join(
                f"{_sql_literal(field['name'])}, "
                + _cast_sql(field["type"], decimal_char).format(c=name)
                for name, field in list(zip(columns, fields, strict=True))[start : start + 40]
            )
            pieces.append(f"jsonb_build_object({pairs})")
        with connection.cursor() as cursor:
            # Field names enter as quoted literals (_sql_literal); columns are c0…cN.
            cursor.execute(
                f"INSERT INTO {table} (rownum, data) SELECT rownum, {' || '.join(pieces)} "  # noqa: S608
                f"FROM {raw}"
            )
        _stage_drop(raw)
        version = _publish(
            resource=table_import.resource,
            version_id=version_id,
            table=table,
            schema={"fields": fields},
            row_count=rows_done,
            acting_user=table_import.created_by,
        )
    except BaseException:
        _stage_drop(table)
        _stage_drop(raw)
        TableImport.objects.filter(pk=table_import.pk).update(status=ImportStatus.FAILED)
        raise
    finally:
        progress.close()
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


def _sql_literal(text: str) -> str:
    """A string literal for SQL (field names come from the confirmed schema, quoted here)."""
    return "'" + text.replace("'", "''") + "'"


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
    names = [field["name"] for field in schema["fields"]]
    version_id, table = _stage_create()
    count = 0
    try:
        lines: list[str] = []
        for count, record in enumerate(records, start=1):
            clean = {name: _json_value(record.get(name)) for name in names}
            lines.append(f"{count}\t{tabular.copy_escape(json.dumps(clean, ensure_ascii=False))}\n")
            if len(lines) >= BATCH_ROWS:
                _stage_copy(table, lines)
                lines = []
        if lines:
            _stage_copy(table, lines)
        return _publish(
            resource=resource,
            version_id=version_id,
            table=table,
            schema=schema,
            row_count=count,
            acting_user=acting_user,
        )
    except BaseException:
        _stage_drop(table)
        raise


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
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
    for key in ("chart_type", "chart_x", "chart_y", "map_lat", "map_lon"):
        value = str(own.extra.get(key, ""))
        if key in ("chart_x", "chart_y", "map_lat", "map_lon") and value and value not in names:
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
