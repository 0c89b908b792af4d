"""District pages for the axe harness: the list, a district page, funds, the register, a
resolution, the progress view (with data, so tables and the chart are checked)."""

from decimal import Decimal


def pages() -> list[str]:
    from datetime import timedelta

    from django.utils import timezone

    from districts import actions
    from districts.models import CouncilMember, CouncilOffice, CouncilSession, District
    from tests.districts.factories import budget_year, draft, fund, member_of

    year = budget_year()
    if not actions.Allocation.objects.filter(year=year).exists():
        fund(year, Decimal("25000000.00"))
    district = District.objects.get(number=12)
    CouncilOffice.objects.get_or_create(
        district=district,
        defaults={
            "seat_address": "ul. Ćwiklińskiej 2, 30-898 Kraków",
            "office_hours": "pon. 17–19",
        },
    )
    # A second district whose seat is an e-services office (weekly hours table) and which has
    # an announced session.
    linked = District.objects.get(number=14)
    CouncilOffice.objects.get_or_create(
        district=linked, defaults={"services_office_slug": "os-zgody"}
    )
    CouncilSession.objects.get_or_create(
        district=linked,
        number="XX",
        defaults={
            "starts_at": timezone.now() + timedelta(days=3),
            "place": "Sala obrad, os. Zgody 2",
            "agenda": "1. Otwarcie sesji.",
        },
    )
    CouncilMember.objects.get_or_create(
        district=district,
        full_name="Jan Radny (DEMO)",
        term_start="2024-05-01",
        defaults={"function": "chair", "term_end": "2029-04-30"},
    )
    resolution = actions.Resolution.objects.filter(district=district, year=year).first()
    if resolution is None:
        member = member_of(district)
        resolution = actions.resolution_file(
            resolution=draft(district, member, year), acting_user=member
        )
    return [
        "/dzielnice/",
        f"/dzielnice/{district.slug}/",
        f"/dzielnice/{linked.slug}/",
        f"/dzielnice/{district.slug}/zadania/",
        "/dzielnice/fundusze/",
        "/dzielnice/uchwaly/",
        f"/dzielnice/uchwaly/{resolution.public_id}/",
    ]
