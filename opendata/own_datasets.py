"""The open-data app's own demo datasets (R-OD-5): tree plantings on a map, and tourism.

Not named ``opendata/opendata.py``: with the current directory on sys.path (as under
``make messages``, which runs in the app directory) that module would shadow the package.
"""

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from opendata.registry import OwnDataset, SchemaField, register_dataset

SPECIES = [
    "lipa drobnolistna (Tilia cordata)",
    "klon zwyczajny (Acer platanoides)",
    "dąb szypułkowy (Quercus robur)",
    "grab pospolity (Carpinus betulus)",
    "jarząb szwedzki (Sorbus intermedia)",
    "miłorząb dwuklapowy (Ginkgo biloba)",
]
DISTRICTS = [
    ("Stare Miasto", 50.0614, 19.9372),
    ("Grzegórzki", 50.0590, 19.9620),
    ("Krowodrza", 50.0780, 19.9150),
    ("Bronowice", 50.0830, 19.8880),
    ("Podgórze", 50.0440, 19.9600),
    ("Nowa Huta", 50.0720, 20.0380),
    ("Dębniki", 50.0380, 19.9150),
    ("Bieżanów-Prokocim", 50.0200, 20.0100),
]


def tree_planting_rows() -> Iterator[dict[str, Any]]:
    """Deterministic demo plantings (the city's real register is not public yet)."""
    generator = random.Random(2024)  # noqa: S311 — demo coordinates, not security
    start = date(2023, 3, 1)
    for number in range(1, 121):
        district, lat, lon = DISTRICTS[number % len(DISTRICTS)]
        yield {
            "id": number,
            "gatunek": SPECIES[number % len(SPECIES)] + " [DEMO]",
            "data_posadzenia": (start + timedelta(days=generator.randint(0, 600))).isoformat(),
            "dzielnica": district,
            "lat": round(lat + generator.uniform(-0.01, 0.01), 6),
            "lon": round(lon + generator.uniform(-0.015, 0.015), 6),
        }


def conference_rows() -> Iterator[dict[str, Any]]:
    figures = {2017: 412_000, 2018: 455_000, 2019: 498_000, 2020: 96_000, 2021: 188_000}
    figures |= {2022: 371_000, 2023: 464_000, 2024: 512_000}
    for year, participants in figures.items():
        yield {"rok": year, "uczestnicy": participants, "uwagi": "DEMO"}


register_dataset(
    OwnDataset(
        slug="nasadzenia-drzew",
        title_pl="Nasadzenia drzew",
        title_en="Tree plantings",
        description_pl="Drzewa posadzone przez miasto: gatunek, data, dzielnica i położenie. "
        "Dane demonstracyjne.",
        description_en="Trees planted by the city: species, date, district and location. "
        "Demonstration data.",
        fields=(
            SchemaField("id", "integer", "Numer", "Number"),
            SchemaField("gatunek", "string", "Gatunek", "Species"),
            SchemaField("data_posadzenia", "date", "Data posadzenia", "Planting date"),
            SchemaField("dzielnica", "string", "Dzielnica", "District"),
            SchemaField("lat", "number", "Szerokość geograficzna", "Latitude"),
            SchemaField("lon", "number", "Długość geograficzna", "Longitude"),
        ),
        rows=tree_planting_rows,
        schedule="daily",
        group="srodowisko",
        keywords=("drzewa", "zieleń", "środowisko"),
        publisher="Zarząd Zieleni Miejskiej",
        is_demo=True,
        extra={"map_lat": "lat", "map_lon": "lon"},
    )
)

register_dataset(
    OwnDataset(
        slug="turystyka-konferencje",
        title_pl="Uczestnicy konferencji w Krakowie",
        title_en="Conference participants in Kraków",
        description_pl="Liczba uczestników konferencji i kongresów w kolejnych latach. "
        "Dane demonstracyjne.",
        description_en="Participants of conferences and congresses per year. Demonstration data.",
        fields=(
            SchemaField("rok", "integer", "Rok", "Year"),
            SchemaField("uczestnicy", "integer", "Uczestnicy", "Participants"),
            SchemaField("uwagi", "string", "Uwagi", "Notes"),
        ),
        rows=conference_rows,
        schedule="monthly",
        group="turystyka",
        keywords=("turystyka", "konferencje"),
        is_demo=True,
        extra={"chart_type": "bar", "chart_x": "rok", "chart_y": "uczestnicy"},
    )
)
