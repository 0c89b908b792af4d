from opendata.registry import OwnDataset, SchemaField, register_dataset
from services.selectors import service_statistics

register_dataset(
    OwnDataset(
        slug="e-uslugi-statystyki",
        title_pl="E-usługi: sprawy według usługi i miesiąca",
        title_en="E-services: cases by service and month",
        description_pl="Liczba spraw złożonych przez portal w każdym miesiącu (czas polski), "
        "liczba rozstrzygniętych i mediana czasu załatwienia w dniach.",
        description_en="Cases submitted through the portal each month (Polish time), how many "
        "were decided and the median handling time in days.",
        fields=(
            SchemaField("service", "string", "Usługa", "Service"),
            SchemaField("month", "string", "Miesiąc (RRRR-MM)", "Month (YYYY-MM)"),
            SchemaField("cases", "integer", "Liczba spraw", "Cases"),
            SchemaField("decided", "integer", "Rozstrzygnięte", "Decided"),
            SchemaField(
                "median_handling_days",
                "number",
                "Mediana czasu załatwienia (dni)",
                "Median handling time (days)",
            ),
        ),
        rows=service_statistics,
        schedule="daily",
        group="administracja",
        keywords=("e-usługi", "sprawy", "urząd"),
    )
)
