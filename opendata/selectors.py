"""Reads of the open-data catalogue and of the table rows (parameterised SQL only).

Every name that reaches SQL (a field in ``filters``, ``fields`` or ``sort``) must be a field
of the version's schema; values are bound parameters. Hostile text is therefore either an
unknown field (a clear error) or a value that simply matches nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Prefetch, QuerySet
from psycopg import sql

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
    if q.strip():
        query = SearchQuery(q.strip()[:200], search_type="websearch", config="simple")
        queryset = queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    for slug in groups or []:
        queryset = queryset.filter(groups__slug=slug)
    if publishers:
        queryset = queryset.filter(organization__slug__in=publishers)
    for keyword in keywords or []:
        queryset = queryset.filter(keywords__contains=[keyword])
    for fmt in formats or []:
        queryset = queryset.filter(
            pk__in=Resource.objects.filter(format__iexact=fmt).values("dataset_id")
        )
    if sort in SORTS:
        queryset = queryset.order_by(*SORTS[sort], "pk")
    elif q.strip():
        queryset = queryset.order_by(F("rank").desc(), "title_pl", "pk")
    else:
        queryset = queryset.order_by("title_pl", "pk")
    return _with_related(queryset.distinct() if groups else queryset)


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


def remote_resource_ids() -> list[int]:
    return list(Resource.objects.exclude(source_url="").values_list("pk", flat=True))


# --- table rows ----------------------------------------------------------------------------


def schema_fields(version: ResourceVersion) -> list[dict[str, Any]]:
    return list(version.schema.get("fields", []))


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
    types = {f["name"]: f["type"] for f in schema_fields(version)}
    clauses: list[sql.Composable] = [sql.SQL("version_id = %s")]
    params: list[Any] = [version.pk]
    for name, wanted in (filters or {}).items():
        if name not in types:
            raise QueryError("filter_field", field=str(name))
        values = wanted if isinstance(wanted, list) else [wanted]
        if not values:
            continue
        alternatives: list[sql.Composable] = []
        for value in values[:100]:
            try:
                typed = (
                    value
                    if not isinstance(value, str) and types[name] != "string"
                    # A comma or a point: filters come from people as often as programs.
                    else tabular.cast_value(types[name], str(value), ",")
                )
            except ValueError:
                raise QueryError("filter_value", field=str(name), value=str(value)[:100]) from None
            alternatives.append(sql.SQL("data @> %s::jsonb"))
            params.append(json.dumps({name: typed}))
        clauses.append(sql.SQL("({})").format(sql.SQL(" OR ").join(alternatives)))
    if q:
        escaped = str(q)[:200].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(sql.SQL("data::text ILIKE %s"))
        params.append(f"%{escaped}%")
    return sql.SQL(" AND ").join(clauses), params


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
    order = parse_sort(sort, set(names))
    where, params = _where(version, filters, q)
    order_sql: list[sql.Composable] = []
    for name, descending in order:
        key = (
            sql.SQL("rownum") if name == "_id" else sql.SQL("data -> {}").format(sql.Literal(name))
        )
        order_sql.append(sql.SQL("{} {}").format(key, sql.SQL("DESC" if descending else "ASC")))
    order_sql.append(sql.SQL("rownum"))
    statement = sql.SQL(
        "SELECT rownum, data FROM opendata_datarow WHERE {} ORDER BY {} LIMIT %s OFFSET %s"
    ).format(where, sql.SQL(", ").join(order_sql))
    raw = connection.connection  # the psycopg connection, to render the composed SQL
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(raw), [*params, limit, offset])
        rows = cursor.fetchall()
        if filters or q:
            count = sql.SQL("SELECT count(*) FROM opendata_datarow WHERE {}").format(where)
            cursor.execute(count.as_string(raw), params)
            total = int(cursor.fetchone()[0])
        else:
            total = version.row_count
    records = []
    for rownum, data in rows:
        values = json.loads(data) if isinstance(data, str) else data
        records.append({"_id": rownum, **{name: values.get(name) for name in chosen}})
    types = {f["name"]: f["type"] for f in schema}
    return DatastoreResult(
        fields=[{"id": "_id", "type": "int"}]
        + [{"id": name, "type": CKAN_TYPES.get(types[name], "text")} for name in chosen],
        records=records,
        total=total,
        limit=limit,
        offset=offset,
    )


def export_csv_chunks(*, version: ResourceVersion) -> Iterator[bytes]:
    """The version as CSV straight from PostgreSQL's COPY (streamed, in file order)."""
    names = [f["name"] for f in schema_fields(version)]
    columns = sql.SQL(", ").join(
        sql.SQL("data ->> {} AS {}").format(sql.Literal(name), sql.Identifier(name))
        for name in names
    )
    statement = sql.SQL(
        "COPY (SELECT {} FROM opendata_datarow WHERE version_id = {} ORDER BY rownum) "
        "TO STDOUT WITH (FORMAT csv, HEADER)"
    ).format(columns, sql.Literal(version.pk))
    if connection.connection is None:
        connection.ensure_connection()
    with (
        connection.cursor() as cursor,
        cursor.copy(statement.as_string(connection.connection)) as copy,
    ):
        for chunk in copy:
            yield bytes(chunk)


def iter_rows(*, version: ResourceVersion, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Every row of the version through a server-side cursor, 2,000 at a time."""
    cursor = connection.chunked_cursor()
    try:
        statement = "SELECT data FROM opendata_datarow WHERE version_id = %s ORDER BY rownum"
        params: list[Any] = [version.pk]
        if limit is not None:
            statement += " LIMIT %s"
            params.append(limit)
        cursor.execute(statement, params)
        while True:
            batch = cursor.fetchmany(2000)
            if not batch:
                return
            for (data,) in batch:
                yield json.loads(data) if isinstance(data, str) else data
    finally:
        cursor.close()


def uploads_by(*, user_id: int) -> list[dict[str, Any]]:
    """What the catalogue records about a clerk: the files they uploaded (GDPR export)."""
    from opendata.models import TableImport

    return [
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
