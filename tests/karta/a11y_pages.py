"""Karta Krakowska's public pages for the axe harness (pl and en)."""

from karta.models import Location, Offer, Partner


def pages() -> list[str]:
    partner, _ = Partner.objects.get_or_create(
        slug="a11y-muzeum", defaults={"name": "Muzeum (a11y)", "kind": "city"}
    )
    Location.objects.get_or_create(
        partner=partner,
        name="Siedziba",
        defaults={"address": "Rynek Główny 1", "latitude": "50.061700", "longitude": "19.937300"},
    )
    Offer.objects.get_or_create(
        partner=partner,
        title="Bilet ulgowy (a11y)",
        defaults={
            "category": "culture",
            "kind": "percent",
            "percent": 50,
            "conditions": "Raz dziennie",
        },
    )
    return [
        "/karta-krakowska/",
        "/karta-krakowska/?q=muzeum&category=culture&group=child",
        "/karta-krakowska/?q=nic-takiego",
        "/karta-krakowska/mapa/",
        f"/karta-krakowska/partnerzy/{partner.slug}/",
    ]
