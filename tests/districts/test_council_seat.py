"""The council's seat and hours come from the e-services offices when linked (read through
``services.selectors``); the hand-kept address is the fallback. Next sessions are listed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from districts.models import CouncilOffice, CouncilSession, District
from districts.selectors import council_seat, upcoming_sessions

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def district():
    return District.objects.get(number=14)


def test_linked_eservices_office_gives_address_and_hours(district):
    # given: the seat is the e-services office "os. Zgody 2" (loaded with the services app)
    CouncilOffice.objects.create(
        district=district, services_office_slug="os-zgody", office_hours="wtorek 17–18"
    )
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=WARSAW)

    # when
    seat = council_seat(district=district, at=monday_noon)

    # then
    assert seat is not None
    assert seat.address == "os. Zgody 2, 31-949 Kraków"
    assert seat.office_name
    assert seat.open_now is True
    assert seat.weekly[0] == (0, [("07:30", "15:30")])
    assert seat.weekly[6] == (6, [])
    assert seat.duty_hours == "wtorek 17–18"
    assert seat.phone == "+48 12 616 12 00"


def test_closed_linked_office_says_when_it_opens(district):
    CouncilOffice.objects.create(district=district, services_office_slug="os-zgody")
    sunday = datetime(2026, 11, 22, 12, 0, tzinfo=WARSAW)
    seat = council_seat(district=district, at=sunday)
    assert seat is not None
    assert seat.open_now is False
    assert seat.next_opening is not None


def test_kept_address_is_the_fallback(district):
    CouncilOffice.objects.create(
        district=district,
        services_office_slug="zamknieta-lokalizacja",
        seat_address="ul. Sołtysowska 13, Kraków",
        phone="12 000 00 00",
    )
    seat = council_seat(district=district)
    assert seat is not None
    assert seat.address == "ul. Sołtysowska 13, Kraków"
    assert seat.open_now is None
    assert seat.weekly == []
    assert seat.phone == "12 000 00 00"


def test_no_office_no_seat(district):
    assert council_seat(district=district) is None


def test_district_page_shows_the_linked_office_and_sessions(
    client, district, django_assert_max_num_queries
):
    CouncilOffice.objects.create(district=district, services_office_slug="os-zgody")
    now = timezone.now()
    CouncilSession.objects.create(
        district=district, number="XX", starts_at=now + timedelta(days=5), place="Sala obrad A"
    )
    CouncilSession.objects.create(
        district=district, number="XIX", starts_at=now - timedelta(days=5), place="Sala B"
    )
    with django_assert_max_num_queries(14):
        response = client.get(f"/dzielnice/{district.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "os. Zgody 2, 31-949 Kraków" in html
    assert "07:30–15:30" in html
    assert "Sala obrad A" in html
    assert "Sala B" not in html
    assert [s.number for s in upcoming_sessions(district=district)] == ["XX"]
    english = client.get(f"/en/dzielnice/{district.slug}/").content.decode()
    assert "Opening hours of the seat" in english
    assert "Monday" in english
