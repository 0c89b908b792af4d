"""Bench: aggregating a survey of 100,000 stored responses × 20 questions through the real path
(R-CON-3): PostgreSQL rows → the Celery task → raking and raw/weighted results → stored JSON.

    python bench/consultation_aggregate.py [--responses 100000]

Runs in-process Django under production settings on a fresh migrated throw-away PostgreSQL
(``bench/_stack.django_on_postgres``), stores the population structure (18 districts × 6 age
bands × 2 sexes) and the responses (generated in SQL, skewed towards women and older residents
so the weighting has work to do), then runs ``consultations.aggregate_survey`` as Celery runs it
(``apply``) and prints the time; target < 5 s on this machine (2 cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import django_on_postgres  # noqa: E402

BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
RUNS = 3
KINDS = ["single", "likert", "rating", "multiple"] * 5


def _answers_sql(keys: list[tuple[str, str]]) -> str:
    parts = []
    for key, kind in keys:
        if kind == "single":
            value = "CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 5)::int END"
        elif kind == "likert":
            value = "1 + floor(random() * random() * 5)::int"
        elif kind == "rating":
            value = "floor(random() * 11)::int"
        else:
            value = (
                "(CASE WHEN random() < 0.4 THEN '[0, 2]' WHEN random() < 0.5 THEN '[1, 3, 5]'"
                " ELSE '[4]' END)::jsonb"
            )
        parts.append(f"'{key}', {value}")
    return "jsonb_strip_nulls(jsonb_build_object(" + ", ".join(parts) + "))"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    with django_on_postgres():
        from datetime import timedelta

        from django.db import connection
        from django.utils import timezone

        from accounts.models import Department, User
        from consultations.models import PopulationCell, Survey, SurveyAggregate, SurveyQuestion
        from consultations.tasks import aggregate_survey_task
        from districts.models import District

        now = timezone.now()
        districts = list(District.objects.order_by("number"))
        PopulationCell.objects.bulk_create(
            PopulationCell(
                year=now.year,
                district=d,
                age_band=band,
                sex=sex,
                count=round(d.population * 0.84 / 12),
            )
            for d in districts
            for band in BANDS
            for sex in ("F", "M")
        )
        department = Department.objects.create(code="bench", name="Bench")
        User.objects.create(email="bench@example.org")
        survey = Survey.objects.create(
            title="Bench",
            department=department,
            published=True,
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=1),
        )
        keys = []
        for order, kind in enumerate(KINDS, start=1):
            question = SurveyQuestion.objects.create(
                survey=survey,
                order=order,
                text=f"Pytanie {order}",
                kind=kind,
                options=[f"opcja {i}" for i in range(6 if kind == "multiple" else 5)]
                if kind in ("single", "multiple")
                else [],
            )
            keys.append((question.key, kind))
        district_ids = ", ".join(str(d.pk) for d in districts)
        bands = ", ".join(f"'{b}'" for b in BANDS)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # ids and fixed literals generated above, no outside input
            cursor.execute(
                "INSERT INTO consultations_surveyresponse"  # noqa: S608
                " (id, survey_id, channel, district_id, age_band, sex, submitted_on, answers)"
                f" SELECT gen_random_uuid(), {survey.pk}, 'online',"
                f" (ARRAY[{district_ids}])[1 + floor(power(random(), 1.5) * 18)::int],"
                f" (ARRAY[{bands}])[1 + floor(sqrt(random()) * 6)::int],"
                " CASE WHEN random() < 0.6 THEN 'F' ELSE 'M' END, CURRENT_DATE,"
                f" {_answers_sql(keys)}"
                f" FROM generate_series(1, {args.responses}) AS g"
            )
            cursor.execute("ANALYZE consultations_surveyresponse")
        print(
            f"stored {args.responses:,} responses × {len(keys)} questions in "
            f"{time.perf_counter() - started:.1f} s (setup, not measured)"
        )
        timings = []
        for run in range(RUNS):
            started = time.perf_counter()
            state = aggregate_survey_task.apply(args=[survey.pk]).get()
            timings.append(time.perf_counter() - started)
            print(f"run {run + 1}: aggregate task → {state} in {timings[-1]:.2f} s")
        # Where the time goes: the load (SQL → arrays) and the weighting (numpy), separately.
        from consultations import actions, weighting

        questions = list(survey.questions.all())
        started = time.perf_counter()
        loaded = actions._load_postgresql(survey, questions)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        weighting.aggregate_survey(
            {"district": loaded.districts, "age_band": loaded.bands, "sex": loaded.sexes},
            actions._population_margins(now.year),
            loaded.inputs,
        ).to_dict()
        print(
            f"breakdown: load (one SQL query, PostgreSQL extracts the answer columns) {load_s:.2f} s, weighting+aggregation "
            f"{time.perf_counter() - started:.2f} s"
        )
        aggregate = SurveyAggregate.objects.get(survey=survey)
        raking = aggregate.result["raking"]
        print(
            f"aggregate_survey task, {args.responses:,} responses × {len(keys)} questions: "
            f"best {min(timings):.2f} s, median {sorted(timings)[len(timings) // 2]:.2f} s (target < 5 s); "
            f"raking converged={raking['converged']} in {raking['iterations']} iterations "
            f"(max margin error {raking['max_margin_error']:.2e}, warnings {aggregate.warnings}), "
            f"n_eff={raking['n_eff']:.0f}, deff={raking['deff']:.2f}, "
            f"stored JSON {len(str(aggregate.result)) / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
