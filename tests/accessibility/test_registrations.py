"""What accessibility contributes elsewhere: open-data datasets, the resident's dashboard
panel, the GDPR export, and building pages for the e-services' office locations."""

import pytest

from accessibility import actions, selectors
from accounts.registry import dashboard_panels, gdpr_contributors
from opendata.registry import registered_datasets

pytestmark = pytest.mark.django_db


def _dataset(slug):  # type: ignore[no-untyped-def]
    return next(d for d in registered_datasets() if d.slug == slug)


def test_open_data_lists_buildings_barriers_and_scan_trend_without_personal_data(user):
    actions.accessibility_request_submit(
        kind="complaint",
        name="Jan Kowalski",
        email="jan@example.org",
        subject_url="ul. Kasprowicza 29",
        description="Brak toalety",
        user=user,
    )
    audits = list(_dataset("dostepnosc-audyty-budynkow").rows())
    barriers = list(_dataset("dostepnosc-bariery").rows())
    scans = list(_dataset("dostepnosc-skany-serwisow").rows())
    lift = next(r for r in barriers if r["building"] == "pl-wszystkich-swietych-3-4")
    assert (lift["status"], lift["blocker"]) == ("blocked", "heritage")
    assert any(r["building"].startswith("budynek-pozyskany-po-2020-") for r in audits)
    for rows, dataset in ((audits, "dostepnosc-audyty-budynkow"), (barriers, "dostepnosc-bariery")):
        assert set(rows[0]) == {f.name for f in _dataset(dataset).fields}
    everything = str(audits + barriers + scans)
    assert "Kowalski" not in everything
    assert "jan@example.org" not in everything


def test_every_accessibility_dataset_materialises():
    from opendata import actions as opendata_actions

    for slug in ("dostepnosc-audyty-budynkow", "dostepnosc-bariery", "dostepnosc-skany-serwisow"):
        version = opendata_actions.own_dataset_materialise(own=_dataset(slug))
        assert version.schema["fields"][0]["name"] == _dataset(slug).fields[0].name


def test_dashboard_panel_shows_the_residents_own_requests_only(user, other_user):
    panel = next(p for p in dashboard_panels() if p.key == "accessibility-requests")
    assert panel.context(user) is None
    actions.accessibility_request_submit(
        kind="request",
        name="A",
        email="a@example.org",
        subject_url="Winda w urzędzie",
        description="Nie działa",
        user=user,
    )
    context = panel.context(user)
    assert [r.subject_url for r in context["requests"]] == ["Winda w urzędzie"]
    assert panel.context(other_user) is None


def test_dashboard_shows_the_panel_with_status_and_deadline(client, user):
    request = actions.accessibility_request_submit(
        kind="request",
        name="A",
        email="a@example.org",
        subject_url="Winda",
        description="x",
        user=user,
    )
    client.force_login(user)
    html = client.get("/moje-konto/").content.decode()
    assert "Moje zgłoszenia dostępności" in html
    assert request.answer_due.strftime("%d.%m.%Y") in html


def test_gdpr_export_lists_own_requests_and_keeps_them_on_deletion(user, other_user):
    actions.accessibility_request_submit(
        kind="request", name="A", email="a@example.org", subject_url="x", description="y", user=user
    )
    contributor = next(c for c in gdpr_contributors() if c.key == "accessibility")
    assert [r["subject"] for r in contributor.export(user)] == ["x"]
    assert contributor.export(other_user) == []
    assert contributor.erase is None


@pytest.mark.parametrize(
    ("office_address", "slug"),
    [
        ("pl. Wszystkich Świętych 3–4, 31-004 Kraków", "pl-wszystkich-swietych-3-4"),
        ("al. Powstania Warszawskiego 10, 31-549 Kraków", "powstania-warszawskiego-10"),
        ("ul. Kasprowicza 29", "kasprowicza-29"),
    ],
)
def test_office_address_finds_its_building(office_address, slug):
    building = selectors.building_for_address(office_address)
    assert building is not None
    assert building.slug == slug


def test_offices_are_matched_to_buildings_in_one_query(django_assert_num_queries):
    addresses = [
        "pl. Wszystkich Świętych 3–4, 31-004 Kraków",
        "os. Zgody 2, 31-949 Kraków",
        "",
    ]
    with django_assert_num_queries(1):
        found = selectors.buildings_by_address(addresses)
    assert {a: b.slug for a, b in found.items()} == {addresses[0]: "pl-wszystkich-swietych-3-4"}
    with django_assert_num_queries(0):
        assert selectors.buildings_by_address(["", "  "]) == {}


def test_building_url_follows_the_active_language():
    from django.utils import translation

    building = selectors.building_for_address("ul. Kasprowicza 29")
    with translation.override("en"):
        assert selectors.building_url(building) == "/en/dostepnosc/budynki/kasprowicza-29/"
