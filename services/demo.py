"""Demo data for e-services: a labelled taxpayer account for the demo resident, the demo
clerk made a clerk of the environment department (the animal service) and a (DEMO) letter
template for mass correspondence. The shipped services themselves are real and come from
migration 0002; only their lists of flats and clinics are (DEMO) examples (services/reference.py)."""

from collections.abc import Callable

from accounts.actions import role_grant
from accounts.models import Department, Role, User
from services.actions import services_load_reference, tax_records_load

DEMO_RESIDENT = "mieszkaniec@demo.krakow.example"
DEMO_CLERK = "urzednik@demo.krakow.example"


def seed(*, log: Callable[[str], object]) -> None:
    services_load_reference()
    resident = User.objects.filter(email=DEMO_RESIDENT).first()
    clerk = User.objects.filter(email=DEMO_CLERK).first()
    if clerk is not None:
        role_grant(
            user=clerk,
            role=Role.CLERK,
            acting_user=None,
            department=Department.objects.get(code="ks"),
        )
        log("services: demo clerk handles the environment department (ks)")
        from services.models import LetterTemplate

        LetterTemplate.objects.get_or_create(
            department=Department.objects.get(code="ks"),
            name="(DEMO) Informacja o sprawie",
            defaults={
                "subject": "(DEMO) Informacja o sprawie $numer_sprawy",
                "body": "Szanowna Pani / Szanowny Panie $imie_nazwisko,\n\n"
                "uprzejmie informujemy, że sprawa $numer_sprawy ($usluga) jest w toku.\n\n"
                "To pismo demonstracyjne (DEMO).",
                "signature": "(DEMO) Wydział Kształtowania Środowiska",
            },
        )
        log("services: (DEMO) letter template for mass correspondence")
    if resident is None or clerk is None:
        log("services: demo users missing (accounts.demo runs first); no tax data")
        return
    tax_records_load(
        payload={
            "accounts": [{"id": "DEMO-FK-1", "resident": resident.public_id}],
            "liabilities": [
                {
                    "id": "DEMO-NAL-1",
                    "account": "DEMO-FK-1",
                    "kind": "property",
                    "year": 2026,
                    "description": "[DEMO] ul. Przykładowa 1",
                    "instalments": [
                        {"number": 1, "due_date": "2026-03-15", "amount": "120.00"},
                        {"number": 2, "due_date": "2026-05-15", "amount": "120.00"},
                        {"number": 3, "due_date": "2026-09-15", "amount": "120.00"},
                        {"number": 4, "due_date": "2026-11-15", "amount": "120.00"},
                    ],
                },
                {
                    "id": "DEMO-NAL-2",
                    "account": "DEMO-FK-1",
                    "kind": "waste",
                    "year": 2026,
                    "description": "[DEMO]",
                    "instalments": [{"number": 1, "due_date": "2026-03-31", "amount": "432.00"}],
                },
            ],
            "payments": [
                {
                    "id": "DEMO-WP-1",
                    "account": "DEMO-FK-1",
                    "paid_on": "2026-03-10",
                    "amount": "240.00",
                }
            ],
        },
        acting_user=clerk,
    )
    log("services: [DEMO] taxpayer account DEMO-FK-1 for the demo resident")
