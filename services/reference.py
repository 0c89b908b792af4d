"""The services shipped with the portal (real services, loaded by migration 0002) and offices.

Plain data only. Form definitions follow services/formschema.py.
"""

from __future__ import annotations

from typing import Any


def t(pl: str, en: str) -> dict[str, str]:
    return {"pl": pl, "en": en}


def choice(value: str, pl: str, en: str) -> dict[str, Any]:
    return {"value": value, "label": t(pl, en)}


#: The departments the shipped services are assigned to. ``code`` is the portal's own short
#: code (the prefix of case numbers, e.g. MS/2026/000001), NOT the office's official
#: department symbol, which could not be confirmed from a public source here; the e-mail
#: address is left empty for the same reason. Clerks correct both in the admin.
DEPARTMENTS: list[dict[str, str]] = [
    {"code": "ms", "name": "Wydział Mieszkalnictwa", "email": ""},
    {"code": "ks", "name": "Wydział Kształtowania Środowiska", "email": ""},
    {"code": "om", "name": "Wydział Obsługi Mieszkańców", "email": ""},
]

_APPLICANT_FIELDS: list[dict[str, Any]] = [
    {
        "key": "first_name",
        "type": "text",
        "label": t("Imię", "First name"),
        "required": True,
        "max_length": 100,
    },
    {
        "key": "last_name",
        "type": "text",
        "label": t("Nazwisko", "Last name"),
        "required": True,
        "max_length": 100,
    },
    {"key": "pesel", "type": "pesel", "label": t("PESEL", "PESEL number"), "required": True},
    {
        "key": "address",
        "type": "address",
        "label": t("Adres zamieszkania", "Home address"),
        "required": True,
        "max_length": 300,
    },
    {
        "key": "postal_code",
        "type": "postal_code",
        "label": t("Kod pocztowy", "Postal code"),
        "required": True,
        "help": t("Na przykład 31-004.", "For example 31-004."),
    },
    {"key": "phone", "type": "phone", "label": t("Telefon", "Phone"), "required": False},
    {"key": "email", "type": "email", "label": t("E-mail", "E-mail"), "required": True},
]

