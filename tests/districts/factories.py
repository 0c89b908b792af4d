"""Building blocks for district tests: funded years, council members, clerks, resolutions."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import Department, Role
from districts import actions
from districts.models import District, Resolution, TaskCategory
from tests.accounts.factories import UserFactory

BASE_TOTAL = Decimal("12000000.00")


def budget_year() -> int:
    """A year whose filing deadline (31 March) is still ahead, whatever today is."""
    return timezone.localdate().year + 1


def land_area(district: District) -> Decimal:
    # City-owned land: a fixed, deterministic share of each district's area (in ha).
    return (district.area_km2 * 100 * Decimal("0.3") + district.number).quantize(Decimal("0.0001"))


def fund(year: int, total: Decimal) -> None:
    """Plan, inputs and allocations for ``year`` (and the 2024 base when missing)."""
    if year != 2024 and not actions.Allocation.objects.filter(year=2024).exists():
        fund(2024, BASE_TOTAL)
    actions.funds_plan_set(year=year, total=total, acting_user=None)
    for district in District.objects.all():
        actions.district_input_set(
            district=district,
            year=year,
            residents=district.population + (year - 2024) * 100,
            land_area=land_area(district),
            acting_user=None,
        )
    actions.allocations_compute(year=year, acting_user=None)


def member_of(district: District, **kwargs):  # type: ignore[no-untyped-def]
    user = UserFactory(**kwargs)
    actions_role_grant(user, Role.COUNCIL_MEMBER, district_id=district.pk)
    return user


def actions_role_grant(user, role, **scope):  # type: ignore[no-untyped-def]
    from accounts.actions import role_grant

    return role_grant(user=user, role=role, acting_user=None, **scope)


def clerk(*perms: str):  # type: ignore[no-untyped-def]
    """A clerk of the districts department with the given ``districts.*`` permissions."""
    user = UserFactory()
    department, _ = Department.objects.get_or_create(
        code="wrd", defaults={"name": "Wydział ds. Rad Dzielnic"}
    )
    actions_role_grant(user, Role.CLERK, department=department)
    for codename in perms:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="districts", codename=codename)
        )
    return type(user).objects.get(pk=user.pk)  # drop the permission cache


def draft(district: District, member, year: int, *, compliant: bool = True) -> Resolution:  # type: ignore[no-untyped-def]
    """A draft with tasks: 75% repairs, 6% disability, 10% culture (or 50/0/10 when not)."""
    today = timezone.localdate()
    resolution = actions.resolution_draft_create(
        district=district,
        year=year,
        number=f"XII/12{district.number}/{today.year}",
        adopted_on=today,
        acting_user=member,
    )
    funds = actions.district_allocation(district_id=district.pk, year=year)
    assert funds is not None
    shares = (
        [("repairs_small_infrastructure", "0.75"), ("disability", "0.06"), ("culture", "0.10")]
        if compliant
        else [("repairs_small_infrastructure", "0.50"), ("culture", "0.10")]
    )
    for category, share in shares:
        actions.resolution_task_add(
            resolution=resolution,
            title=f"Zadanie {TaskCategory(category).label}",
            category=category,
            amount=(funds * Decimal(share)).quantize(Decimal("0.01")),
            implementing_unit="Zarząd Dróg Miasta Krakowa",
            acting_user=member,
        )
    return resolution


def on(day: date):  # type: ignore[no-untyped-def]
    """A timezone-aware noon on ``day`` (for filing at a chosen date)."""
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time(12)))
