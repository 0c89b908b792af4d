"""Demo accounts for `make run`: a resident and a clerk (labelled as demo)."""

from collections.abc import Callable

from allauth.account.models import EmailAddress

from accounts.models import User

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
        log(f"  demo {role}: {user.email} / {DEMO_PASSWORD}")
