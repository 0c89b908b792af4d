"""Demo consultations, a survey with weighted results and a satisfaction index (labelled DEMO)."""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Department, User
from consultations import actions
from consultations.models import (
    Consultation,
    ImprovementAction,
    Meeting,
    PopulationCell,
    Survey,
    SurveyQuestion,
)
from districts.models import District

BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
# Adult age structure of Kraków (shares of adults, rounded; GUS 2023 order of magnitude).
BAND_SHARES = [0.09, 0.19, 0.18, 0.15, 0.15, 0.24]


def _population(year: int) -> None:
    for district in District.objects.all():
        adults = district.population * 0.84
        for band, share in zip(BANDS, BAND_SHARES, strict=True):
            for sex, sex_share in (("F", 0.53), ("M", 0.47)):
                PopulationCell.objects.get_or_create(
                    year=year,
                    district=district,
                    age_band=band,
                    sex=sex,
                    defaults={"count": round(adults * share * sex_share)},
                )


def _survey(
    *,
    title: str,
    department: Department,
    consultation: Consultation | None,
    purpose: str,
    opens_at: datetime,
    closes_at: datetime,
    questions: list[tuple[str, str, list[str]]],
) -> Survey:
    survey, created = Survey.objects.get_or_create(
        title=title,
        defaults={
            "department": department,
            "consultation": consultation,
            "purpose": purpose,
            "audience": "anyone",
            "published": True,
            "opens_at": opens_at,
            "closes_at": closes_at,
        },
    )
    if created:
        for order, (kind, text, options) in enumerate(questions, start=1):
            SurveyQuestion.objects.create(
                survey=survey, order=order, kind=kind, text=text, options=options
            )
    return survey


def _paper_answers(survey: Survey, clerk: User, count: int, seed: int, bias: float) -> None:
    if survey.responses.exists():
        return
    rng = random.Random(seed)  # noqa: S311 — demo data, not security
    districts = list(District.objects.all())
    questions = list(survey.questions.all())
    for _ in range(count):
        band = rng.choices(BANDS, weights=[0.05, 0.1, 0.15, 0.2, 0.2, 0.3])[0]
        answers: dict[str, object] = {}
        for q in questions:
            if q.kind == "single":
                answers[q.key] = str(0 if rng.random() < bias else rng.randrange(len(q.options)))
            elif q.kind == "likert":
                answers[q.key] = str(min(5, max(1, round(rng.gauss(3 + bias, 1)))))
            elif q.kind == "rating":
                answers[q.key] = str(min(10, max(0, round(rng.gauss(6 + 2 * bias, 2)))))
        actions.survey_record_paper(
            survey=survey,
            acting_user=clerk,
            raw_answers=answers,
            district=rng.choice(districts),
            band=band,
            sex=rng.choice("FFFM"),
        )


def seed(*, log: Callable[[str], object]) -> None:
    now = timezone.now()
    today = timezone.localdate()
    department, _ = Department.objects.get_or_create(
        code="ks", defaults={"name": "Wydział Komunikacji Społecznej"}
    )
    obsluga, _ = Department.objects.get_or_create(
        code="ob", defaults={"name": "Wydział Obsługi Mieszkańców"}
    )
    clerk, _ = User.objects.get_or_create(
        email="konsultacje@demo.krakow.example",
        defaults={"first_name": "Ewa", "last_name": "Zielińska (DEMO)", "is_staff": True},
    )
    for year in (now.year - 1, now.year):
        _population(year)

    current = Consultation.objects.filter(title="Zielony Rynek Podgórski (DEMO)").first()
    if current is None:
        current = actions.consultation_create(
            acting_user=clerk,
            department=department,
            title="Zielony Rynek Podgórski (DEMO)",
            summary="Jak zazielenić Rynek Podgórski? Zbieramy opinie mieszkańców. [DEMO]",
            topic="greenery",
            announced_on=today - timedelta(days=20),
            starts_on=today - timedelta(days=5),
            ends_on=today + timedelta(days=30),
            report_due_on=today + timedelta(days=70),
            residents_affected=20000,
            cost_pln=Decimal("2500000"),
            city_wide=False,
            districts=District.objects.filter(number=13),
            forms=["online_survey", "paper_survey", "meeting", "workshop", "study_walk"],
            channels=["online", "paper", "assisted"],
        )
        Consultation.objects.filter(pk=current.pk).update(published_at=now)
        Meeting.objects.create(
            consultation=current,
            title="Spotkanie otwarte (DEMO)",
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=2),
            place="Centrum Kultury Podgórza, ul. Sokolska 13",
            capacity=60,
        )
    survey = _survey(
        title="Ankieta: Rynek Podgórski (DEMO)",
        department=department,
        consultation=current,
        purpose="consultation",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
        questions=[
            ("single", "Czy popierasz zazielenienie rynku?", ["tak", "nie", "nie mam zdania"]),
            ("likert", "Jak oceniasz obecny wygląd rynku?", []),
        ],
    )
    _paper_answers(survey, clerk, 400, seed=13, bias=0.4)
    actions.survey_aggregate_compute(survey_id=survey.pk)

    for year, bias in ((now.year - 1, 0.3), (now.year, 0.45)):
        satisfaction = _survey(
            title=f"Badanie satysfakcji klientów {year} (DEMO)",
            department=obsluga,
            consultation=None,
            purpose="satisfaction",
            opens_at=datetime(year, 3, 1, tzinfo=timezone.get_current_timezone()),
            closes_at=datetime(year, 3, 31, tzinfo=timezone.get_current_timezone()),
            questions=[("rating", "Jak oceniasz obsługę w urzędzie?", [])],
        )
        if satisfaction.index_question_id is None:
            satisfaction.index_question = satisfaction.questions.first()
            satisfaction.save(update_fields=["index_question"])
        if not satisfaction.responses.exists():
            # entered as paper questionnaires while the survey was still open
            Survey.objects.filter(pk=satisfaction.pk).update(closed_at=None)
            _paper_answers(satisfaction, clerk, 300, seed=year, bias=bias)
        actions.survey_aggregate_compute(survey_id=satisfaction.pk)
    ImprovementAction.objects.get_or_create(
        year=now.year - 1,
        department=obsluga,
        finding="Długie kolejki w poniedziałki (DEMO)",
        defaults={
            "action": "Dodatkowe stanowisko w poniedziałki i rezerwacja wizyt online",
            "owner": "Kierownik Referatu Obsługi",
            "status": "done",
        },
    )
    log("  consultations: 1 consultation, 3 surveys with weighted results (DEMO)")
