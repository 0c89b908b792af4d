"""Karta Krakowska usage statistics in the open-data catalogue (R-KK-5)."""

from karta.selectors import K_ANONYMITY, monthly_usage_open_data
from opendata.registry import OwnDataset, SchemaField, register_dataset

register_dataset(
    OwnDataset(
        slug="karta-krakowska-uzycia",
        title_pl="Karta Krakowska: użycia zniżek miesięcznie",
        title_en="Karta Krakowska: monthly use of discounts",
        description_pl=(
            "Liczba użyć Karty Krakowskiej i wartość udzielonych zniżek w zamkniętych "
            "miesiącach według kategorii, partnera i dzielnicy posiadacza. Komórki z mniej niż "
            f"{K_ANONYMITY} użyciami są pomijane, aby nikogo nie dało się rozpoznać."
        ),
        description_en=(
            "Uses of the Karta Krakowska and the value of discounts granted in closed months "
            "by category, partner and the holder's district. Cells with fewer than "
            f"{K_ANONYMITY} uses are left out so that no one can be re-identified."
        ),
        fields=(
            SchemaField("month", "string", "Miesiąc (RRRR-MM)", "Month (YYYY-MM)"),
            SchemaField("category", "string", "Kategoria", "Category"),
            SchemaField("partner", "string", "Partner", "Partner"),
            SchemaField("district", "string", "Dzielnica posiadacza", "Holder's district"),
            SchemaField("uses", "integer", "Liczba użyć", "Uses"),
            SchemaField("discount_pln", "number", "Wartość zniżek (zł)", "Discounts (PLN)"),
        ),
        rows=monthly_usage_open_data,
        schedule="monthly",
        group="karta-krakowska",
        keywords=("karta krakowska", "zniżki", "statystyka"),
    )
)
