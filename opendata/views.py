"""Public catalogue pages, table previews and downloads, and the clerks' import screens."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opendata import actions, selectors
from opendata.charts import chart_svg
from opendata.forms import DisplaySettingsForm
from opendata.models import ImportStatus, Resource, ResourceKind, TableImport
from opendata.permissions import can_manage_organization

PAGE_SIZE = 20
PREVIEW_ROWS = 25
CHART_ROWS = 40
MAP_ROWS = 5000
MAP_TABLE_ROWS = 100


def _type_choices() -> list[tuple[str, str]]:
    return [
        ("string", _("tekst")),
        ("integer", _("liczba całkowita")),
        ("number", _("liczba")),
        ("date", _("data")),
        ("boolean", _("tak/nie")),
    ]


def index(request: HttpRequest) -> HttpResponse:
    chosen = {
        "group": request.GET.getlist("group")[:10],
        "format": request.GET.getlist("format")[:10],
        "publisher": request.GET.getlist("publisher")[:10],
        "keyword": request.GET.getlist("keyword")[:10],
    }
    q = request.GET.get("q", "")[:200]
    sort = request.GET.get("sort", "")
    datasets = selectors.catalogue_search(
        q=q,
        groups=chosen["group"],
        formats=chosen["format"],
        publishers=chosen["publisher"],
        keywords=chosen["keyword"],
        sort=sort if sort in selectors.SORTS else "",
    )
    page = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = selectors.catalogue_facets(datasets)
    facet_blocks = [
        (key, label, [(item, item.value in chosen[key]) for item in facets[name]])
        for key, name, label in (
            ("group", "groups", _("Grupy tematyczne")),
            ("publisher", "publishers", _("Wydawcy")),
            ("format", "formats", _("Formaty")),
            ("keyword", "keywords", _("Słowa kluczowe")),
        )
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "opendata/index.html",
        {
            "page": page,
            "q": q,
            "chosen": chosen,
            "facet_blocks": facet_blocks,
            "query_string": query.urlencode(),
            "sort": sort,
        },
    )


def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_get(key=slug)
    if dataset is None:
        raise Http404
    resources = list(dataset.resources.all())
    manageable = can_manage_organization(request.user, dataset.organization)
    return render(
        request,
        "opendata/dataset.html",
        {"dataset": dataset, "resources": resources, "manageable": manageable},
    )


def _resource_or_404(public_id: str) -> Resource:
    resource = selectors.resource_get(public_id=public_id)
    if resource is None:
        raise Http404
    return resource


def resource_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    resource = _resource_or_404(public_id)
    version = resource.current_version
    context: dict[str, Any] = {
        "resource": resource,
        "dataset": resource.dataset,
        "version": version,
        "manageable": can_manage_organization(request.user, resource.dataset.organization),
        "versions": selectors.resource_versions(resource=resource),
        "map_rows": None,
    }
    status = 200
    if version is not None and resource.kind == ResourceKind.TABLE:
        fields = selectors.schema_fields(version)
        names = [f["name"] for f in fields]
        filter_field = request.GET.get("field", "")
        filter_value = request.GET.get("value", "")
        sort = request.GET.get("sort", "")
        try:
            page_number = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            page_number = 1
        filters = {filter_field: filter_value} if filter_field and filter_value else None
        error = ""
        try:
            result = selectors.datastore_search(
                version=version,
                filters=filters,
                sort=sort,
                limit=PREVIEW_ROWS,
                offset=(page_number - 1) * PREVIEW_ROWS,
            )
        except selectors.QueryError as exc:
            error = _query_error_message(exc)
            status = 400
            result = selectors.datastore_search(version=version, limit=PREVIEW_ROWS)
            page_number = 1
        pages = max(1, -(-result.total // PREVIEW_ROWS))
        base = request.GET.copy()
        base.pop("page", None)
        context.update(
            fields=fields,
            names=names,
            rows=[[record.get(name) for name in names] for record in result.records],
            total=result.total,
            page_number=page_number,
            pages=pages,
            previous_page=page_number - 1 if page_number > 1 else None,
            next_page=page_number + 1 if page_number < pages else None,
            query_string=base.urlencode(),
            filter_field=filter_field,
            filter_value=filter_value,
            sort=sort,
            sort_choices=[(f"{n} asc", n, "asc") for n in names]
            + [(f"{n} desc", n, "desc") for n in names],
            query_error=error,
            chart=_chart(resource, version),
            map_rows=_map_rows(resource, version),
        )
    return render(request, "opendata/resource.html", context, status=status)


def _query_error_message(exc: selectors.QueryError) -> str:
    if exc.code == "filter_value":
        return _("Wartość „%(value)s” nie pasuje do typu pola „%(field)s”.") % {
            "value": exc.value,
            "field": exc.field,
        }
    if exc.code in ("filter_field", "field", "sort"):
        return _("Nieznane pole lub kierunek sortowania: „%(field)s”.") % {"field": exc.field}
    return _("Nieprawidłowe parametry zapytania.")


def _chart(resource: Resource, version: Any) -> dict[str, Any] | None:
    names = {f["name"] for f in selectors.schema_fields(version)}
    if not resource.chart_type or resource.chart_x not in names or resource.chart_y not in names:
        return None
    result = selectors.datastore_search(
        version=version, fields=[resource.chart_x, resource.chart_y], limit=CHART_ROWS
    )
    labels = [str(r[resource.chart_x]) for r in result.records]
    values = []
    for record in result.records:
        value = record[resource.chart_y]
        values.append(float(value) if isinstance(value, int | float) else None)
    title = _("Wykres: %(y)s według %(x)s") % {"y": resource.chart_y, "x": resource.chart_x}
    description = _("Pierwsze %(count)s wierszy; te same dane są w tabeli pod wykresem.") % {
        "count": len(labels)
    }
    return {
        "svg": chart_svg(
            kind=resource.chart_type,
            labels=labels,
            values=values,
            title=title,
            description=description,
        ),
        "rows": list(zip(labels, values, strict=True)),
        "x": resource.chart_x,
        "y": resource.chart_y,
        "title": title,
    }


GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}


def _geometry(value: Any) -> dict[str, Any] | None:
    """A GeoJSON geometry from a cell (text or already parsed), or None when it is not one."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") not in GEOMETRY_TYPES:
        return None
    if value["type"] != "GeometryCollection" and not isinstance(value.get("coordinates"), list):
        return None
    return value


