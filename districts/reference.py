"""Reading the districts reference table shipped with the project (districts/data/)."""

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from django.utils.text import slugify

DISTRICTS_CSV = Path(__file__).resolve().parent / "data" / "krakow-districts.csv"


class DistrictRow(TypedDict):
    number: int
    roman: str
    name: str
    slug: str
    area_km2: Decimal
    population: int
    population_year: int
    council_seats: int


def district_slug(name: str) -> str:
    # slugify drops "ł" (it has no ASCII decomposition), so map it first.
    return slugify(name.replace("ł", "l").replace("Ł", "L"))


def read_districts(path: Path = DISTRICTS_CSV) -> Iterator[DistrictRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield DistrictRow(
                number=int(row["number"]),
                roman=row["roman"],
                name=row["name"],
                slug=district_slug(row["name"]),
                area_km2=Decimal(row["area_km2"]),
                population=int(row["population"]),
                population_year=int(row["population_year"]),
                council_seats=int(row["council_seats"]),
            )
