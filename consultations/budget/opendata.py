"""Datasets the budget publishes: results per project, and anonymised ballots."""

from consultations.budget.selectors import anonymised_votes_rows, results_rows
from opendata.registry import OwnDataset, SchemaField, register_dataset

register_dataset(
    OwnDataset(
        slug="budzet-obywatelski-wyniki",
        title_pl="Budżet obywatelski: wyniki głosowania",
        title_en="Participatory budget: voting results",
        description_pl=(
            "Opublikowane wyniki każdej puli: punkty, liczba głosujących, koszt i czy projekt "
            "został wybrany metodą zachłanną i metodą równych udziałów."
        ),
        description_en=(
            "Published results of every pool: points, voters, cost and whether each project was "
            "selected by the greedy rule and by the Method of Equal Shares."
        ),
        fields=(
            SchemaField("edition", "integer", "Edycja", "Edition"),
            SchemaField("pool", "string", "Pula", "Pool"),
            SchemaField("project_number", "integer", "Numer projektu", "Project number"),
            SchemaField("title", "string", "Tytuł", "Title"),
            SchemaField("cost", "number", "Koszt (zł)", "Cost (PLN)"),
            SchemaField("score", "integer", "Punkty", "Points"),
            SchemaField("supporters", "integer", "Głosujący", "Voters"),
            SchemaField("funded_greedy", "boolean", "Wybrany (zachłanna)", "Funded (greedy)"),
            SchemaField("funded_mes", "boolean", "Wybrany (równe udziały)", "Funded (MES)"),
        ),
        rows=results_rows,
        group="spoleczenstwo",
        keywords=("budżet obywatelski", "głosowanie", "wyniki"),
    )
)

register_dataset(
    OwnDataset(
        slug="budzet-obywatelski-glosy",
        title_pl="Budżet obywatelski: zanonimizowane karty do głosowania",
        title_en="Participatory budget: anonymised ballots",
        description_pl=(
            "Każda ważna karta opublikowanej puli (numery projektów i punkty), z numerem "
            "głosującego nadanym losowo — jak w formacie pabulib."
        ),
        description_en=(
            "Every valid ballot of a published pool (project numbers and points), with a voter "
            "number assigned at random, as in the pabulib format."
        ),
        fields=(
            SchemaField("edition", "integer", "Edycja", "Edition"),
            SchemaField("pool", "string", "Pula", "Pool"),
            SchemaField("voter", "integer", "Głosujący (losowy numer)", "Voter (random number)"),
            SchemaField("projects", "string", "Projekty", "Projects"),
            SchemaField("points", "string", "Punkty", "Points"),
        ),
        rows=anonymised_votes_rows,
        group="spoleczenstwo",
        keywords=("budżet obywatelski", "pabulib", "głosy"),
    )
)
