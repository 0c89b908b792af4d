"""Reads of the open-data catalogue and of the table rows (parameterised SQL only).

Every name that reaches SQL (a field in ``filters``, ``fields`` or ``sort``) must be a field
of the version's schema; values are bound parameters. Hostile text is therefore either an
unknown field (a clear error) or a value that simply matches nothing.

PostgreSQL is the database of production and tests. On SQLite (the embedded database of
`make run`) the catalogue search is a case-insensitive substring match of every word in the
titles, descriptions and keywords (no ranking; SQLite folds case of ASCII letters only), and
the row queries use SQLite's spelling of the same SQL (no casts, LIKE for ILIKE, Python's csv
module for the export).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from psycopg import sql

from config.pgcompat import is_postgresql
from opendata import tabular
from opendata.models import Dataset, Group, Organization, Resource, ResourceVersion

MAX_LIMIT = 32_000
DEFAULT_LIMIT = 100
CKAN_TYPES = {
    "string": "text",
    "integer": "int",
    "number": "numeric",
    "date": "date",
    "datetime": "timestamp",
    "boolean": "bool",
    "geopoint": "text",
    "geojson": "json",
}
SORTS = {
    "title": ("title_pl",),
    "-title": ("-title_pl",),
    "modified": ("modified_at",),
    "-modified": ("-modified_at",),
    "created": ("created_at",),
    "-created": ("-created_at",),
    "name": ("slug",),
    "-name": ("-slug",),
}


class QueryError(ValueError):
    """A request the datastore cannot answer; ``code`` and ``field`` say why."""

    def __init__(self, code: str, field: str = "", value: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.value = value


# --- catalogue -----------------------------------------------------------------------------


def _with_related(queryset: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return queryset.select_related("organization").prefetch_related(
        "groups",
        Prefetch(
            "resources",
            queryset=Resource.objects.select_related("current_version").order_by("pk"),
        ),
    )


def catalogue_search(
    *,
    q: str = "",
    groups: list[str] | None = None,
    formats: list[str] | None = None,
    publishers: list[str] | None = None,
    keywords: list[str] | None = None,
    sort: str = "",
) -> QuerySet[Dataset]:
    """Datasets matching the full-text query and every chosen facet value."""
    queryset = Dataset.objects.all()
    ranked = bool(q.strip()) and is_postgresql(connection)
    if ranked:
        query = SearchQuery(q.strip()[:200], search_type="websearch", config="simple")
        queryset = queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    elif q.strip():
        queryset = queryset.filter(_words_match(q))
    for slug in groups or []:
        queryset = queryset.filter(groups__slug=slug)
    if publishers:
        queryset = queryset.filter(organization__slug__in=publishers)
    for keyword in keywords or []:
        if is_postgresql(connection):
            queryset = queryset.filter(keywords__contains=[keyword])
        else:  # a JSON list in text (config.pgcompat): the quoted word is one whole element
            queryset = queryset.filter(keywords__icontains=json.dumps(keyword, ensure_ascii=False))
    for fmt in formats or []:
        queryset = queryset.filter(
            pk__in=Resource.objects.filter(format__iexact=fmt).values("dataset_id")
        )
    if sort in SORTS:
        queryset = queryset.order_by(*SORTS[sort], "pk")
    elif ranked:
        queryset = queryset.order_by(F("rank").desc(), "title_pl", "pk")
    else:
        queryset = queryset.order_by("title_pl", "pk")
    return _with_related(queryset.distinct() if groups else queryset)


def _words_match(q: str) -> Q:
    """SQLite's catalogue search: every word of ``q`` in a title, description or keyword."""
    condition = Q()
    for word in q.strip()[:200].split()[:10]:
        word = word.strip('"').lstrip("-")
        if word:
            condition &= (
                Q(title_pl__icontains=word)
                | Q(title_en__icontains=word)
                | Q(description_pl__icontains=word)
                | Q(description_en__icontains=word)
                | Q(keywords__icontains=word)
            )
    return condition


@dataclass(frozen=True)
class FacetItem:
    value: str
    label: str
    count: int


