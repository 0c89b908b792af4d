"""Demo catalogue for `make run`: partners, locations and offers labelled (DEMO)."""

from collections.abc import Callable
from decimal import Decimal

from karta.models import Location, Offer, Partner

_PARTNERS = [
    {
        "slug": "demo-muzeum-krakowa",
        "name": "Muzeum Krakowa (DEMO)",
        "kind": "city",
        "locations": [("Pałac Krzysztofory", "Rynek Główny 35", "50.062010", "19.936690", 1)],
        "offers": [("Bilet wstępu (DEMO)", "culture", "percent", 50, None, "24.00")],
    },
    {
        "slug": "demo-baseny-krakow",
        "name": "Krakowskie baseny (DEMO)",
        "kind": "city",
        "locations": [("Park Wodny", "ul. Dobrego Pasterza 126", "50.088730", "19.982900", 3)],
        "offers": [("Wejście na basen (DEMO)", "sport", "fixed", None, "12.00", "30.00")],
    },
    {
        "slug": "demo-ksiegarnia",
        "name": "Księgarnia pod Globusem (DEMO)",
        "kind": "private",
        "locations": [("Księgarnia", "ul. Długa 1", "50.066900", "19.938100", 5)],
        "offers": [("Zniżka na książki (DEMO)", "shopping", "percent", 10, None, None)],
    },
]


def seed(*, log: Callable[[str], object]) -> None:
    for data in _PARTNERS:
        partner, _ = Partner.objects.update_or_create(
            slug=data["slug"], defaults={"name": data["name"], "kind": data["kind"]}
        )
        for name, address, lat, lon, district in data["locations"]:  # type: ignore[attr-defined]
            Location.objects.update_or_create(
                partner=partner,
                name=name,
                defaults={
                    "address": address,
                    "latitude": Decimal(lat),
                    "longitude": Decimal(lon),
                    "district_id": district,
                },
            )
        for title, category, kind, percent, fixed, regular in data["offers"]:  # type: ignore[attr-defined]
            Offer.objects.update_or_create(
                partner=partner,
                title=title,
                defaults={
                    "category": category,
                    "kind": kind,
                    "percent": percent,
                    "fixed_price": Decimal(fixed) if fixed else None,
                    "regular_price": Decimal(regular) if regular else None,
                },
            )
    log(f"  karta: {len(_PARTNERS)} demo partners with offers")
