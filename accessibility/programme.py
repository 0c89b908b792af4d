"""The accessibility programme's real cases ("Miasto bliżej mieszkańców", progress report):
loaded by a data migration and again by tests after a transactional flush.

Facts only as the programme states them: where it names no address, no date or no cost, the
record leaves the field empty rather than inventing one. Takes the model classes so that the
migration can pass its historical models.
"""

from datetime import date
from typing import Any

SOURCE = "Program „Miasto bliżej mieszkańców”, stopień realizacji zadania"

BUILDINGS: list[dict[str, Any]] = [
    {
        "slug": "powstania-warszawskiego-10",
        "name": "Urząd Miasta Krakowa, ul. Powstania Warszawskiego 10",
        "address": "ul. Powstania Warszawskiego 10, Kraków",
        "functions": "Budynek Urzędu Miasta Krakowa — obsługa mieszkańców",
        "audit_state": "audited",
        "summary": "Trwa dostosowywanie toalet dla osób z niepełnosprawnościami.",
        "barrier": (
            "toilet",
            "Brak toalety dostosowanej do potrzeb osób z niepełnosprawnościami.",
            "high",
        ),
        "task": ("Dostosowanie toalet dla osób z niepełnosprawnościami", "in_progress", "", None),
    },
    {
        "slug": "kasprowicza-29",
        "name": "Urząd Miasta Krakowa, ul. Kasprowicza 29",
        "address": "ul. Kasprowicza 29, Kraków",
        "functions": "Budynek Urzędu Miasta Krakowa — obsługa mieszkańców",
        "audit_state": "audited",
        "summary": "Trwa dostosowywanie toalet dla osób z niepełnosprawnościami.",
        "barrier": (
            "toilet",
            "Brak toalety dostosowanej do potrzeb osób z niepełnosprawnościami.",
            "high",
        ),
        "task": ("Dostosowanie toalet dla osób z niepełnosprawnościami", "in_progress", "", None),
    },
    {
        "slug": "rada-dzielnicy-xii",
        "name": "Siedziba Rady Dzielnicy XII Bieżanów-Prokocim",
        "address": "",
        "district": 12,
        "functions": "Siedziba rady dzielnicy, dyżury radnych",
        "audit_state": "audited",
        "summary": "Prace modernizacyjne ruszą w połowie roku.",
        "barrier": ("step_free", "Budynek wymaga modernizacji w zakresie dostępności.", "high"),
        "task": ("Modernizacja siedziby rady dzielnicy", "planned", "", date(2025, 7, 1)),
    },
    {
        "slug": "rada-dzielnicy-x",
        "name": "Siedziba Rady Dzielnicy X Swoszowice",
        "address": "",
        "district": 10,
        "functions": "Siedziba rady dzielnicy, dyżury radnych",
        "audit_state": "audited",
        "summary": "Trwają przygotowania do zmiany planu miejscowego, by możliwa była "
        "rozbudowa budynku i montaż windy.",
        "barrier": ("step_free", "Brak windy — kondygnacje niedostępne bez schodów.", "critical"),
        "task": ("Rozbudowa budynku i montaż windy", "blocked", "local_plan", None),
    },
    {
        "slug": "pl-wszystkich-swietych-3-4",
        "name": "Urząd Miasta Krakowa, pl. Wszystkich Świętych 3–4 (Pałac Wielopolskich)",
        "address": "pl. Wszystkich Świętych 3–4, 31-004 Kraków",
        "functions": "Siedziba Prezydenta Miasta i Rady Miasta Krakowa",
        "heritage_protected": True,
        "audit_state": "audited",
        "summary": "Rozpoczęto konsultacje z Wojewódzkim Urzędem Ochrony Zabytków ws. montażu "
        "windy w zabytkowym budynku.",
        "barrier": ("step_free", "Brak windy w zabytkowym budynku.", "critical"),
        "task": ("Montaż windy", "blocked", "heritage", None),
    },
]

