"""Demo participatory budget (labelled DEMO): an edition in voting and a past one with results."""

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import User
from accounts.validators import pesel_check_digit
from consultations.budget import actions
from consultations.budget.models import Edition, Pool, PoolKind, Project, ProjectStatus
from districts.models import District

TITLES = [
    "Zielone podwórko przy szkole",
    "Ławki i cień na bulwarach",
    "Bezpieczne przejście dla pieszych",
    "Stojaki rowerowe przy bibliotece",
    "Plac zabaw dostępny dla wszystkich",
    "Ogród deszczowy na osiedlu",
]


def _demo_clerk() -> User:
    clerk, _created = User.objects.get_or_create(
        email="urzednik-bo@demo.krakow.example",
        defaults={"first_name": "Ewa", "last_name": "Budżetowa (DEMO)", "is_staff": True},
    )
    for codename in ("enter_paper_ballot", "publish_results", "verify_project"):
        clerk.user_permissions.add(
            Permission.objects.get(content_type__app_label="budget", codename=codename)
        )
    return User.objects.get(pk=clerk.pk)


def _edition(year: int, start: "timezone.datetime", voting_closed: bool) -> Edition:
    day = timedelta(days=1)
    if voting_closed:
        schedule = {
            "submission_start": start,
            "submission_end": start + 30 * day,
            "verification_end": start + 60 * day,
            "appeals_end": start + 70 * day,
            "voting_start": start + 80 * day,
            "voting_end": start + 95 * day,
            "results_date": start + 100 * day,
        }
    else:
        now = timezone.now()
        schedule = {
            "submission_start": now - 100 * day,
            "submission_end": now - 70 * day,
            "verification_end": now - 40 * day,
            "appeals_end": now - 30 * day,
            "voting_start": now - 2 * day,
            "voting_end": now + 12 * day,
            "results_date": now + 20 * day,
        }
    edition, _created = Edition.objects.get_or_create(
        year=year,
        defaults={"title": f"Budżet Obywatelski {year} (DEMO)", "is_published": True, **schedule},
    )
    return edition


def _pools(edition: Edition) -> list[Pool]:
    pools = []
    city, _c = Pool.objects.get_or_create(
        edition=edition,
        kind=PoolKind.CITY,
        district=None,
        defaults={"amount": Decimal("1500000.00")},
    )
    pools.append(city)
    for district in District.objects.filter(number__in=[1, 2]):
        pool, _c = Pool.objects.get_or_create(
            edition=edition,
            kind=PoolKind.DISTRICT,
            district=district,
            defaults={"amount": Decimal("400000.00"), "rule": "mes-add1"},
        )
        pools.append(pool)
    for pool in pools:
        for number, title in enumerate(TITLES, start=1):
            Project.objects.get_or_create(
                pool=pool,
                number=number,
                defaults={
                    "title": f"{title} [DEMO]",
                    "description": "Projekt demonstracyjny (DEMO).",
                    "location": pool.district.name if pool.district else "Kraków",
                    "cost": Decimal(pool.amount) * Decimal(number % 4 + 1) / 8,
                    "status": ProjectStatus.ACCEPTED,
                },
            )
    return pools


def _pesel(n: int) -> str:
    first_ten = f"7501{(n // 10000) % 28 + 1:02d}{n % 10000:04d}"
    return first_ten + str(pesel_check_digit(first_ten))


def seed(*, log: Callable[[str], object]) -> None:
    now = timezone.now()
    clerk = _demo_clerk()
    _pools(_edition(now.year + 1, now, voting_closed=False))
    past = _edition(now.year - 1, now - timedelta(days=400), voting_closed=True)
    pools = _pools(past)
    rng = random.Random(2024)  # noqa: S311 - demo data, not security
    if not past.register.exists():
        for n in range(120):
            for pool in (pools[0], pools[1 + n % 2]):
                projects = list(pool.projects.order_by("number"))
                actions.paper_ballot_enter(
                    pool=pool,
                    pesel=_pesel(n),
                    projects=rng.sample(projects, rng.randint(1, 3)),
                    acting_user=clerk,
                )
    for pool in pools:
        result = actions.pool_results_compute(pool=pool)
        if result.status != "published":
            actions.pool_results_publish(result=result, acting_user=clerk)
    log(f"  budget: editions {now.year - 1} (results) and {now.year + 1} (voting) [DEMO]")
