"""Demo data for the district councils (every figure here is labelled DEMO).

The district table itself (names, areas, residents 2019) is real and loaded by migration; the
plan amounts, the city-owned land areas, council seats' addresses and members are invented.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.actions import role_grant
from accounts.models import Department, Role, User
from districts import actions
from districts.models import (
    CouncilMember,
    CouncilOffice,
    CouncilSession,
    District,
    Resolution,
)

DEMO_PASSWORD = "demo-Krakow-2026"  # noqa: S105 — printed for local demo logins only
# DEMO amounts: the 2024 base and a plan reaching twice the base in 2029.
PLAN = {
    2024: Decimal("60000000.00"),
    2025: Decimal("70000000.00"),
    2026: Decimal("82000000.00"),
    2027: Decimal("95000000.00"),
    2028: Decimal("108000000.00"),
    2029: Decimal("121000000.00"),
}


def _land_area(district: District) -> Decimal:
    # DEMO: city-owned land taken as a share of the district's area that falls with density.
    share = Decimal("0.45") if district.number >= 9 else Decimal("0.25")
    return (district.area_km2 * 100 * share).quantize(Decimal("0.0001"))


def _user(email: str, first: str, last: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "is_staff": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, log: Callable[[str], object]) -> None:
    for year, total in PLAN.items():
        actions.funds_plan_set(year=year, total=total, acting_user=None)
        for district in District.objects.all():
            actions.district_input_set(
                district=district,
                year=year,
                residents=district.population + (year - 2024) * 50 * district.number,
                land_area=_land_area(district),
                is_demo=True,
                acting_user=None,
            )
        actions.allocations_compute(year=year, acting_user=None)
    log(f"  districts: DEMO funds plan {min(PLAN)}–{max(PLAN)} split among the 18 districts")

    for district in District.objects.all():
        CouncilOffice.objects.get_or_create(
            district=district,
            defaults={
                "seat_address": f"[DEMO] ul. Przykładowa {district.number}, Kraków",
                "office_hours": "[DEMO] poniedziałek 17:00–19:00",
                "email": f"rada{district.number}@demo.krakow.example",
                "is_demo": True,
            },
        )
        if not CouncilSession.objects.filter(district=district, is_demo=True).exists():
            day = timezone.localdate() + timedelta(days=7 + district.number)
            CouncilSession.objects.create(
                district=district,
                number="XV",
                starts_at=timezone.make_aware(datetime.combine(day, time(17, 30))),
                place=f"[DEMO] ul. Przykładowa {district.number}, sala obrad",
                agenda="[DEMO] 1. Otwarcie sesji. 2. Uchwała w sprawie zadań na przyszły rok.",
                is_demo=True,
            )
        for function, name in [("chair", "Przewodniczący"), ("deputy_chair", "Wiceprzewodnicząca")]:
            CouncilMember.objects.get_or_create(
                district=district,
                full_name=f"{name} Rady {district.roman} (DEMO)",
                term_start=date(2024, 5, 1),
                defaults={"function": function, "term_end": date(2029, 4, 30), "is_demo": True},
            )

    member = _user("radny@demo.krakow.example", "Piotr", "Radny (DEMO)")
    district = District.objects.get(number=12)
    role_grant(user=member, role=Role.COUNCIL_MEMBER, district_id=district.pk, acting_user=None)
    department, _ = Department.objects.get_or_create(
        code="wrd", defaults={"name": "Wydział ds. Rad Dzielnic (DEMO)"}
    )
    reviewer = _user("rady-dzielnic@demo.krakow.example", "Ewa", "Urzędniczka (DEMO)", staff=True)
    role_grant(user=reviewer, role=Role.CLERK, department=department, acting_user=None)
    for codename in ("review_resolution", "override_deadline", "change_resolutiontask"):
        reviewer.user_permissions.add(
            Permission.objects.get(content_type__app_label="districts", codename=codename)
        )
    year = timezone.localdate().year + 1
    if not Resolution.objects.filter(district=district, year=year).exists():
        today = timezone.localdate()
        resolution = actions.resolution_draft_create(
            district=district,
            year=year,
            number=f"XII/100/{today.year}",
            adopted_on=today,
            acting_user=member,
        )
        funds = actions.district_allocation(district_id=district.pk, year=year) or Decimal(0)
        for title, category, share, unit in [
            (
                "[DEMO] Remont chodnika przy ul. Teligi",
                "repairs_small_infrastructure",
                "0.72",
                "ZDMK",
            ),
            ("[DEMO] Zajęcia dla osób z niepełnosprawnościami", "disability", "0.06", "MOPS"),
            ("[DEMO] Festyn dzielnicowy", "culture", "0.05", "Centrum Kultury Podgórza"),
        ]:
            actions.resolution_task_add(
                resolution=resolution,
                title=title,
                category=category,
                amount=(funds * Decimal(share)).quantize(Decimal("0.01")),
                implementing_unit=unit,
                acting_user=member,
            )
        actions.resolution_file(resolution=resolution, acting_user=member)
    log(f"  demo council member (XII): radny@demo.krakow.example / {DEMO_PASSWORD}")
    log(f"  demo district clerk: rady-dzielnic@demo.krakow.example / {DEMO_PASSWORD}")
