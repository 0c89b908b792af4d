from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations import actions
from consultations.models import (
    SurveyAggregate,
    SurveyParticipation,
    SurveyResponse,
    age_band,
)
from districts.models import District
from tests.accounts.factories import UserFactory
from tests.consultations.factories import (
    population,
    resident,
    survey_with_questions,
    valid_answers,
)

pytestmark = pytest.mark.django_db


def _nothing_stored(survey):  # type: ignore[no-untyped-def]
    return not SurveyResponse.objects.filter(survey=survey).exists() and not (
        SurveyParticipation.objects.filter(survey=survey).exists()
    )


def test_a_verified_resident_answers_an_anonymous_survey_without_a_link():
    survey = survey_with_questions()
    person = resident(1)
    response = actions.survey_respond(survey=survey, user=person, raw_answers=valid_answers(survey))
    assert response.respondent is None
    assert response.district.number == 1
    assert response.sex == "F"
    assert response.age_band == "45-54"
    assert SurveyParticipation.objects.filter(survey=survey, user=person).exists()
    kinds = {q.kind: response.answers[q.key] for q in survey.questions.all()}
    assert kinds == {
        "single": 0,
        "multiple": [0, 2],
        "likert": 4,
        "rating": 9,
        "number": 3,
        "text": "Dziękuję",
    }


def test_named_survey_keeps_the_respondent():
    survey = survey_with_questions(anonymous=False)
    person = resident(1)
    response = actions.survey_respond(survey=survey, user=person, raw_answers=valid_answers(survey))
    assert response.respondent == person


def test_answering_twice_is_refused_and_nothing_more_is_stored():
    survey = survey_with_questions()
    person = resident(1)
    actions.survey_respond(survey=survey, user=person, raw_answers=valid_answers(survey))
    with pytest.raises(ValidationError):
        actions.survey_respond(survey=survey, user=person, raw_answers=valid_answers(survey))
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_the_database_refuses_a_second_participation_even_past_the_checks():
    survey = survey_with_questions()
    person = resident(1)
    actions.survey_respond(survey=survey, user=person, raw_answers=valid_answers(survey))
    # a race: the eligibility check passed in two requests at once
    with pytest.raises(ValidationError):
        actions._store_response(
            survey=survey,
            person=person,
            answers={},
            channel="online",
            entered_by=None,
            district_id=None,
            band="",
            sex="",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyParticipation.objects.create(survey=survey, user=person)
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_answering_after_closing_is_refused():
    survey = survey_with_questions()
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.opens_at = survey.closes_at - timedelta(days=3)
    survey.save()
    with pytest.raises(ValidationError, match="zamknięta"):
        actions.survey_respond(survey=survey, user=resident(1), raw_answers=valid_answers(survey))
    assert _nothing_stored(survey)


def test_district_only_survey_refuses_another_districts_resident():
    survey = survey_with_questions()
    survey.districts.set([District.objects.get(number=5)])
    with pytest.raises(ValidationError, match="dzielnic"):
        actions.survey_respond(survey=survey, user=resident(1), raw_answers=valid_answers(survey))
    assert _nothing_stored(survey)
    actions.survey_respond(survey=survey, user=resident(5), raw_answers=valid_answers(survey))


def test_residents_only_survey_refuses_an_unverified_account():
    survey = survey_with_questions()
    with pytest.raises(ValidationError, match="zweryfikowani"):
        actions.survey_respond(survey=survey, user=UserFactory(), raw_answers=valid_answers(survey))
    assert _nothing_stored(survey)


def test_open_survey_accepts_any_account():
    survey = survey_with_questions(audience="anyone")
    actions.survey_respond(survey=survey, user=UserFactory(), raw_answers=valid_answers(survey))
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("single", "7"),
        ("single", "x"),
        ("multiple", ["0", "9"]),
        ("likert", "6"),
        ("likert", "0"),
        ("likert", "2.5"),
        ("rating", "11"),
        ("rating", "-1"),
        ("number", "51"),
        ("number", "abc"),
        ("number", "NaN"),
        ("single", ""),
    ],
)
def test_bad_or_missing_answers_are_refused_per_question(kind, value):
    survey = survey_with_questions()
    answers = valid_answers(survey)
    question = survey.questions.get(kind=kind)
    answers[question.key] = value
    with pytest.raises(ValidationError) as excinfo:
        actions.survey_respond(survey=survey, user=resident(1), raw_answers=answers)
    assert list(excinfo.value.message_dict) == [question.key]
    assert _nothing_stored(survey)


