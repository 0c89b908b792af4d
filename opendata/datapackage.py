"""``datapackage.json`` (Frictionless Data Package) of a dataset.

Tables are CSV downloads with their Table Schema; file resources are plain Data Resources
(the current version's file, with its size and SHA-256).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from opendata import filetypes
from opendata.dcat import LICENCES
from opendata.models import Dataset, Resource, ResourceKind, ResourceVersion


def _file_resource(
    dataset: Dataset, resource: Resource, version: ResourceVersion, index: int, base: str
) -> dict[str, Any]:
    extension = version.file_extension
    descriptor: dict[str, Any] = {
        "name": f"{dataset.slug.lower()}-{index}",
        "title": resource.name_pl,
        "path": base
        + reverse(
            "opendata:version-download", args=[resource.public_id, version.number, extension]
        ),
        "format": extension,
        "mediatype": filetypes.media_type(extension),
        "bytes": version.size,
    }
    if resource.description_pl:
        descriptor["description"] = resource.description_pl
    if version.sha256:
        descriptor["hash"] = "sha256:" + version.sha256
    return descriptor


def datapackage(dataset: Dataset, base: str) -> dict[str, Any]:
    resources = []
    for index, resource in enumerate(dataset.resources.all(), start=1):
        version = resource.current_version
        if version is None:
            continue
        if resource.kind == ResourceKind.FILE:
            if version.file:
                resources.append(_file_resource(dataset, resource, version, index, base))
            continue
        fields = [
            # The CSV download writes numbers with a decimal point whatever the upload used.
            {key: value for key, value in field.items() if key != "decimalChar"}
            for field in version.schema.get("fields", [])
        ]
        for field in fields:
            if field["type"] == "geopoint":
                field["type"] = "string"
        resources.append(
            {
                "name": f"{dataset.slug}-{index}",
                "title": resource.name_pl,
                "path": base + reverse("opendata:download", args=[resource.public_id, "csv"]),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields},
            }
        )
    package: dict[str, Any] = {
        "name": dataset.slug.lower(),
        "id": str(dataset.public_id),
        "title": dataset.title_pl,
        "description": dataset.description_pl,
        "keywords": list(dataset.keywords),
        "licenses": [
            {"name": dataset.licence, "path": LICENCES[dataset.licence], "title": dataset.licence}
        ],
        "created": dataset.created_at.replace(microsecond=0).isoformat(),
        "resources": resources,
    }
    return package
