"""Open data: the aggregated (raw and weighted) survey results of closed consultations."""

from consultations.selectors import closed_results_rows
from opendata.registry import OwnDataset, SchemaField, register_dataset

register_dataset(
    OwnDataset(
        slug="wyniki-konsultacji",
        title_pl="Wyniki ankiet zakończonych konsultacji społecznych",
        title_en="Survey results of closed public consultations",
        description_pl=(
            "Zagregowane wyniki ankiet konsultacji społecznych po ich zakończeniu: liczba "
            "odpowiedzi, udział surowy i ważony (ważenie do struktury mieszkańców według "
            "dzielnicy, grupy wieku i płci). Bez odpowiedzi pojedynczych osób."
        ),
        description_en=(
            "Aggregated survey results of public consultations once they have closed: answer "
            "counts, raw and weighted shares (weighted to the residents' structure by district, "
            "age band and sex). No individual answers."
        ),
        fields=(
            SchemaField("consultation", "string", "Konsultacje", "Consultation"),
            SchemaField("survey", "string", "Ankieta", "Survey"),
            SchemaField("question", "string", "Pytanie", "Question"),
            SchemaField("option", "string", "Odpowiedź", "Answer"),
            SchemaField("respondents", "integer", "Odpowiadający", "Respondents"),
            SchemaField("count", "integer", "Liczba wskazań", "Count"),
            SchemaField("share", "number", "Udział surowy", "Raw share"),
            SchemaField("weighted_share", "number", "Udział ważony", "Weighted share"),
        ),
        rows=closed_results_rows,
        group="spoleczenstwo",
        keywords=("konsultacje", "ankiety", "partycypacja"),
    )
)