def test_unknown_question_is_refused():
    survey = survey_with_questions()
    answers = {**valid_answers(survey), "q999999": "1"}
    with pytest.raises(ValidationError):
        actions.survey_respond(survey=survey, user=resident(1), raw_answers=answers)
    assert _nothing_stored(survey)


def test_optional_question_may_be_left_blank():
    survey = survey_with_questions()
    answers = valid_answers(survey)
    del answers[survey.questions.get(kind="text").key]
    response = actions.survey_respond(survey=survey, user=resident(1), raw_answers=answers)
    assert survey.questions.get(kind="text").key not in response.answers


def test_paper_response_is_recorded_as_assisted_by_the_clerk(staff_user):
    survey = survey_with_questions()
    response = actions.survey_record_paper(
        survey=survey,
        acting_user=staff_user,
        raw_answers=valid_answers(survey),
        district=District.objects.get(number=2),
        band="65+",
        sex="M",
    )
    assert response.channel == "paper"
    assert response.entered_by == staff_user
    person = resident(1)
    actions.survey_record_paper(
        survey=survey, acting_user=staff_user, raw_answers=valid_answers(survey), resident=person
    )
    with pytest.raises(ValidationError):
        actions.survey_respond(survey=survey, user=person, raw_answers=valid_answers(survey))


def test_age_band_on_the_day():
    from datetime import date

    assert age_band(date(2000, 6, 2), date(2018, 6, 1)) == ""
    assert age_band(date(2000, 6, 1), date(2018, 6, 1)) == "18-24"
    assert age_band(date(1950, 1, 1), date(2025, 1, 1)) == "65+"
    assert age_band(None, date(2025, 1, 1)) == ""


def test_closing_aggregates_raw_and_weighted_results(
    staff_user, django_capture_on_commit_callbacks
):
    population(timezone.now().year)
    survey = survey_with_questions()
    people = [resident(n % 3 + 1, sex="M" if n % 2 else "F") for n in range(6)]
    for i, person in enumerate(people):
        answers = valid_answers(survey)
        answers[survey.questions.get(kind="single").key] = str(i % 2)
        actions.survey_respond(survey=survey, user=person, raw_answers=answers)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.survey_close(survey=survey, acting_user=staff_user)
    assert len(callbacks) == 1
    aggregate = SurveyAggregate.objects.get(survey=survey)
    assert aggregate.status == "done", aggregate.error
    assert aggregate.progress == 100
    assert aggregate.response_count == 6
    single = next(
        q
        for q in aggregate.result["questions"]
        if q["id"] == survey.questions.get(kind="single").key
    )
    assert [o["count"] for o in single["options"]] == [3, 3, 0]
    assert single["options"][0]["weighted_share"] is not None
    assert aggregate.result["n_respondents"] == 6
    # idempotent: running the task again gives the same stored result
    first = aggregate.result
    again = actions.survey_aggregate_compute(survey_id=survey.pk)
    assert again.result == first
    assert SurveyAggregate.objects.filter(survey=survey).count() == 1
    with pytest.raises(ValidationError):
        actions.survey_respond(survey=survey, user=resident(1), raw_answers=valid_answers(survey))


def test_aggregation_without_population_fails_visibly():
    survey = survey_with_questions()
    actions.survey_respond(survey=survey, user=resident(1), raw_answers=valid_answers(survey))
    aggregate = actions.survey_aggregate_compute(survey_id=survey.pk)
    assert aggregate.status == "failed"
    assert aggregate.error