def _anchor(geometry: dict[str, Any]) -> tuple[Any, Any]:
    """(lat, lon) of a geometry's first position: where it is, for the table beside the map."""
    node: Any = geometry.get("coordinates")
    if geometry["type"] == "GeometryCollection":
        inner = [g for g in geometry.get("geometries") or [] if isinstance(g, dict)]
        node = inner[0].get("coordinates") if inner else None
    while isinstance(node, list) and node and isinstance(node[0], list):
        node = node[0]
    if isinstance(node, list) and len(node) >= 2:
        return node[1], node[0]
    return None, None


def _map_rows(resource: Resource, version: Any) -> list[list[Any]] | None:
    """The first 100 places on the map as table rows: label, kind of geometry, lat, lon."""
    names = [f["name"] for f in selectors.schema_fields(version)]
    geo = resource.map_geojson if resource.map_geojson in names else ""
    points = resource.map_lat in names and resource.map_lon in names
    if not geo and not points:
        return None
    result = selectors.datastore_search(version=version, limit=MAP_TABLE_ROWS)
    used = (geo,) if geo else (resource.map_lat, resource.map_lon)
    label = next((n for n in names if n not in used), None)
    rows = []
    for record in result.records:
        name = record.get(label) if label else record["_id"]
        if geo:
            geometry = _geometry(record.get(geo))
            if geometry is None:
                continue
            rows.append([name, geometry["type"], *_anchor(geometry)])
        else:
            rows.append([name, "Point", record[resource.map_lat], record[resource.map_lon]])
    return rows


