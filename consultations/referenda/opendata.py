"""Datasets referenda publish: aggregate results only (never the register or single ballots)."""

from consultations.referenda.selectors import results_rows
from opendata.registry import OwnDataset, SchemaField, register_dataset

register_dataset(
    OwnDataset(
        slug="referenda-w-dzielnicach-wyniki",
        title_pl="Referenda w dzielnicach: wyniki",
        title_en="District referenda: results",
        description_pl=(
            "Wynik każdego referendum w dzielnicy z zatwierdzonym protokołem: liczba uprawnionych, "
            "głosujących, głosów na tak i na nie, kart nieważnych, frekwencja, próg ważności i "
            "rozstrzygnięcie. Wyłącznie dane zbiorcze."
        ),
        description_en=(
            "The result of every district referendum whose protocol was approved: eligible "
            "voters, turnout, yes and no votes, invalid ballots, the validity threshold and the "
            "outcome. Aggregate figures only."
        ),
        fields=(
            SchemaField("question", "string", "Pytanie", "Question"),
            SchemaField("district_number", "integer", "Numer dzielnicy", "District number"),
            SchemaField("district", "string", "Dzielnica", "District"),
            SchemaField("opens_at", "datetime", "Początek głosowania", "Voting opens"),
            SchemaField("closes_at", "datetime", "Koniec głosowania", "Voting closes"),
            SchemaField("eligible", "integer", "Uprawnieni", "Eligible voters"),
            SchemaField("voted", "integer", "Głosowało", "Voted"),
            SchemaField("yes", "integer", "Tak", "Yes"),
            SchemaField("no", "integer", "Nie", "No"),
            SchemaField("invalid", "integer", "Karty nieważne", "Invalid ballots"),
            SchemaField("turnout_percent", "number", "Frekwencja (%)", "Turnout (%)"),
            SchemaField(
                "threshold_percent", "number", "Próg ważności (%)", "Validity threshold (%)"
            ),
            SchemaField("is_valid", "boolean", "Referendum ważne", "Valid"),
            SchemaField(
                "outcome",
                "string",
                "Rozstrzygnięcie (yes/no/tie/invalid)",
                "Outcome (yes/no/tie/invalid)",
            ),
        ),
        rows=results_rows,
        group="spoleczenstwo",
        keywords=("referendum", "dzielnice", "wyniki"),
    )
)
