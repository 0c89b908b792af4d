"""Datasets the districts app publishes in the open-data catalogue (R-DIS-2, R-DIS-4)."""

from districts.selectors import allocation_rows, task_rows
from opendata.registry import OwnDataset, SchemaField, register_dataset

_DISTRICT_FIELDS = (
    SchemaField("year", "integer", "Rok", "Year"),
    SchemaField("district_number", "integer", "Numer dzielnicy", "District number"),
    SchemaField("district", "string", "Dzielnica", "District"),
)

register_dataset(
    OwnDataset(
        slug="srodki-dzielnic",
        title_pl="Środki dzielnic Krakowa",
        title_en="Funds of Kraków's districts",
        description_pl=(
            "Podział środków dla rad dzielnic na dzielnice w kolejnych latach, co do grosza "
            "(40% po równo, 40% według liczby stałych mieszkańców, 20% według powierzchni "
            "gruntów miejskich; od 2025 r. według algorytmu dzielony jest wzrost ponad 2024 r.)."
        ),
        description_en=(
            "The district councils' funds split among the districts per year, to the grosz "
            "(40% equally, 40% by permanent residents, 20% by city-owned land area; from 2025 "
            "the increase over 2024 is split by the formula)."
        ),
        fields=(
            *_DISTRICT_FIELDS,
            SchemaField("amount", "number", "Kwota (zł)", "Amount (PLN)"),
            SchemaField("base_amount", "number", "Kwota bazowa 2024 (zł)", "2024 base (PLN)"),
            SchemaField("increase", "number", "Wzrost ponad bazę (zł)", "Increase (PLN)"),
        ),
        rows=allocation_rows,
        group="dzielnice",
        keywords=("dzielnice", "budżet", "rady dzielnic"),
    )
)

register_dataset(
    OwnDataset(
        slug="zadania-dzielnic",
        title_pl="Zadania rad dzielnic i ich realizacja",
        title_en="District council tasks and their progress",
        description_pl=(
            "Zadania z uchwał rad dzielnic: kategoria, jednostka realizująca, kwota, stan "
            "realizacji, kwoty zaangażowane i wydane."
        ),
        description_en=(
            "Tasks from the district councils' resolutions: category, implementing unit, amount, "
            "status, money committed and spent."
        ),
        fields=(
            *_DISTRICT_FIELDS,
            SchemaField("resolution_number", "string", "Numer uchwały", "Resolution number"),
            SchemaField("title", "string", "Zadanie", "Task"),
            SchemaField("category", "string", "Kategoria", "Category"),
            SchemaField(
                "implementing_unit", "string", "Jednostka realizująca", "Implementing unit"
            ),
            SchemaField("amount", "number", "Kwota (zł)", "Amount (PLN)"),
            SchemaField("status", "string", "Stan realizacji", "Status"),
            SchemaField("committed", "number", "Zaangażowano (zł)", "Committed (PLN)"),
            SchemaField("spent", "number", "Wydano (zł)", "Spent (PLN)"),
        ),
        rows=task_rows,
        group="dzielnice",
        keywords=("dzielnice", "zadania", "rady dzielnic"),
    )
)