def _has_map(resource: Resource) -> bool:
    return bool(resource.map_geojson or (resource.map_lat and resource.map_lon))


def resource_download(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    resource = _resource_or_404(public_id)
    version = resource.current_version
    if version is None:
        raise Http404
    return _download(request, resource, version, fmt)


def version_download(request: HttpRequest, public_id: str, number: int, fmt: str) -> HttpResponse:
    """An earlier (or the current) version of a table or a file: versions stay downloadable."""
    resource = _resource_or_404(public_id)
    version = selectors.resource_version(resource=resource, number=number)
    if version is None:
        raise Http404
    return _download(request, resource, version, fmt)


def _download(request: HttpRequest, resource: Resource, version: Any, fmt: str) -> HttpResponse:
    if resource.kind == ResourceKind.FILE:
        if not version.file or fmt != version.file_extension:
            raise Http404
        try:
            handle = version.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=version.original_name or "plik")
    if not version.schema.get("fields"):
        raise Http404
    filename = f"{resource.dataset.slug}-v{version.number}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            selectors.export_csv_chunks(version=version), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        response = StreamingHttpResponse(
            _json_chunks(selectors.iter_rows(version=version)),
            content_type="application/json",
        )
    elif fmt == "geojson":
        if not _has_map(resource):
            raise Http404
        try:
            limit = min(int(request.GET.get("limit", "0")), 1_000_000) or None
        except ValueError:
            limit = None
        response = StreamingHttpResponse(
            _geojson_chunks(resource, selectors.iter_rows(version=version, limit=limit)),
            content_type="application/geo+json",
        )
    elif fmt == "xlsx":
        return _xlsx_response(version, filename)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _json_chunks(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    first = True
    for row in rows:
        yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "]\n"


def _geojson_chunks(resource: Resource, rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """Features from lat/lon columns or from a column of GeoJSON geometries (bad ones skipped)."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    geo = resource.map_geojson
    for row in rows:
        if geo:
            geometry = _geometry(row.get(geo))
            if geometry is None:
                continue
            used: tuple[str, ...] = (geo,)
        else:
            lat, lon = row.get(resource.map_lat), row.get(resource.map_lon)
            if not isinstance(lat, int | float) or not isinstance(lon, int | float):
                continue
            geometry = {"type": "Point", "coordinates": [lon, lat]}
            used = (resource.map_lat, resource.map_lon)
        properties = {k: v for k, v in row.items() if k not in used}
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"


def _xlsx_response(version: Any, filename: str) -> HttpResponse:
    from openpyxl import Workbook

    # write_only streams rows to a temporary file; the response then streams that file.
    names = [f["name"] for f in selectors.schema_fields(version)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("dane")
    sheet.append(names)
    for row in selectors.iter_rows(version=version):
        sheet.append([row.get(name) for name in names])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- clerks ----------------------------------------------------------------------------------


def _require_manager(request: HttpRequest, resource: Resource) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_manage_organization(request.user, resource.dataset.organization):
        raise PermissionDenied
    return None


@require_http_methods(["GET", "POST"])
def resource_upload(request: HttpRequest, public_id: str) -> HttpResponse:
    resource = _resource_or_404(public_id)
    denied = _require_manager(request, resource)
    if denied is not None:
        return denied
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("Wybierz plik do przesłania."))
        elif resource.kind == ResourceKind.FILE:
            try:
                actions.resource_file_publish(
                    resource=resource,
                    upload=upload.file,
                    original_name=upload.name or "",
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                return redirect("opendata:resource", public_id=resource.public_id)
        else:
            try:
                table_import = actions.table_upload(
                    resource=resource,
                    upload=upload.file,
                    original_name=upload.name or "",
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except actions.ImportRejected as exc:
                errors.extend(exc.messages)
            else:
                return redirect("opendata:import", public_id=table_import.public_id)
    return render(
        request,
        "opendata/upload.html",
        {"resource": resource, "dataset": resource.dataset, "errors": errors},
        status=400 if errors else 200,
    )


DISPLAY_KEYS = ("chart_type", "chart_x", "chart_y", "map_lat", "map_lon", "map_geojson")


@require_http_methods(["GET", "POST"])
def resource_settings(request: HttpRequest, public_id: str) -> HttpResponse:
    """The clerk chooses the table's chart and map (columns of the current version)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    resource = _resource_or_404(public_id)
    denied = _require_manager(request, resource)
    if denied is not None:
        return denied
    version = resource.current_version
    if version is None or resource.kind != ResourceKind.TABLE:
        raise Http404
    fields = selectors.schema_fields(version)
    if request.method == "POST":
        form = DisplaySettingsForm(request.POST, fields=fields)
        if form.is_valid():
            try:
                actions.resource_display_update(
                    resource=resource,
                    acting_user=request.user,  # type: ignore[arg-type]
                    **{key: form.cleaned_data[key] for key in DISPLAY_KEYS},
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    form.add_error(key if key in form.fields else None, messages)
            else:
                return redirect("opendata:resource", public_id=resource.public_id)
        form.mark_errors()
    else:
        form = DisplaySettingsForm(
            initial={key: getattr(resource, key) for key in DISPLAY_KEYS}, fields=fields
        )
    return render(
        request,
        "opendata/settings.html",
        {"resource": resource, "dataset": resource.dataset, "form": form},
        status=400 if form.errors else 200,
    )


def _import_or_404(request: HttpRequest, public_id: str) -> tuple[TableImport, HttpResponse | None]:
    try:
        table_import = TableImport.objects.select_related("resource__dataset__organization").get(
            public_id=public_id
        )
    except (TableImport.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    return table_import, _require_manager(request, table_import.resource)


@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    table_import, denied = _import_or_404(request, public_id)
    if denied is not None:
        return denied
    errors: list[str] = []
    if request.method == "POST":
        types = {
            f["name"]: request.POST.get(f"type-{index}", f["type"])
            for index, f in enumerate(table_import.schema.get("fields", []))
        }
        try:
            actions.table_import_confirm(
                table_import=table_import,
                field_types=types,
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            return redirect("opendata:import", public_id=table_import.public_id)
    table_import.refresh_from_db()
    fields = [
        {"index": index, **field} for index, field in enumerate(table_import.schema["fields"])
    ]
    return render(
        request,
        "opendata/import.html",
        {
            "imp": table_import,
            "resource": table_import.resource,
            "dataset": table_import.resource.dataset,
            "fields": fields,
            "type_choices": _type_choices(),
            "errors": errors,
            "row_errors": [actions.table_error_message(e) for e in table_import.errors],
            "status_url": reverse("opendata:import-status", args=[table_import.public_id]),
            "running": table_import.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        },
        status=400 if errors else 200,
    )


def import_status(request: HttpRequest, public_id: str) -> HttpResponse:
    table_import, denied = _import_or_404(request, public_id)
    if denied is not None:
        raise PermissionDenied
    return JsonResponse(
        {
            "status": table_import.status,
            "status_label": table_import.get_status_display(),
            "percent": table_import.percent,
            "rows_done": table_import.rows_done,
            "rows_per_second": round(table_import.rows_per_second),
            "errors": [actions.table_error_message(e) for e in table_import.errors],
            "text": _("%(percent)s%%, %(rows)s wierszy, %(speed)s wierszy/s")
            % {
                "percent": table_import.percent,
                "rows": table_import.rows_done,
                "speed": round(table_import.rows_per_second),
            },
        }
    )


def dataset_datapackage(request: HttpRequest, slug: str) -> HttpResponse:
    from opendata.datapackage import datapackage

    dataset = selectors.dataset_get(key=slug)
    if dataset is None:
        raise Http404
    base = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(datapackage(dataset, base), json_dumps_params={"ensure_ascii": False})
