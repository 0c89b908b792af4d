"""The portal's own datasets (R-OD-5): each app registers what it publishes.

An app declares its datasets in ``<app>/opendata.py`` by calling ``register_dataset``; the
open-data app imports those modules at start-up and materialises every registered dataset on
its schedule. The open-data app never imports another app's models: it only calls ``rows``.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Schedule = Literal["hourly", "daily", "weekly", "monthly"]


@dataclass(frozen=True)
class SchemaField:
    """A Frictionless Table Schema field: type is one of string, integer, number, date,
    datetime, boolean, geopoint (``"lat,lon"``) or geojson."""

    name: str
    type: str
    title_pl: str
    title_en: str
    description: str = ""


@dataclass(frozen=True)
class OwnDataset:
    slug: str
    title_pl: str
    title_en: str
    description_pl: str
    description_en: str
    fields: tuple[SchemaField, ...]
    # Produces the rows (dicts keyed by field name). Called by the open-data app's task; reads
    # through the owning app's selectors. Rows must already be aggregated/anonymised.
    rows: Callable[[], Iterable[Mapping[str, Any]]]
    schedule: Schedule = "daily"
    group: str = "miasto"  # thematic group slug
    keywords: tuple[str, ...] = ()
    publisher: str = "Urząd Miasta Krakowa"
    is_demo: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


_datasets: dict[str, OwnDataset] = {}


def register_dataset(dataset: OwnDataset) -> None:
    if dataset.slug in _datasets and _datasets[dataset.slug] != dataset:
        raise ValueError(f"dataset slug {dataset.slug!r} registered twice")
    _datasets[dataset.slug] = dataset


def registered_datasets() -> list[OwnDataset]:
    return sorted(_datasets.values(), key=lambda dataset: dataset.slug)


def registered_dataset(slug: str) -> OwnDataset | None:
    return _datasets.get(slug)
