"""Accessibility in the open-data catalogue (public facts only: no requests, no people)."""

from accessibility.selectors import (
    open_data_barriers,
    open_data_building_audits,
    open_data_scan_trend,
)
from opendata.registry import OwnDataset, SchemaField, register_dataset

GROUP = "administracja"
KEYWORDS = ("dostępność", "niepełnosprawność", "bariery architektoniczne")

register_dataset(
    OwnDataset(
        slug="dostepnosc-audyty-budynkow",
        title_pl="Dostępność: audyty architektoniczne budynków urzędu",
        title_en="Accessibility: architectural audits of city buildings",
        description_pl=(
            "Budynki Urzędu Miasta Krakowa w programie usuwania barier i wynik ostatniego audytu "
            "dla każdego z minimalnych wymagań art. 6 pkt 1 ustawy o zapewnianiu dostępności "
            "osobom ze szczególnymi potrzebami (met = spełnione, partly = częściowo, not_met = "
            "niespełnione). Budynek bez audytu ma jeden wiersz z pustymi kolumnami audytu."
        ),
        description_en=(
            "City Office buildings in the barrier-removal programme and the result of the latest "
            "audit for each minimum requirement of art. 6(1) of the Act on ensuring accessibility "
            "for persons with special needs (met, partly, not_met). A building not yet audited "
            "has one row with the audit columns empty."
        ),
        fields=(
            SchemaField("building", "string", "Budynek (identyfikator)", "Building (id)"),
            SchemaField("name", "string", "Nazwa", "Name"),
            SchemaField("address", "string", "Adres", "Address"),
            SchemaField("district", "string", "Dzielnica", "District"),
            SchemaField(
                "heritage_protected", "boolean", "Ochrona konserwatorska", "Heritage protection"
            ),
            SchemaField("audit_state", "string", "Stan audytu", "Audit state"),
            SchemaField("audited_on", "date", "Data audytu", "Audit date"),
            SchemaField("requirement", "string", "Wymaganie", "Requirement"),
            SchemaField("result", "string", "Wynik", "Result"),
        ),
        rows=open_data_building_audits,
        schedule="daily",
        group=GROUP,
        keywords=KEYWORDS,
    )
)

register_dataset(
    OwnDataset(
        slug="dostepnosc-bariery",
        title_pl="Dostępność: bariery w budynkach i stan ich usuwania",
        title_en="Accessibility: barriers in buildings and their removal",
        description_pl=(
            "Stwierdzone bariery architektoniczne z wagą oraz zadania naprawcze: status "
            "(planned, preparation, in_progress, blocked, done), przeszkoda (heritage = "
            "konserwator zabytków, local_plan = zmiana planu miejscowego, funding, permit), "
            "planowane daty, data zakończenia i koszt w złotych."
        ),
        description_en=(
            "Architectural barriers found, with their severity, and the remediation tasks: "
            "status (planned, preparation, in_progress, blocked, done), blocker (heritage "
            "office, local_plan change, funding, permit), planned dates, completion date and "
            "cost in PLN."
        ),
        fields=(
            SchemaField("building", "string", "Budynek (identyfikator)", "Building (id)"),
            SchemaField("requirement", "string", "Wymaganie", "Requirement"),
            SchemaField("barrier", "string", "Bariera", "Barrier"),
            SchemaField("severity", "string", "Waga", "Severity"),
            SchemaField("found_on", "date", "Data stwierdzenia", "Found on"),
            SchemaField("task", "string", "Zadanie naprawcze", "Remediation task"),
            SchemaField("status", "string", "Status", "Status"),
            SchemaField("blocker", "string", "Przeszkoda", "Blocker"),
            SchemaField("planned_start", "date", "Planowany początek", "Planned start"),
            SchemaField("planned_end", "date", "Planowany koniec", "Planned end"),
            SchemaField("completed_on", "date", "Data zakończenia", "Completed on"),
            SchemaField("cost_pln", "number", "Koszt (zł)", "Cost (PLN)"),
        ),
        rows=open_data_barriers,
        schedule="daily",
        group=GROUP,
        keywords=KEYWORDS,
    )
)

register_dataset(
    OwnDataset(
        slug="dostepnosc-skany-serwisow",
        title_pl="Dostępność cyfrowa: automatyczne skany serwisów miasta",
        title_en="Digital accessibility: automated scans of city websites",
        description_pl=(
            "Wyniki automatycznych skanów axe-core (WCAG 2.1, poziomy A i AA) według serwisu i "
            "dnia: liczba zeskanowanych stron, skany nieudane i liczba elementów z naruszeniem. "
            "Automatyczny skan wykrywa tylko część problemów z dostępnością."
        ),
        description_en=(
            "Results of automated axe-core scans (WCAG 2.1, levels A and AA) by website and "
            "day: pages scanned, failed scans and the number of elements with a violation. An "
            "automated scan finds only some accessibility problems."
        ),
        fields=(
            SchemaField("website", "string", "Serwis (identyfikator)", "Website (id)"),
            SchemaField("url", "string", "Adres serwisu", "Website address"),
            SchemaField("date", "date", "Dzień", "Day"),
            SchemaField("pages_scanned", "integer", "Zeskanowane strony", "Pages scanned"),
            SchemaField("failed_scans", "integer", "Skany nieudane", "Failed scans"),
            SchemaField("violations", "integer", "Naruszenia", "Violations"),
        ),
        rows=open_data_scan_trend,
        schedule="daily",
        group=GROUP,
        keywords=(*KEYWORDS, "WCAG"),
    )
)