FLAT_FOR_RENOVATION: dict[str, Any] = {
    "sections": [
        {"key": "applicant", "legend": t("Wnioskodawca", "Applicant"), "fields": _APPLICANT_FIELDS},
        {
            "key": "household",
            "legend": t("Członek gospodarstwa domowego", "Household member"),
            "repeat": {"min": 0, "max": 8},
            "fields": [
                {
                    "key": "name",
                    "type": "text",
                    "label": t("Imię i nazwisko", "Full name"),
                    "required": True,
                    "max_length": 200,
                },
                {
                    "key": "relation",
                    "type": "choice",
                    "label": t("Pokrewieństwo", "Relationship"),
                    "required": True,
                    "choices": [
                        choice("spouse", "małżonek / partner", "spouse / partner"),
                        choice("child", "dziecko", "child"),
                        choice("parent", "rodzic", "parent"),
                        choice("other", "inna osoba", "other person"),
                    ],
                },
                {
                    "key": "birth_date",
                    "type": "date",
                    "label": t("Data urodzenia", "Date of birth"),
                    "required": True,
                },
            ],
        },
        {
            "key": "income",
            "legend": t("Dochody gospodarstwa domowego", "Household income"),
            "fields": [
                {
                    "key": "monthly_income",
                    "type": "number",
                    "label": t(
                        "Średni miesięczny dochód gospodarstwa (zł)",
                        "Average monthly household income (PLN)",
                    ),
                    "help": t(
                        "Średnia z 3 miesięcy przed złożeniem wniosku, netto.",
                        "The net average of the 3 months before applying.",
                    ),
                    "required": True,
                    "min": 0,
                    "max": 1000000,
                },
                {
                    "key": "persons",
                    "type": "number",
                    "label": t("Liczba osób w gospodarstwie", "Number of people in the household"),
                    "required": True,
                    "min": 1,
                    "max": 20,
                },
            ],
        },
        {
            "key": "flat",
            "legend": t("Wybrany lokal", "Chosen flat"),
            "fields": [
                {
                    "key": "choice",
                    "type": "choice",
                    "label": t(
                        "Lokal z aktualnej listy ofert", "Flat from the current list of offers"
                    ),
                    "required": True,
                    "help": t(
                        "Przykładowe oferty (DEMO): aktualną listę lokali do remontu wprowadza "
                        "Wydział Mieszkalnictwa w edytorze formularza (nowa wersja).",
                        "Example offers (DEMO): the Housing Department enters the current list "
                        "of flats for renovation in the form editor (a new version).",
                    ),
                    "choices": [
                        choice(
                            "oferta-1",
                            "(DEMO) Oferta 1 — Stare Miasto, 2 pokoje, 41 m²",
                            "(DEMO) Offer 1 — Stare Miasto, 2 rooms, 41 m²",
                        ),
                        choice(
                            "oferta-2",
                            "(DEMO) Oferta 2 — Podgórze, 1 pokój, 29 m²",
                            "(DEMO) Offer 2 — Podgórze, 1 room, 29 m²",
                        ),
                        choice(
                            "oferta-3",
                            "(DEMO) Oferta 3 — Nowa Huta, 3 pokoje, 58 m²",
                            "(DEMO) Offer 3 — Nowa Huta, 3 rooms, 58 m²",
                        ),
                        choice(
                            "oferta-4",
                            "(DEMO) Oferta 4 — Grzegórzki, 2 pokoje, 47 m²",
                            "(DEMO) Offer 4 — Grzegórzki, 2 rooms, 47 m²",
                        ),
                        choice(
                            "oferta-5",
                            "(DEMO) Oferta 5 — Krowodrza, 1 pokój, 33 m²",
                            "(DEMO) Offer 5 — Krowodrza, 1 room, 33 m²",
                        ),
                        choice(
                            "oferta-6",
                            "(DEMO) Oferta 6 — Dębniki, 2 pokoje, 44 m²",
                            "(DEMO) Offer 6 — Dębniki, 2 rooms, 44 m²",
                        ),
                    ],
                },
            ],
        },
        {
            "key": "declarations",
            "legend": t("Oświadczenia", "Declarations"),
            "fields": [
                {
                    "key": "no_other_flat",
                    "type": "checkbox",
                    "required": True,
                    "label": t(
                        "Oświadczam, że nie mam tytułu prawnego do innego lokalu mieszkalnego.",
                        "I declare that I hold no legal title to another flat.",
                    ),
                },
                {
                    "key": "renovate_own_cost",
                    "type": "checkbox",
                    "required": True,
                    "label": t(
                        "Zobowiązuję się wyremontować lokal na własny koszt.",
                        "I undertake to renovate the flat at my own cost.",
                    ),
                },
                {
                    "key": "truthful",
                    "type": "checkbox",
                    "required": True,
                    "label": t(
                        "Oświadczam, że dane we wniosku są zgodne z prawdą.",
                        "I declare that the data in this application is true.",
                    ),
                },
            ],
        },
        {
            "key": "attachments",
            "legend": t("Załączniki", "Attachments"),
            "fields": [
                {
                    "key": "income_statement",
                    "type": "file",
                    "required": False,
                    "max_size_mb": 10,
                    "label": t(
                        "Zaświadczenie o dochodach (PDF, PNG lub JPEG)",
                        "Income certificate (PDF, PNG or JPEG)",
                    ),
                    "help": t(
                        "Możesz je też donieść osobiście.", "You may also bring it in person."
                    ),
                },
            ],
        },
    ]
}

