"""Demo accounts for `make run`: a resident, a clerk, an assistant; trainings (all labelled)."""

from collections.abc import Callable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.actions import role_grant
from accounts.models import Role, TrainingSession, User

DEMO_PASSWORD = "demo-Krakow-2026"  # noqa: S105 — printed for local demo logins only
DEMO_USERS = [
    {
        "email": "mieszkaniec@demo.krakow.example",
        "first_name": "Anna",
        "last_name": "Nowak (DEMO)",
        "is_staff": False,
    },
    {
        "email": "urzednik@demo.krakow.example",
        "first_name": "Jan",
        "last_name": "Kowalski (DEMO)",
        "is_staff": True,
    },
    {
        "email": "asystent@demo.krakow.example",
        "first_name": "Maria",
        "last_name": "Wiśniewska (DEMO)",
        "is_staff": False,
    },
]
DEMO_TRAININGS = [
    ("[DEMO] Bezpieczne konto w internecie", "Centrum Obywatelskie, ul. Reformacka 3", 7, 12),
    ("[DEMO] Sprawy urzędowe przez telefon", "Biblioteka Kraków, ul. Powroźnicza 2", 14, 10),
    ("[DEMO] Wideorozmowy z rodziną", "Klub Seniora, os. Centrum E 1", 21, 8),
]


def seed(*, log: Callable[[str], object]) -> None:
    for data in DEMO_USERS:
        user, created = User.objects.get_or_create(email=data["email"], defaults=data)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        role = "clerk" if user.is_staff else "resident"
        if user.email.startswith("asystent@"):
            role_grant(user=user, role=Role.ASSISTANT, acting_user=None)
            role = "assistant"
        log(f"  demo {role}: {user.email} / {DEMO_PASSWORD}")
    for title, place, in_days, seats in DEMO_TRAININGS:
        TrainingSession.objects.get_or_create(
            title=title,
            defaults={
                "place": place,
                "starts_at": (timezone.now() + timedelta(days=in_days)).replace(
                    hour=10, minute=0, second=0, microsecond=0
                ),
                "seats": seats,
            },
        )
    log(f"  demo trainings: {len(DEMO_TRAININGS)}")
