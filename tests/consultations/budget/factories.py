"""Factories for the participatory budget and referenda tests."""

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.validators import pesel_check_digit
from consultations.budget.models import Edition, Pool, PoolKind, Project, ProjectStatus
from districts.models import District
from tests.accounts.factories import UserFactory

_serial = itertools.count(1)


def make_pesel() -> str:
    """A valid, unique PESEL (born 1980-1999, serial from a counter)."""
    n = next(_serial)
    year = 80 + (n // 9000) % 20
    serial = n % 9000 + 1000
    first_ten = f"{year:02d}0101{serial:04d}"
    return first_ten + str(pesel_check_digit(first_ten))


def district(number: int = 1) -> District:
    return District.objects.get(number=number)


def resident(*, district_number: int = 1, **extra: Any) -> Any:
    """A verified resident of Kraków with a PESEL on the profile."""
    return UserFactory(
        pesel=make_pesel(),
        district=district(district_number),
        resident_verified_at=timezone.now(),
        **extra,
    )


def clerk(*perms: str) -> Any:
    """A staff user holding the given ``app_label.codename`` permissions (none: without)."""
    user = UserFactory(is_staff=True)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def edition(*, phase: str = "voting", year: int | None = None, **extra: Any) -> Edition:
    """An edition whose schedule puts ``now`` in ``phase`` (submission, voting, closed)."""
    now = timezone.now()
    day = timedelta(days=1)
    if phase == "submission":
        start = now - day
    elif phase == "voting":
        start = now - 10 * day
    else:  # closed: voting ended yesterday
        start = now - 20 * day
    schedule = {
        "submission_start": start,
        "submission_end": start + 2 * day,
        "verification_end": start + 3 * day,
        "appeals_end": start + 4 * day,
        "voting_start": start + 5 * day if phase != "voting" else now - day,
        "voting_end": start + 15 * day if phase != "closed" else now - day,
        "results_date": start + 30 * day,
    }
    if phase == "voting":
        schedule.update(
            submission_start=now - 10 * day,
            submission_end=now - 8 * day,
            verification_end=now - 6 * day,
            appeals_end=now - 4 * day,
            voting_start=now - day,
            voting_end=now + 5 * day,
            results_date=now + 10 * day,
        )
    if year is None:
        year = 2000 + next(_serial) % 900
    return Edition.objects.create(
        year=year,
        title=f"Budżet Obywatelski {year}",
        is_published=True,
        **{**schedule, **extra},
    )


def pool(*, edition: Edition, district_number: int | None = None, **extra: Any) -> Pool:
    return Pool.objects.create(
        edition=edition,
        kind=PoolKind.DISTRICT if district_number else PoolKind.CITY,
        district=district(district_number) if district_number else None,
        amount=extra.pop("amount", Decimal("1000000.00")),
        **extra,
    )


def project(*, pool: Pool, cost: str = "100000.00", **extra: Any) -> Project:
    number = extra.pop("number", None) or (pool.projects.count() + 1)
    return Project.objects.create(
        pool=pool,
        number=number,
        title=extra.pop("title", f"Projekt {number}"),
        description=extra.pop("description", "Opis projektu"),
        location=extra.pop("location", "ul. Floriańska"),
        cost=Decimal(cost),
        status=extra.pop("status", ProjectStatus.ACCEPTED),
        **extra,
    )