def catalogue_facets(datasets: QuerySet[Dataset]) -> dict[str, list[FacetItem]]:
    """Counts per group, format, publisher and keyword within ``datasets`` (four queries)."""
    ids = datasets.order_by().values("pk")
    groups = (
        Group.objects.filter(datasets__in=ids)
        .annotate(n=Count("datasets", distinct=True))
        .order_by("-n", "title_pl")
    )
    publishers = (
        Organization.objects.filter(datasets__in=ids)
        .annotate(n=Count("datasets", distinct=True))
        .order_by("-n", "title_pl")
    )
    formats = (
        Resource.objects.filter(dataset__in=ids)
        .values("format")
        .annotate(n=Count("dataset", distinct=True))
        .order_by("-n", "format")
    )
    keyword_counts: Counter[str] = Counter()
    for words in Dataset.objects.filter(pk__in=ids).values_list("keywords", flat=True):
        keyword_counts.update(set(words))
    return {
        "groups": [FacetItem(g.slug, g.title, g.n) for g in groups],
        "formats": [FacetItem(f["format"], f["format"], f["n"]) for f in formats],
        "publishers": [FacetItem(o.slug, o.title, o.n) for o in publishers],
        "keywords": [
            FacetItem(word, word, n)
            for word, n in sorted(keyword_counts.items(), key=lambda item: (-item[1], item[0]))[:30]
        ],
    }


def dataset_get(*, key: str) -> Dataset | None:
    """A dataset by slug or public id (the CKAN API accepts both)."""
    queryset = _with_related(Dataset.objects.all())
    found = queryset.filter(slug=key).first()
    if found is None and _is_uuid(key):
        found = queryset.filter(public_id=key).first()
    return found


def resource_get(*, public_id: str) -> Resource | None:
    if not _is_uuid(public_id):
        return None
    return (
        Resource.objects.select_related("dataset__organization", "current_version")
        .filter(public_id=public_id)
        .first()
    )


def organization_get(*, key: str) -> Organization | None:
    found = Organization.objects.filter(slug=key).first()
    if found is None and _is_uuid(key):
        found = Organization.objects.filter(public_id=key).first()
    return found


def group_get(*, key: str) -> Group | None:
    found = Group.objects.filter(slug=key).first()
    if found is None and _is_uuid(key):
        found = Group.objects.filter(public_id=key).first()
    return found


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def resource_versions(*, resource: Resource) -> list[ResourceVersion]:
    """A resource's versions, newest first (its history; each stays downloadable)."""
    return list(ResourceVersion.objects.filter(resource=resource).order_by("-number"))


def resource_version(*, resource: Resource, number: int) -> ResourceVersion | None:
    return ResourceVersion.objects.filter(resource=resource, number=number).first()


def remote_resource_ids() -> list[int]:
    return list(Resource.objects.exclude(source_url="").values_list("pk", flat=True))


# --- table rows ----------------------------------------------------------------------------


def schema_fields(version: ResourceVersion) -> list[dict[str, Any]]:
    return list(version.schema.get("fields", []))


def _table(version: ResourceVersion) -> sql.Identifier:
    # The same name as opendata.actions.rows_table (selectors may not import actions).
    return sql.Identifier(f"opendata_rows_v{int(version.pk)}")


def _columns(version: ResourceVersion) -> dict[str, tuple[sql.Identifier, str]]:
    """Field name → (its column c0…cN, its type). Field names never reach SQL themselves."""
    return {
        field["name"]: (sql.Identifier(f"c{index}"), field["type"])
        for index, field in enumerate(schema_fields(version))
    }


def _output(kind: str) -> Any:
    """The JSON value of a stored cell (dates as ISO text, whole numbers without '.0')."""
    if kind == "date":
        # SQLite (`make run`) returns the ISO text it stores.
        return lambda value: value.isoformat() if hasattr(value, "isoformat") else value
    if kind == "boolean" and not is_postgresql(connection):
        return lambda value: bool(value) if value is not None else None
    if kind == "number":
        return lambda value: (
            int(value)
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**53
            else value
        )
    return None


@dataclass(frozen=True)
class DatastoreResult:
    fields: list[dict[str, str]]
    records: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def parse_sort(sort: str, names: set[str]) -> list[tuple[str, bool]]:
    """``"a desc, b"`` → [("a", True), ("b", False)]; unknown fields raise QueryError."""
    order = []
    for part in str(sort).split(","):
        words = part.strip().split()
        if not words:
            continue
        name = words[0].strip('"')
        direction = words[1].lower() if len(words) > 1 else "asc"
        if (
            (name not in names and name != "_id")
            or direction not in ("asc", "desc")
            or len(words) > 2
        ):
            raise QueryError("sort", field=name)
        order.append((name, direction == "desc"))
    return order


