"""District pages for the axe harness: the list, a district page, funds, the register, a
resolution, the progress view (with data, so tables and the chart are checked)."""

from decimal import Decimal


def pages() -> list[str]:
    from districts import actions
    from districts.models import CouncilMember, CouncilOffice, District
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
        f"/dzielnice/{district.slug}/zadania/",
        "/dzielnice/fundusze/",
        "/dzielnice/uchwaly/",
        f"/dzielnice/uchwaly/{resolution.public_id}/",
    ]
