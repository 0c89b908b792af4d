import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consultations import actions
from consultations.models import SurveyParticipation, SurveyResponse
from districts.models import District
from tests.accounts.factories import UserFactory
from tests.consultations.factories import (
    ConsultationFactory,
    MeetingFactory,
    population,
    resident,
    survey_with_questions,
    valid_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


def test_consultation_list_is_public_filtered_and_bounded(api, django_assert_max_num_queries):
    for _ in range(12):
        ConsultationFactory(topic="transport")
    ConsultationFactory(topic="greenery", title="Zieleń")
    ConsultationFactory(published_at=None, title="Szkic")
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/consultations/").json()
    assert body["count"] == 13
    assert "Szkic" not in str(body)
    body = api.get("/api/v1/consultations/", {"topic": "greenery"}).json()
    assert [c["title"] for c in body["results"]] == ["Zieleń"]
    assert api.get("/api/v1/consultations/", {"district": "x"}).status_code == 400
    assert api.get("/api/v1/consultations/nie-uuid/").status_code == 404


def test_meetings_and_survey_definitions_are_public(api, django_assert_max_num_queries):
    MeetingFactory()
    assert api.get("/api/v1/consultation-meetings/").json()["count"] == 1
    for _ in range(5):
        survey_with_questions()
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/surveys/").json()
    assert body["count"] == 5
    assert {q["kind"] for q in body["results"][0]["questions"]} >= {"single", "likert", "text"}


def test_respond_via_api_follows_the_page_rules(api):
    survey = survey_with_questions()
    survey.districts.set([District.objects.get(number=1)])
    url = f"/api/v1/surveys/{survey.public_id}/respond/"
    payload = {"answers": valid_answers(survey)}
    assert api.post(url, payload, format="json").status_code in (401, 403)
    api.force_authenticate(UserFactory())
    assert api.post(url, payload, format="json").status_code == 400
    api.force_authenticate(resident(2))
    assert api.post(url, payload, format="json").status_code == 400
    person = resident(1)
    api.force_authenticate(person)
    bad = {"answers": {**payload["answers"], survey.questions.get(kind="rating").key: 11}}
    response = api.post(url, bad, format="json")
    assert response.status_code == 400
    assert survey.questions.get(kind="rating").key in str(response.json())
    assert api.post(url, {"answers": "x"}, format="json").status_code == 400
    assert not SurveyResponse.objects.exists()
    assert not SurveyParticipation.objects.exists()
    assert api.post(url, payload, format="json").status_code == 201
    assert api.post(url, payload, format="json").status_code == 400
    assert SurveyResponse.objects.count() == 1


def test_results_endpoint_returns_the_stored_aggregate(api, staff_user):
    population(timezone.now().year)
    survey = survey_with_questions()
    actions.survey_respond(survey=survey, user=resident(1), raw_answers=valid_answers(survey))
    url = f"/api/v1/surveys/{survey.public_id}/results/"
    assert api.get(url).json()["result"] is None
    actions.survey_aggregate_compute(survey_id=survey.pk)
    body = api.get(url).json()
    assert body["status"] == "done"
    assert body["result"]["n_respondents"] == 1