def _where(
    version: ResourceVersion, filters: Mapping[str, Any] | None, q: str
) -> tuple[sql.Composable, list[Any]]:
    columns = _columns(version)
    clauses: list[sql.Composable] = [sql.SQL("true")]
    params: list[Any] = []
    for name, wanted in (filters or {}).items():
        if name not in columns:
            raise QueryError("filter_field", field=str(name))
        column, kind = columns[name]
        values = wanted if isinstance(wanted, list) else [wanted]
        if not values:
            continue
        typed_values = []
        for value in values[:100]:
            try:
                typed = (
                    value
                    if not isinstance(value, str) and kind != "string"
                    # A comma or a point: filters come from people as often as programs.
                    else tabular.cast_value(kind, str(value), ",")
                )
                if kind in ("integer", "number") and (
                    isinstance(typed, bool) or not isinstance(typed, int | float)
                ):
                    raise ValueError(value)
            except (ValueError, TypeError):
                raise QueryError("filter_value", field=str(name), value=str(value)[:100]) from None
            typed_values.append(typed if typed is None or kind != "string" else str(typed))
        sql_type = sql.SQL(tabular.SQL_TYPES.get(kind, "text"))
        equals = "{} = %s::{}" if is_postgresql(connection) else "{} = %s"
        alternatives = [
            sql.SQL(equals).format(column, sql_type)
            if value is not None
            else sql.SQL("{} IS NULL").format(column)
            for value in typed_values
        ]
        params.extend(value for value in typed_values if value is not None)
        clauses.append(sql.SQL("({})").format(sql.SQL(" OR ").join(alternatives)))
    if q:
        escaped = str(q)[:200].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        if is_postgresql(connection):
            every = sql.SQL(", ").join(
                sql.SQL("{}::text").format(column) for column, _kind in columns.values()
            )
            clauses.append(sql.SQL("concat_ws(' ', {}) ILIKE %s").format(every))
        else:
            every = sql.SQL(" || ' ' || ").join(
                sql.SQL("coalesce({}, '')").format(column) for column, _kind in columns.values()
            )
            clauses.append(sql.SQL("({}) LIKE %s ESCAPE '\\'").format(every))
        params.append(f"%{escaped}%")
    return sql.SQL(" AND ").join(clauses), params


def _search_sql(
    version: ResourceVersion,
    *,
    filters: Mapping[str, Any] | None,
    q: str,
    chosen: list[str],
    sort: str,
) -> tuple[sql.Composable, sql.Composable | None, list[Any]]:
    columns = _columns(version)
    order = parse_sort(sort, set(columns))
    where, params = _where(version, filters, q)
    order_sql: list[sql.Composable] = []
    for name, descending in order:
        key = sql.Identifier("_id") if name == "_id" else columns[name][0]
        ascending = "ASC" if is_postgresql(connection) else "ASC NULLS LAST"  # as PostgreSQL's
        order_sql.append(
            sql.SQL("{} {}").format(key, sql.SQL("DESC NULLS LAST" if descending else ascending))
        )
    order_sql.append(sql.Identifier("_id"))
    selected = sql.SQL(", ").join([sql.Identifier("_id"), *(columns[n][0] for n in chosen)])
    table = _table(version)
    statement = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT %s OFFSET %s").format(
        selected, table, where, sql.SQL(", ").join(order_sql)
    )
    count = None
    if filters or q:
        count = sql.SQL("SELECT count(*) FROM {} WHERE {}").format(table, where)
    return statement, count, params


