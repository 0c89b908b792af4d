"""Pages: catalogue, partner, map, my card, documents (permission matrix), analytics."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from karta import actions
from karta.models import Card, StatusApplication, UsageEvent
from tests.karta.factories import (
    ApprovedApplicationFactory,
    LocationFactory,
    OfferFactory,
    first_district_id,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


def test_catalogue_filters_by_text_category_and_group(client: Any) -> None:
    museum = OfferFactory(title="Muzeum Narodowe", category="culture", for_child=False)
    pool = OfferFactory(title="Basen", category="sport")
    OfferFactory(title="Stara oferta", valid_until=timezone.localdate() - timedelta(days=1))
    page = client.get(reverse("karta:index"))
    assert museum.title in page.text
    assert pool.title in page.text
    assert "Stara oferta" not in page.text
    assert pool.title not in client.get(reverse("karta:index"), {"q": "narodowe"}).text
    assert museum.title not in client.get(reverse("karta:index"), {"category": "sport"}).text
    assert museum.title not in client.get(reverse("karta:index"), {"group": "child"}).text
    assert client.get(reverse("karta:index"), {"category": "<script>"}).status_code == 200


def test_catalogue_query_count_does_not_grow_with_offers(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    OfferFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("karta:index")).status_code == 200


def test_partner_page_and_map_list_locations(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    location = LocationFactory(name="Kamienica Hipolitów")
    OfferFactory(partner=location.partner, title="Bilet rodzinny")
    LocationFactory.create_batch(20)
    page = client.get(reverse("karta:partner", args=[location.partner.slug]))
    assert "Bilet rodzinny" in page.text
    assert "Kamienica Hipolitów" in page.text
    with django_assert_max_num_queries(3):
        map_page = client.get(reverse("karta:map"))
    assert "Kamienica Hipolitów" in map_page.text
    assert "leaflet.js" in map_page.text
    assert "unpkg" not in map_page.text
    assert client.get(reverse("karta:partner", args=["nie-ma"])).status_code == 404


def test_my_card_needs_login(client: Any) -> None:
    response = client.get(reverse("karta:my_card"))
    assert response.status_code == 302


def test_upload_from_the_web_page(client: Any, resident: Any) -> None:
    client.force_login(resident)
    response = client.post(
        reverse("karta:my_card"),
        {
            "form": "upload",
            "document_kind": "pit",
            "document": SimpleUploadedFile("pit.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    assert StatusApplication.objects.filter(user=resident).count() == 1


def test_a_disguised_upload_shows_a_clear_error_and_stores_nothing(
    client: Any, resident: Any
) -> None:
    client.force_login(resident)
    response = client.post(
        reverse("karta:my_card"),
        {
            "form": "upload",
            "document_kind": "pit",
            "document": SimpleUploadedFile("pit.pdf", b"MZ\x90\x00evil"),
        },
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert "PDF, JPEG" in response.text
    assert StatusApplication.objects.count() == 0


def test_resident_issues_a_card_and_sees_its_qr(client: Any) -> None:
    status = ApprovedApplicationFactory()
    client.force_login(status.user)
    response = client.post(reverse("karta:my_card"), {"form": "card", "carrier": "mobile"})
    assert response.status_code == 302
    page = client.get(reverse("karta:my_card"))
    card = Card.objects.get(holder=status.user)
    assert card.display_number in page.text
    assert 'class="karta-qr"' in page.text


def test_resident_without_status_gets_no_card(client: Any, resident: Any) -> None:
    client.force_login(resident)
    response = client.post(reverse("karta:my_card"), {"form": "card", "carrier": "mobile"})
    assert response.status_code == 400
    assert Card.objects.count() == 0


# --- permission matrix: the uploaded document ------------------------------------------------


@pytest.fixture
def application(resident: Any) -> StatusApplication:
    return actions.status_application_submit(
        user=resident, document_kind="upo", data=pdf_bytes(), acting_user=resident
    )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("resident", True),
        ("other_resident", False),
        ("clerk_without_permission", False),
        ("reviewer", True),
        ("council_member", False),
    ],
)
def test_document_is_served_only_to_owner_and_reviewers(
    request: Any, client: Any, application: StatusApplication, who: str, allowed: bool
) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("karta:document", args=[application.public_id]))
    if allowed:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    else:
        assert response.status_code == 404
        assert b"%PDF" not in response.content


def test_other_residents_page_never_shows_a_card_or_document(
    client: Any, application: StatusApplication, other_resident: Any
) -> None:
    status = ApprovedApplicationFactory(user=application.user)
    card = actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    client.force_login(other_resident)
    page = client.get(reverse("karta:my_card")).text
    assert card.display_number not in page
    assert str(application.public_id) not in page
    assert "karta-qr" not in page


# --- permission matrix: analytics ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 403),
        ("resident", 403),
        ("other_resident", 403),
        ("clerk_without_permission", 403),
        ("analyst", 200),
        ("council_member", 403),
    ],
)
def test_analytics_only_for_clerks_with_the_permission(
    request: Any, client: Any, who: str, status: int
) -> None:
    OfferFactory(title="Tajna statystyka")
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for params in ({}, {"report": "offers", "format": "csv"}):
        response = client.get(reverse("karta:analytics"), params)
        assert response.status_code == status


def _events(offer: Any, count: int, group: str = "adult", price: str = "20.00") -> None:
    now = timezone.now()
    first = first_district_id()
    UsageEvent.objects.bulk_create(
        UsageEvent(
            partner=offer.partner,
            offer=offer,
            event_id=f"{offer.pk}-{group}-{i}",
            occurred_at=now - timedelta(days=i % 300),
            price=Decimal(price),
            discount=Decimal(price) / 2,
            category=offer.category,
            holder_group=group,
            district_id=first + i % 3,
            age_band="26-64",
        )
        for i in range(count)
    )
    actions.usage_rollup_refresh(since=timezone.localdate() - timedelta(days=400))
    actions.usage_monthly_refresh()


def test_analytics_page_and_csv(
    client: Any, analyst: Any, django_assert_max_num_queries: Any
) -> None:
    offer = OfferFactory(title="Wstęp do muzeum")
    _events(offer, 30)
    client.force_login(analyst)
    # Session, user, permissions, then one aggregate per report (8): independent of data size.
    with django_assert_max_num_queries(20):
        page = client.get(reverse("karta:analytics"))
    assert "Wstęp do muzeum" in page.text
    assert "<table" in page.text
    assert "<svg" in page.text
    csv_response = client.get(reverse("karta:analytics"), {"report": "offers", "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode().strip().splitlines()
    assert lines[1].startswith("Wstęp do muzeum,")
    assert ",30," in lines[1]
    projected = client.get(reverse("karta:analytics"), {"offer": offer.pk, "new_percent": 100})
    assert projected.status_code == 200
    assert client.get(reverse("karta:analytics"), {"offer": "x", "days": "abc"}).status_code == 200
