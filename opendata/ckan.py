"""A CKAN-compatible Action API (read-only subset) at /api/3/action/<name> and /api/action/<name>.

Answers use CKAN's envelope ``{"help", "success", "result"}``; errors use CKAN's types and
status codes ("Not Found Error" 404, "Validation Error" 409, "Authorization Error" 403) so
that CKAN clients (ckanapi, harvesters) map them to their own exceptions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from opendata import filetypes, selectors
from opendata.models import Dataset, Group, Organization, Resource, ResourceVersion

MAX_ROWS = 1000


class CkanError(Exception):
    status = 409
    kind = "Validation Error"

    def __init__(self, message: str | dict[str, Any]) -> None:
        super().__init__(str(message))
        self.payload = message


class NotFound(CkanError):
    status = 404
    kind = "Not Found Error"


class AuthorizationError(CkanError):
    status = 403
    kind = "Authorization Error"


def _iso(value: Any) -> str:
    return value.replace(tzinfo=None, microsecond=0).isoformat() if value else ""


def _org_dict(organization: Organization) -> dict[str, Any]:
    return {
        "id": str(organization.public_id),
        "name": organization.slug,
        "title": organization.title_pl,
        "description": organization.description_pl,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": "",
    }


def _group_dict(group: Group) -> dict[str, Any]:
    return {
        "id": str(group.public_id),
        "name": group.slug,
        "title": group.title_pl,
        "display_name": group.title_pl,
        "description": group.description_pl,
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
    }


def _file_media_type(version: ResourceVersion | None) -> str | None:
    return filetypes.media_type(version.file_extension) if version is not None else None


def _resource_dict(request: HttpRequest, resource: Resource, position: int) -> dict[str, Any]:
    version = resource.current_version
    table = resource.kind == "table"
    if table:
        url = request.build_absolute_uri(
            reverse("opendata:download", args=[resource.public_id, "csv"])
        )
    elif version is not None:
        url = request.build_absolute_uri(
            reverse(
                "opendata:version-download",
                args=[resource.public_id, version.number, version.file_extension],
            )
        )
    else:
        url = ""
    return {
        "id": str(resource.public_id),
        "package_id": str(resource.dataset.public_id),
        "name": resource.name_pl,
        "description": resource.description_pl,
        "format": resource.format,
        "url": url,
        "url_type": "datastore" if version and table else "",
        "mimetype": "text/csv" if table else _file_media_type(version),
        "size": version.size if version is not None and not table else None,
        "hash": version.sha256 if version is not None and not table else "",
        "datastore_active": version is not None and table,
        "position": position,
        "state": "active",
        "created": _iso(resource.created_at),
        "last_modified": _iso(version.created_at) if version else None,
        "version": version.number if version else None,
    }


def _package_dict(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    resources = list(dataset.resources.all())
    for resource in resources:
        resource.dataset = dataset
    groups = list(dataset.groups.all())
    return {
        "id": str(dataset.public_id),
        "name": dataset.slug,
        "title": dataset.title_pl,
        "notes": dataset.description_pl,
        "type": "dataset",
        "state": "active",
        "private": False,
        "license_id": dataset.licence,
        "license_title": dataset.get_licence_display(),
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "author": dataset.organization.title_pl,
        "author_email": dataset.organization.email,
        "metadata_created": _iso(dataset.created_at),
        "metadata_modified": _iso(dataset.modified_at),
        "owner_org": str(dataset.organization.public_id),
        "organization": _org_dict(dataset.organization),
        "groups": [_group_dict(group) for group in groups],
        "tags": [
            {"name": word, "display_name": word, "state": "active"} for word in dataset.keywords
        ],
        "num_tags": len(dataset.keywords),
        "resources": [_resource_dict(request, r, i) for i, r in enumerate(resources)],
        "num_resources": len(resources),
        "url": request.build_absolute_uri(reverse("opendata:dataset", args=[dataset.slug])),
        "extras": [
            {"key": "frequency", "value": dataset.frequency},
            {"key": "spatial_text", "value": dataset.spatial},
            {"key": "title_en", "value": dataset.title_en},
            {"key": "temporal_start", "value": str(dataset.temporal_start or "")},
            {"key": "temporal_end", "value": str(dataset.temporal_end or "")},
        ],
        "is_demo": dataset.is_demo,
    }


def _int(params: dict[str, Any], key: str, default: int, top: int) -> int:
    value = params.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise CkanError({key: ["Invalid integer"]}) from None
    if number < 0 or number > top:
        raise CkanError({key: [f"Must be between 0 and {top}"]})
    return number


def _json_param(params: dict[str, Any], key: str) -> Any:
    value = params.get(key)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise CkanError({key: ["Cannot parse JSON"]}) from None
    return value


def _required(params: dict[str, Any], key: str = "id") -> str:
    value = params.get(key)
    if not value or not isinstance(value, str):
        raise CkanError({key: ["Missing value"]})
    return value


# --- actions ---------------------------------------------------------------------------------


def status_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    return {
        "ckan_version": "2.10.0",
        "site_title": "Otwarte dane Krakowa",
        "site_description": "Katalog otwartych danych Miasta Krakowa",
        "site_url": request.build_absolute_uri("/").rstrip("/"),
        "locale_default": "pl",
        "extensions": ["datastore", "dcat"],
    }


def package_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    limit = _int(params, "limit", 100_000, 100_000)
    offset = _int(params, "offset", 0, 10**9)
    names = Dataset.objects.order_by("slug").values_list("slug", flat=True)
    return list(names[offset : offset + limit])


def current_package_list_with_resources(request: HttpRequest, params: dict[str, Any]) -> Any:
    limit = _int(params, "limit", 100, MAX_ROWS)
    offset = _int(params, "offset", 0, 10**9)
    datasets = selectors.catalogue_search(sort="-modified")[offset : offset + limit]
    return [_package_dict(request, dataset) for dataset in datasets]


def package_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    dataset = selectors.dataset_get(key=_required(params))
    if dataset is None:
        raise NotFound("Not found")
    return _package_dict(request, dataset)


FQ_FIELDS = {"organization", "groups", "tags", "res_format", "name"}
FACET_FIELDS = {"organization", "groups", "tags", "res_format"}
SEARCH_SORTS = {
    "metadata_modified desc": "-modified",
    "metadata_modified asc": "modified",
    "metadata_created desc": "-created",
    "metadata_created asc": "created",
    "title_string asc": "title",
    "title_string desc": "-title",
    "name asc": "name",
    "name desc": "-name",
    "score desc, metadata_modified desc": "",
    "score desc": "",
}


def _parse_fq(fq: str) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {}
    for token in fq.split():
        if token.upper() in ("AND", "+"):
            continue
        key, _sep, value = token.lstrip("+").partition(":")
        value = value.strip('"')
        if key not in FQ_FIELDS or not value:
            raise CkanError({"fq": [f"Unsupported filter: {token[:60]}"]})
        chosen.setdefault(key, []).append(value)
    return chosen


def package_search(request: HttpRequest, params: dict[str, Any]) -> Any:
    q = str(params.get("q") or "")
    if q.strip() in ("*:*", "*"):
        q = ""
    fq = _parse_fq(str(params.get("fq") or ""))
    rows = _int(params, "rows", 10, MAX_ROWS)
    start = _int(params, "start", 0, 10**9)
    sort_param = str(params.get("sort") or "score desc, metadata_modified desc").strip()
    if sort_param not in SEARCH_SORTS:
        raise CkanError({"sort": [f"Unsupported sort: {sort_param[:60]}"]})
    facet_fields = _json_param(params, "facet.field") or []
    if not isinstance(facet_fields, list) or any(f not in FACET_FIELDS for f in facet_fields):
        raise CkanError({"facet.field": ["Unsupported facet field"]})
    datasets = selectors.catalogue_search(
        q=q,
        groups=fq.get("groups"),
        formats=fq.get("res_format"),
        publishers=fq.get("organization"),
        keywords=fq.get("tags"),
        sort=SEARCH_SORTS[sort_param],
    )
    if "name" in fq:
        datasets = datasets.filter(slug__in=fq["name"])
    count = datasets.count()
    results = [_package_dict(request, d) for d in datasets[start : start + rows]]
    search_facets: dict[str, Any] = {}
    if facet_fields:
        search_facets = _search_facets(datasets, facet_fields)
    return {
        "count": count,
        "results": results,
        "sort": sort_param,
        "facets": {
            name: {item["name"]: item["count"] for item in facet["items"]}
            for name, facet in search_facets.items()
        },
        "search_facets": search_facets,
    }


def _search_facets(datasets: QuerySet[Dataset], names: list[str]) -> dict[str, Any]:
    facets = selectors.catalogue_facets(datasets)
    mapping = {
        "organization": "publishers",
        "groups": "groups",
        "tags": "keywords",
        "res_format": "formats",
    }
    return {
        name: {
            "title": name,
            "items": [
                {"name": item.value, "display_name": item.label, "count": item.count}
                for item in facets[mapping[name]]
            ],
        }
        for name in names
    }


def resource_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    resource = selectors.resource_get(public_id=_required(params))
    if resource is None:
        raise NotFound("Not found")
    return _resource_dict(request, resource, 0)


def organization_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    organizations = Organization.objects.order_by("slug")
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        return [_org_dict(o) for o in organizations]
    return [o.slug for o in organizations]


def organization_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    organization = selectors.organization_get(key=_required(params))
    if organization is None:
        raise NotFound("Organization not found")
    result = _org_dict(organization)
    result["package_count"] = organization.datasets.count()
    return result


def group_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    groups = Group.objects.order_by("slug")
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        return [_group_dict(g) for g in groups]
    return [g.slug for g in groups]


def group_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    group = selectors.group_get(key=_required(params))
    if group is None:
        raise NotFound("Group not found")
    result = _group_dict(group)
    result["package_count"] = group.datasets.count()
    return result


def datastore_search(request: HttpRequest, params: dict[str, Any]) -> Any:
    resource_id = _required(params, "resource_id")
    resource = selectors.resource_get(public_id=resource_id)
    if resource is None or resource.current_version is None or resource.kind != "table":
        raise NotFound(f'Resource "{resource_id[:60]}" was not found.')
    filters = _json_param(params, "filters") or {}
    if not isinstance(filters, dict):
        raise CkanError({"filters": ["Must be a JSON object"]})
    fields_param = params.get("fields")
    fields: list[str] | None = None
    if isinstance(fields_param, str) and fields_param:
        fields = [name.strip() for name in fields_param.split(",") if name.strip()]
    elif isinstance(fields_param, list):
        fields = [str(name) for name in fields_param]
    sort = params.get("sort") or ""
    if isinstance(sort, list):
        sort = ",".join(str(part) for part in sort)
    q = params.get("q") or ""
    if not isinstance(q, str):
        raise CkanError({"q": ["Must be a string"]})
    limit = _int(params, "limit", selectors.DEFAULT_LIMIT, selectors.MAX_LIMIT)
    offset = _int(params, "offset", 0, 10**9)
    try:
        result = selectors.datastore_search(
            version=resource.current_version,
            filters=filters,
            q=q,
            fields=fields,
            sort=str(sort),
            limit=limit,
            offset=offset,
        )
    except selectors.QueryError as exc:
        key = {"filter_field": "filters", "filter_value": "filters", "field": "fields"}.get(
            exc.code, exc.code
        )
        detail = f'field "{exc.field[:60]}" not in table' if exc.field else "invalid value"
        raise CkanError({key: [detail]}) from None
    return {
        "resource_id": str(resource.public_id),
        "fields": result.fields,
        "records": result.records,
        "total": result.total,
        "limit": result.limit,
        "offset": result.offset,
        "_links": {
            "start": f"/api/3/action/datastore_search?resource_id={resource.public_id}",
            "next": f"/api/3/action/datastore_search?resource_id={resource.public_id}"
            f"&offset={offset + limit}",
        },
        "include_total": True,
        "records_format": "objects",
    }


ACTIONS: dict[str, Callable[[HttpRequest, dict[str, Any]], Any]] = {
    "status_show": status_show,
    "package_list": package_list,
    "current_package_list_with_resources": current_package_list_with_resources,
    "package_show": package_show,
    "package_search": package_search,
    "resource_show": resource_show,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "datastore_search": datastore_search,
}
# Writes exist in CKAN but not here: the catalogue is edited in the portal by clerks.
WRITE_ACTIONS = {
    "package_create",
    "package_update",
    "package_patch",
    "package_delete",
    "resource_create",
    "resource_update",
    "resource_delete",
    "datastore_create",
    "datastore_upsert",
    "datastore_delete",
    "organization_create",
    "group_create",
}


def _help(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(f"/api/3/action/help_show?name={name[:60]}")


def _envelope(request: HttpRequest, name: str, status: int, body: dict[str, Any]) -> JsonResponse:
    return JsonResponse({"help": _help(request, name), **body}, status=status)


@csrf_exempt
def action(request: HttpRequest, name: str) -> JsonResponse:
    if request.method not in ("GET", "POST"):
        return _envelope(
            request,
            name,
            400,
            {"success": False, "error": {"__type": "Bad request", "message": "GET or POST only"}},
        )
    try:
        if name in WRITE_ACTIONS:
            raise AuthorizationError(f"Action {name} requires an authorised user")
        handler = ACTIONS.get(name)
        if handler is None:
            return _envelope(
                request,
                name,
                400,
                {
                    "success": False,
                    "error": {
                        "__type": "Bad request - Action Error",
                        "message": f"Bad request - Action name not known: {name[:60]}",
                    },
                },
            )
        params = _request_params(request)
        result = handler(request, params)
    except CkanError as exc:
        error: dict[str, Any] = {"__type": exc.kind}
        if isinstance(exc.payload, dict):
            error.update(exc.payload)
        else:
            error["message"] = exc.payload
        return _envelope(request, name, exc.status, {"success": False, "error": error})
    response = _envelope(request, name, 200, {"success": True, "result": result})
    response["X-Generated-At"] = timezone.now().isoformat()
    return response


def _request_params(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST" and request.body:
        content_type = request.content_type or ""
        if "json" in content_type or not request.POST:
            try:
                data = json.loads(request.body)
            except ValueError:
                raise CkanError({"message": "JSON Error: cannot parse request body"}) from None
            if not isinstance(data, dict):
                raise CkanError({"message": "JSON Error: request body must be an object"})
            return data
        return {key: request.POST.get(key) for key in request.POST}
    return {key: request.GET.get(key) for key in request.GET}