ANIMAL_STERILISATION: dict[str, Any] = {
    "sections": [
        {
            "key": "owner",
            "legend": t("Właściciel zwierzęcia", "Owner of the animal"),
            "fields": _APPLICANT_FIELDS,
        },
        {
            "key": "animal",
            "legend": t("Zwierzę", "Animal"),
            "fields": [
                {
                    "key": "species",
                    "type": "choice",
                    "label": t("Gatunek", "Species"),
                    "required": True,
                    "choices": [choice("cat", "kot", "cat"), choice("dog", "pies", "dog")],
                },
                {
                    "key": "sex",
                    "type": "choice",
                    "label": t("Płeć", "Sex"),
                    "required": True,
                    "choices": [
                        choice("female", "samica (sterylizacja)", "female (spaying)"),
                        choice("male", "samiec (kastracja)", "male (neutering)"),
                    ],
                },
                {
                    "key": "age_years",
                    "type": "number",
                    "label": t("Wiek (lata)", "Age (years)"),
                    "required": True,
                    "min": 0,
                    "max": 30,
                },
                {
                    "key": "has_chip",
                    "type": "checkbox",
                    "label": t(
                        "Zwierzę jest już zaczipowane", "The animal already has a microchip"
                    ),
                },
                {
                    "key": "chip_number",
                    "type": "text",
                    "required": True,
                    "label": t("Numer czipa", "Microchip number"),
                    "help": t(
                        "15 cyfr, z książeczki zdrowia.", "15 digits, from the health booklet."
                    ),
                    "pattern": "^[0-9]{15}$",
                    "show_if": {"field": "has_chip", "equals": True},
                },
                {
                    "key": "clinic",
                    "type": "choice",
                    "required": True,
                    "label": t("Lecznica weterynaryjna", "Veterinary clinic"),
                    "help": t(
                        "Schronisko przy ul. Rybnej 3 przyjmuje zwierzęta w programie; "
                        "pozycje (DEMO) są przykładowe: lecznice z umową z miastem wprowadza "
                        "Wydział Kształtowania Środowiska w edytorze formularza.",
                        "The shelter at ul. Rybna 3 takes part in the programme; the (DEMO) "
                        "entries are examples: the Environment Department enters the clinics "
                        "under contract with the city in the form editor.",
                    ),
                    "choices": [
                        choice(
                            "lecznica-krowodrza",
                            "(DEMO) Lecznica — Krowodrza",
                            "(DEMO) Clinic — Krowodrza",
                        ),
                        choice(
                            "lecznica-podgorze",
                            "(DEMO) Lecznica — Podgórze",
                            "(DEMO) Clinic — Podgórze",
                        ),
                        choice(
                            "lecznica-nowa-huta",
                            "(DEMO) Lecznica — Nowa Huta",
                            "(DEMO) Clinic — Nowa Huta",
                        ),
                        choice(
                            "lecznica-pradnik",
                            "(DEMO) Lecznica — Prądnik Biały",
                            "(DEMO) Clinic — Prądnik Biały",
                        ),
                        choice(
                            "lecznica-debniki",
                            "(DEMO) Lecznica — Dębniki",
                            "(DEMO) Clinic — Dębniki",
                        ),
                        choice(
                            "schronisko",
                            "Schronisko dla Bezdomnych Zwierząt, ul. Rybna 3",
                            "Animal Shelter, ul. Rybna 3",
                        ),
                    ],
                },
            ],
        },
        {
            "key": "declarations",
            "legend": t("Oświadczenia", "Declarations"),
            "fields": [
                {
                    "key": "resident",
                    "type": "checkbox",
                    "required": True,
                    "label": t(
                        "Oświadczam, że mieszkam w Krakowie, a zwierzę przebywa na terenie "
                        "Krakowa.",
                        "I declare that I live in Kraków and the animal is kept in Kraków.",
                    ),
                },
            ],
        },
    ]
}