#: "Dla czterech nowych budynków pozyskanych po 2020 roku planujemy wykonanie audytu
#: dostępności. Ustalany jest harmonogram" — the programme does not name them.
NEW_BUILDINGS = 4


def load(*, Building: Any, Barrier: Any, RemediationTask: Any, District: Any) -> None:  # noqa: N803
    """Create the programme's buildings, barriers and tasks unless they exist (idempotent)."""
    for row in BUILDINGS:
        row = dict(row)
        barrier_row = row.pop("barrier")
        task_row = row.pop("task")
        district_number = row.pop("district", None)
        district = (
            District.objects.filter(number=district_number).first() if district_number else None
        )
        building, created = Building.objects.get_or_create(
            slug=row.pop("slug"), defaults={**row, "district": district}
        )
        if not created:
            continue
        requirement, description, severity = barrier_row
        barrier = Barrier.objects.create(
            building=building, requirement=requirement, description=description, severity=severity
        )
        title, status, blocker, start = task_row
        RemediationTask.objects.create(
            barrier=barrier,
            title=title,
            status=status,
            blocker=blocker,
            planned_start=start,
            notes=SOURCE,
        )
    for number in range(1, NEW_BUILDINGS + 1):
        Building.objects.get_or_create(
            slug=f"budynek-pozyskany-po-2020-{number}",
            defaults={
                "name": f"Budynek pozyskany po 2020 r. ({number} z {NEW_BUILDINGS})",
                "address": "",
                "audit_state": "scheduled",
                "summary": "Planowany audyt dostępności; ustalany jest harmonogram.",
            },
        )


def load_bip(*, Website: Any, DigitalAudit: Any) -> None:  # noqa: N803
    """The BIP audit funded in 2025 ("przeznaczymy środki na audyt dostępności BIP")."""
    website, _created = Website.objects.get_or_create(
        slug="bip",
        defaults={
            "name": "Biuletyn Informacji Publicznej Miasta Krakowa",
            "url": "https://www.bip.krakow.pl/",
            "kind": "website",
        },
    )
    DigitalAudit.objects.get_or_create(
        website=website,
        year=2025,
        defaults={
            "status": "planned",
            "summary": "Środki przeznaczone na audyt dostępności BIP w 2025 roku.",
        },
    )


def load_statement(*, Statement: Any) -> None:  # noqa: N803
    # The data migration passes the historical model (which still had the e-mail, phone and
    # assessment columns); later code passes today's model: give each only its own fields.
    fields = {field.name for field in Statement._meta.get_fields()}
    defaults = {
        "entity": "Gmina Miejska Kraków — Urząd Miasta Krakowa",
        "site_url": "https://portal.krakow.example/",
        "published_on": date(2026, 1, 1),
        "updated_on": date(2026, 1, 1),
        "status": "partial",
        "non_compliance": "",
        "prepared_on": date(2026, 1, 1),
        "reviewed_on": date(2026, 1, 1),
        "assessment": "samoocena przeprowadzona przez podmiot publiczny",
        "auditor": "",
        "contact_person": "Koordynator do spraw dostępności",
        "email": "dostepnosc@krakow.example",
        "phone": "+48 12 000 00 00",
    }
    Statement.objects.get_or_create(
        pk=1, defaults={name: value for name, value in defaults.items() if name in fields}
    )


def load_all(*, get_model: Any) -> None:
    load(
        Building=get_model("accessibility", "Building"),
        Barrier=get_model("accessibility", "Barrier"),
        RemediationTask=get_model("accessibility", "RemediationTask"),
        District=get_model("districts", "District"),
    )
    load_bip(
        Website=get_model("accessibility", "Website"),
        DigitalAudit=get_model("accessibility", "DigitalAudit"),
    )
    load_statement(Statement=get_model("accessibility", "Statement"))
