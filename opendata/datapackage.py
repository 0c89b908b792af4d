"""``datapackage.json`` (Frictionless Data Package) of a dataset: its tables as CSV downloads."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from opendata.dcat import LICENCES
from opendata.models import Dataset


def datapackage(dataset: Dataset, base: str) -> dict[str, Any]:
    resources = []
    for index, resource in enumerate(dataset.resources.all(), start=1):
        version = resource.current_version
        if version is None or resource.kind != "table":
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