GENERAL_LETTER: dict[str, Any] = {
    "sections": [
        {
            "key": "sender",
            "legend": t("Nadawca", "Sender"),
            "fields": [
                {
                    "key": "name",
                    "type": "text",
                    "label": t("Imię i nazwisko", "Full name"),
                    "required": True,
                    "max_length": 200,
                },
                {"key": "email", "type": "email", "label": t("E-mail", "E-mail"), "required": True},
                {
                    "key": "address",
                    "type": "address",
                    "label": t("Adres do korespondencji", "Postal address"),
                    "max_length": 300,
                },
            ],
        },
        {
            "key": "letter",
            "legend": t("Pismo", "Letter"),
            "fields": [
                {
                    "key": "subject",
                    "type": "text",
                    "label": t("Temat", "Subject"),
                    "required": True,
                    "max_length": 200,
                },
                {
                    "key": "body",
                    "type": "textarea",
                    "label": t("Treść", "Text"),
                    "required": True,
                    "min_length": 10,
                    "max_length": 10000,
                },
                {
                    "key": "reply",
                    "type": "choice",
                    "label": t("Odpowiedź", "Reply"),
                    "required": True,
                    "choices": [
                        choice("email", "e-mailem", "by e-mail"),
                        choice("post", "pocztą", "by post"),
                        choice("portal", "w portalu", "on the portal"),
                    ],
                },
                {"key": "attachment", "type": "file", "label": t("Załącznik", "Attachment")},
            ],
        },
    ]
}

SERVICES: list[dict[str, Any]] = [
    {
        "slug": "mieszkanie-za-remont",
        "department": "ms",
        "name": "Mieszkanie za Remont",
        "name_en": "Flat for Renovation",
        "summary": "Najem lokalu z zasobu Gminy Miejskiej Kraków w zamian za jego remont na "
        "własny koszt.",
        "summary_en": "Renting a municipal flat in exchange for renovating it at your own cost.",
        "who_may_apply": "Pełnoletni mieszkańcy Krakowa, którzy nie mają tytułu prawnego do "
        "innego lokalu i spełniają kryterium dochodowe.",
        "who_may_apply_en": "Adult residents of Kraków with no legal title to another flat who "
        "meet the income criterion.",
        "documents": "Zaświadczenie o dochodach z 3 miesięcy; oświadczenia we wniosku.",
        "documents_en": "An income certificate covering 3 months; the declarations in the form.",
        "fee": "0.00",
        "legal_basis": "Ustawa z 21 czerwca 2001 r. o ochronie praw lokatorów, mieszkaniowym "
        "zasobie gminy i o zmianie Kodeksu cywilnego; uchwała Rady Miasta Krakowa w sprawie "
        "zasad wynajmowania lokali wchodzących w skład mieszkaniowego zasobu Gminy Miejskiej "
        "Kraków.",
        "category": "housing",
        "life_situations": ["moving", "family"],
        "channels": ["online", "epuap", "in_person"],
        "complex_case": True,
        "schema": FLAT_FOR_RENOVATION,
    },
    {
        "slug": "sterylizacja-kastracja-czipowanie",
        "department": "ks",
        "name": "Bezpłatna sterylizacja, kastracja i czipowanie psów i kotów",
        "name_en": "Free spaying, neutering and microchipping of cats and dogs",
        "summary": "Zabieg sterylizacji lub kastracji oraz czipowanie psa albo kota w lecznicy "
        "współpracującej z miastem, bez opłat.",
        "summary_en": "Spaying or neutering and microchipping of a dog or cat in a clinic "
        "working with the city, free of charge.",
        "who_may_apply": "Właściciele psów i kotów mieszkający w Krakowie.",
        "who_may_apply_en": "Owners of dogs and cats who live in Kraków.",
        "documents": "Książeczka zdrowia zwierzęcia (okazywana w lecznicy).",
        "documents_en": "The animal's health booklet (shown at the clinic).",
        "fee": "0.00",
        "legal_basis": "Ustawa z 21 sierpnia 1997 r. o ochronie zwierząt, art. 11a; uchwała "
        "Rady Miasta Krakowa w sprawie programu opieki nad zwierzętami bezdomnymi oraz "
        "zapobiegania bezdomności zwierząt.",
        "category": "animals",
        "life_situations": ["pet"],
        "channels": ["online", "in_person"],
        "complex_case": False,
        "schema": ANIMAL_STERILISATION,
    },
    {
        "slug": "pismo-ogolne",
        "department": "om",
        "name": "Pismo ogólne do urzędu",
        "name_en": "General letter to the city office",
        "summary": "Wniosek, pytanie lub informacja w sprawie, dla której nie ma osobnego "
        "formularza.",
        "summary_en": "A request, question or notice on a matter without its own form.",
        "who_may_apply": "Każdy.",
        "who_may_apply_en": "Anyone.",
        "documents": "Brak wymaganych dokumentów.",
        "documents_en": "No documents required.",
        "fee": "0.00",
        "legal_basis": "Kodeks postępowania administracyjnego, art. 63 (podania).",
        "category": "general",
        "life_situations": ["contact"],
        "channels": ["online", "epuap", "post", "in_person"],
        "complex_case": False,
        "schema": GENERAL_LETTER,
    },
]

