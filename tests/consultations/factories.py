"""Factories for consultations tests: a published consultation collecting opinions today,
an open survey with one question of every kind, verified residents."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Department
from consultations.models import (
    Consultation,
    Meeting,
    Opinion,
    PopulationCell,
    Survey,
    SurveyQuestion,
)
from districts.models import District
from tests.accounts.factories import UserFactory


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "ks"
    name = "Wydział Komunikacji Społecznej"


def resident(district_number: int = 1, **kwargs: object) -> object:
    """A verified resident of the district (born 1980, female unless told)."""
    from datetime import date

    user = UserFactory(
        district=District.objects.get(number=district_number),
        resident_verified_at=timezone.now(),
        **kwargs,
    )
    user.birth_date = kwargs.get("birth_date", date(1980, 5, 1))  # type: ignore[assignment]
    user.sex = kwargs.get("sex", "F")  # type: ignore[assignment]
    user.save()
    return user


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Konsultacje nr {n}")
    summary = "Jak zmienić plac?"
    topic = "greenery"
    department = factory.SubFactory(DepartmentFactory)
    residents_affected = 5000
    cost_pln = Decimal("100000")
    announced_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=2))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=25))
    report_due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    forms = ["online_survey", "paper_survey", "meeting"]
    channels = ["online", "paper", "assisted"]
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    consultation = factory.SubFactory(ConsultationFactory)
    title = "Spotkanie otwarte"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3, hours=2))
    place = "Sala obrad, pl. Wszystkich Świętych 3"
    capacity = 2


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opinion

    consultation = factory.SubFactory(ConsultationFactory)
    author = factory.SubFactory(UserFactory)
    body = "Więcej drzew i ławek, proszę."


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Ankieta {n}")
    department = factory.SubFactory(DepartmentFactory)
    consultation = factory.SubFactory(ConsultationFactory)
    audience = "residents"
    anonymous = True
    published = True
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))


QUESTION_KINDS = [
    ("single", "Czy popierasz projekt?", ["tak", "nie", "nie wiem"]),
    ("multiple", "Co powinno się tu znaleźć?", ["drzewa", "ławki", "plac zabaw"]),
    ("likert", "Jak oceniasz obecny stan placu?", []),
    ("rating", "Jak bardzo poleciłabyś/poleciłbyś to miejsce?", []),
    ("number", "Ile razy w tygodniu tu bywasz?", []),
    ("text", "Inne uwagi", []),
]


def survey_with_questions(**kwargs: object) -> Survey:
    survey = SurveyFactory(**kwargs)
    for order, (kind, text, options) in enumerate(QUESTION_KINDS, start=1):
        SurveyQuestion.objects.create(
            survey=survey,
            order=order,
            text=text,
            kind=kind,
            options=options,
            required=kind != "text",
            min_value=Decimal(0) if kind == "number" else None,
            max_value=Decimal(50) if kind == "number" else None,
        )
    return survey


def valid_answers(survey: Survey) -> dict[str, object]:
    values = {
        "single": "0",
        "multiple": ["0", "2"],
        "likert": "4",
        "rating": "9",
        "number": "3",
        "text": "Dziękuję",
    }
    return {q.key: values[q.kind] for q in survey.questions.all()}


def population(year: int = 2025) -> None:
    for district in District.objects.all():
        for band in ("18-24", "25-34", "35-44", "45-54", "55-64", "65+"):
            for sex in ("F", "M"):
                PopulationCell.objects.update_or_create(
                    year=year,
                    district=district,
                    age_band=band,
                    sex=sex,
                    defaults={"count": 1000 + district.number * 10 + (5 if sex == "F" else 0)},
                )