def datastore_search(
    *,
    version: ResourceVersion,
    filters: Mapping[str, Any] | None = None,
    q: str = "",
    fields: list[str] | None = None,
    sort: str = "",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> DatastoreResult:
    """One page of a version's rows: filters (equality, any of a list), ``q`` (substring in any
    column), sort, fields. The total is the version's stored row count when nothing filters,
    else an index-backed count of the matches."""
    schema = schema_fields(version)
    names = [f["name"] for f in schema]
    chosen = names if not fields else [name for name in fields if name != "_id"]
    for name in chosen:
        if name not in names:
            raise QueryError("field", field=name)
    if not 0 <= limit <= MAX_LIMIT:
        raise QueryError("limit")
    if offset < 0:
        raise QueryError("offset")
    statement, count, params = _search_sql(version, filters=filters, q=q, chosen=chosen, sort=sort)
    with connection.cursor() as cursor:
        cursor.execute(_render(statement), [*params, limit, offset])
        rows = cursor.fetchall()
        if count is not None:
            cursor.execute(_render(count), params)
            total = int(cursor.fetchone()[0])
        else:
            total = version.row_count
    types = {f["name"]: f["type"] for f in schema}
    outputs = [(name, _output(types[name])) for name in chosen]
    records = []
    for row in rows:
        record: dict[str, Any] = {"_id": row[0]}
        for (name, convert), value in zip(outputs, row[1:], strict=True):
            record[name] = convert(value) if convert is not None else value
        records.append(record)
    return DatastoreResult(
        fields=[{"id": "_id", "type": "int"}]
        + [{"id": name, "type": CKAN_TYPES.get(types[name], "text")} for name in chosen],
        records=records,
        total=total,
        limit=limit,
        offset=offset,
    )


def datastore_explain(
    *,
    version: ResourceVersion,
    filters: Mapping[str, Any] | None = None,
    q: str = "",
    sort: str = "",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> list[tuple[str, float]]:
    """EXPLAIN ANALYZE execution times (ms) of a datastore_search's queries (for bench/)."""
    names = [f["name"] for f in schema_fields(version)]
    statement, count, params = _search_sql(version, filters=filters, q=q, chosen=names, sort=sort)
    raw = _raw_connection()
    timings = []
    with connection.cursor() as cursor:
        for label, query, values in (
            ("page", statement, [*params, limit, offset]),
            ("count", count, params),
        ):
            if query is None:
                continue
            cursor.execute(
                sql.SQL("EXPLAIN (ANALYZE, FORMAT JSON) {}").format(query).as_string(raw), values
            )
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            timings.append((label, float(plan[0]["Execution Time"])))
    return timings


def _raw_connection() -> Any:
    """The psycopg connection (to render composed SQL)."""
    if connection.connection is None:
        connection.ensure_connection()
    return connection.connection


def _render(statement: sql.Composable) -> str:
    """Composed SQL as text for Django's cursor (identifiers quoted by psycopg on SQLite too)."""
    return statement.as_string(_raw_connection() if is_postgresql(connection) else None)


EXPORT_CHUNK_BYTES = 256 * 1024


def export_csv_chunks(*, version: ResourceVersion) -> Iterator[bytes]:
    """The version as CSV straight from PostgreSQL's COPY … TO STDOUT, in file order.

    COPY hands over one row at a time; they are joined into chunks of about 256 KB so the
    response is written in large pieces, never the whole table in memory.
    """
    if not is_postgresql(connection):
        yield from _export_csv_python(version)
        return
    columns = []
    for name, (column, kind) in _columns(version).items():
        value: sql.Composable = column
        if kind == "boolean":
            value = sql.SQL("CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' END").format(
                column
            )
        columns.append(sql.SQL("{} AS {}").format(value, sql.Identifier(name)))
    statement = sql.SQL(
        "COPY (SELECT {} FROM {} ORDER BY _id) TO STDOUT WITH (FORMAT csv, HEADER)"
    ).format(sql.SQL(", ").join(columns), _table(version))
    raw = _raw_connection()
    with connection.cursor() as cursor, cursor.copy(statement.as_string(raw)) as copy:
        pending: list[bytes] = []
        size = 0
        for chunk in copy:
            pending.append(bytes(chunk))
            size += len(chunk)
            if size >= EXPORT_CHUNK_BYTES:
                yield b"".join(pending)
                pending = []
                size = 0
        if pending:
            yield b"".join(pending)


def _export_csv_python(version: ResourceVersion) -> Iterator[bytes]:
    """export_csv_chunks without COPY (SQLite in `make run`): the same CSV, via iter_rows."""
    import csv
    import io

    names = [field["name"] for field in schema_fields(version)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in iter_rows(version=version):
        writer.writerow(
            [
                ("true" if value else "false") if isinstance(value, bool) else value
                for value in (row[name] for name in names)
            ]
        )
        if buffer.tell() >= EXPORT_CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def iter_rows(*, version: ResourceVersion, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Every row of the version through a server-side cursor, 2,000 at a time."""
    fields = schema_fields(version)
    names = [f["name"] for f in fields]
    outputs = [_output(f["type"]) for f in fields]
    columns = _columns(version)
    statement = sql.SQL("SELECT {} FROM {} ORDER BY _id").format(
        sql.SQL(", ").join(columns[name][0] for name in names), _table(version)
    )
    params: list[Any] = []
    if limit is not None:
        statement = sql.SQL("{} LIMIT %s").format(statement)
        params.append(limit)
    text = _render(statement)
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(text, params)
        while True:
            batch = cursor.fetchmany(2000)
            if not batch:
                return
            for row in batch:
                yield {
                    name: (convert(value) if convert is not None else value)
                    for name, convert, value in zip(names, outputs, row, strict=True)
                }
    finally:
        cursor.close()


def uploads_by(*, user_id: int) -> list[dict[str, Any]]:
    """What the catalogue records about a clerk: the files they uploaded (GDPR export)."""
    from opendata.models import TableImport

    tables = [
        {
            "resource": name,
            "file": original,
            "status": status,
            "uploaded_at": created.isoformat(),
        }
        for name, original, status, created in TableImport.objects.filter(
            created_by_id=user_id
        ).values_list("resource__name_pl", "original_name", "status", "created_at")
    ]
    files = [
        {
            "resource": name,
            "file": original,
            "status": f"version {number}",
            "uploaded_at": created.isoformat(),
        }
        for name, original, number, created in ResourceVersion.objects.filter(created_by_id=user_id)
        .exclude(file="")
        .values_list("resource__name_pl", "original_name", "number", "created_at")
    ]
    return tables + files