_WEEKDAYS = {
    "0": [["07:30", "15:30"]],
    "1": [["07:30", "15:30"]],
    "2": [["07:30", "15:30"]],
    "3": [["07:30", "15:30"]],
    "4": [["07:30", "15:30"]],
}
_LONG_MONDAY = {**_WEEKDAYS, "0": [["07:30", "17:30"]], "4": [["07:30", "13:30"]]}

OFFICES: list[dict[str, Any]] = [
    {
        "slug": "wszystkich-swietych",
        "name": "Urząd Miasta Krakowa — pl. Wszystkich Świętych 3–4",
        "name_en": "City Office — pl. Wszystkich Świętych 3–4",
        "address": "pl. Wszystkich Świętych 3–4, 31-004 Kraków",
        "phones": ["+48 12 616 12 00"],
        "emails": ["ewa.umk@um.krakow.pl"],
        "epuap_box": "/UMKrakow/SkrytkaESP",
        "weekly_hours": _WEEKDAYS,
        "departments": ["om"],
        "order": 1,
    },
    {
        "slug": "powstania-warszawskiego",
        "name": "Urząd Miasta Krakowa — al. Powstania Warszawskiego 10",
        "name_en": "City Office — al. Powstania Warszawskiego 10",
        "address": "al. Powstania Warszawskiego 10, 31-549 Kraków",
        "phones": ["+48 12 616 12 00"],
        "emails": ["ewa.umk@um.krakow.pl"],
        "epuap_box": "/UMKrakow/SkrytkaESP",
        "weekly_hours": _LONG_MONDAY,
        "departments": ["ms", "om"],
        "order": 2,
    },
    {
        "slug": "os-zgody",
        "name": "Urząd Miasta Krakowa — os. Zgody 2",
        "name_en": "City Office — os. Zgody 2",
        "address": "os. Zgody 2, 31-949 Kraków",
        "phones": ["+48 12 616 12 00"],
        "emails": ["ewa.umk@um.krakow.pl"],
        "epuap_box": "/UMKrakow/SkrytkaESP",
        "weekly_hours": _WEEKDAYS,
        "departments": ["ks", "om"],
        "order": 3,
    },
]


def load(get_model: Any) -> int:
    """Create or update the shipped departments, services (with form v1) and offices.

    ``get_model(label)`` is ``apps.get_model`` in a migration or ``django.apps.apps.get_model``
    elsewhere. Idempotent; a service whose form was already edited keeps its versions.
    """
    department_model = get_model("accounts.Department")
    service_model = get_model("services.Service")
    definition_model = get_model("services.FormDefinition")
    office_model = get_model("services.Office")
    departments = {}
    for row in DEPARTMENTS:
        departments[row["code"]], _created = department_model.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "email": row["email"]}
        )
    for row in SERVICES:
        values = {k: v for k, v in row.items() if k not in ("slug", "schema", "department")}
        service, _created = service_model.objects.update_or_create(
            slug=row["slug"], defaults={**values, "department": departments[row["department"]]}
        )
        if not definition_model.objects.filter(service=service).exists():
            definition_model.objects.create(service=service, version=1, schema=row["schema"])
    for row in OFFICES:
        values = {k: v for k, v in row.items() if k not in ("slug", "departments")}
        office, _created = office_model.objects.update_or_create(slug=row["slug"], defaults=values)
        office.departments.set([departments[code] for code in row["departments"]])
    return len(SERVICES)
