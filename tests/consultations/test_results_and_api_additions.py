"""Weighting warnings and group names on the results page and API, the satisfaction-index API,
and ``?ordering=`` on the public lists."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.actions import role_grant
from accounts.models import Role
from consultations import actions
from consultations.models import ImprovementAction, SurveyAggregate
from districts.models import District
from tests.accounts.factories import UserFactory
from tests.consultations.factories import (
    ConsultationFactory,
    DepartmentFactory,
    population,
    resident,
    survey_with_questions,
    valid_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


def test_raking_that_cannot_converge_is_stored_with_a_warning_shown_on_page_and_api(client, api):
    """District 1 answers only through a woman and district 2 only through a man, so the
    district and sex margins contradict each other and the raking cannot meet both."""
    population(timezone.now().year)
    survey = survey_with_questions()
    actions.survey_respond(
        survey=survey, user=resident(1, sex="F"), raw_answers=valid_answers(survey)
    )
    actions.survey_respond(
        survey=survey, user=resident(2, sex="M"), raw_answers=valid_answers(survey)
    )
    aggregate = actions.survey_aggregate_compute(survey_id=survey.pk)
    assert aggregate.status == "done"
    assert aggregate.converged is False
    assert "not_converged" in aggregate.warnings
    assert aggregate.max_margin_error is not None
    assert aggregate.max_margin_error > 1e-6
    assert aggregate.result["raking"]["converged"] is False
    page = client.get(f"/konsultacje/ankiety/{survey.public_id}/wyniki/").content.decode()
    assert "nie osiągnęło zbieżności" in page
    english = client.get(f"/en/konsultacje/ankiety/{survey.public_id}/wyniki/").content.decode()
    assert "did not converge" in english
    body = api.get(f"/api/v1/surveys/{survey.public_id}/results/").json()
    assert body["converged"] is False
    assert body["warnings"][0]["code"] == "not_converged"
    assert body["warnings"][0]["message"]


def test_converged_weighting_has_no_warning_and_flagged_groups_have_names(client):
    population(timezone.now().year)
    survey = survey_with_questions()
    for n in range(4):
        actions.survey_respond(
            survey=survey,
            user=resident(1, sex="M" if n % 2 else "F"),
            raw_answers=valid_answers(survey),
        )
    aggregate = actions.survey_aggregate_compute(survey_id=survey.pk)
    assert aggregate.converged is True
    assert "not_converged" not in aggregate.warnings
    page = client.get(f"/konsultacje/ankiety/{survey.public_id}/wyniki/").content.decode()
    assert "nie osiągnęło zbieżności" not in page
    nowa_huta = str(District.objects.get(number=18))
    assert nowa_huta in page  # a district without respondents, by its name
    assert "<td>Dzielnica</td>" in page
    assert "brak odpowiedzi" in page
    assert "<td>district</td>" not in page
    assert "no_respondents" not in page
    english = client.get(f"/en/konsultacje/ankiety/{survey.public_id}/wyniki/").content.decode()
    assert "<td>District</td>" in english
    assert "no respondents" in english


def _satisfaction_survey(year, department, ratings, clerk):  # type: ignore[no-untyped-def]
    tz = timezone.get_current_timezone()
    survey = survey_with_questions(
        consultation=None,
        purpose="satisfaction",
        department=department,
        opens_at=datetime(year, 3, 1, tzinfo=tz),
        closes_at=datetime(year, 3, 31, tzinfo=tz),
    )
    question = survey.questions.get(kind="rating")
    survey.index_question = question
    survey.save()
    for rating in ratings:
        answers = valid_answers(survey)
        answers[question.key] = str(rating)
        actions.survey_record_paper(
            survey=survey,
            acting_user=clerk,
            raw_answers=answers,
            district=District.objects.get(number=1),
            band="25-34",
            sex="F",
        )
    actions.survey_aggregate_compute(survey_id=survey.pk)
    return survey


def test_satisfaction_index_api_is_public_read_only_and_documented(
    api, staff_user, django_assert_max_num_queries
):
    for year in (2024, 2025):
        population(year)
    department = DepartmentFactory()
    _satisfaction_survey(2024, department, [8, 8, 6, 6], staff_user)
    _satisfaction_survey(2025, department, [9, 9, 8, 8], staff_user)
    ImprovementAction.objects.create(
        year=2024, department=department, finding="Kolejki", action="Rezerwacje", owner="Kierownik"
    )
    url = "/api/v1/satisfaction-index/"
    clerk = UserFactory(is_staff=True)
    role_grant(user=clerk, role=Role.CLERK, acting_user=None, department=department)
    council = UserFactory()
    role_grant(
        user=council,
        role=Role.COUNCIL_MEMBER,
        acting_user=None,
        district_id=District.objects.get(number=1).pk,
    )
    bodies = []
    for who in (None, resident(1), resident(2), UserFactory(is_staff=True), clerk, council):
        api.force_authenticate(who)
        with django_assert_max_num_queries(6):
            response = api.get(url)
        assert response.status_code == 200
        bodies.append(response.json())
        for method in ("post", "put", "patch", "delete"):
            denied = getattr(api, method)(url, {"years": []}, format="json")
            assert denied.status_code in (401, 403, 405)
            assert "error" in denied.json()
    assert all(body == bodies[0] for body in bodies)
    body = bodies[0]
    assert [y["year"] for y in body["years"]] == [2024, 2025]
    assert body["years"][0]["overall"]["value"] == pytest.approx(70.0)
    assert body["years"][0]["rule_met"] is None
    assert body["years"][1]["overall"]["value"] == pytest.approx(85.0)
    assert body["years"][1]["rule_met"] is True
    assert body["years"][1]["departments"][0]["department"] == department.name
    assert body["improvement_actions"][0]["action"] == "Rezerwacje"
    assert ImprovementAction.objects.count() == 1
    assert SurveyAggregate.objects.count() == 2
    api.force_authenticate(None)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/satisfaction-index/"]["get"]
    assert "SatisfactionIndex" in str(operation["responses"]["200"])


def test_consultation_list_ordering_is_whitelisted(api, django_assert_max_num_queries):
    today = timezone.localdate()
    for title, shift in (("Bbb", 3), ("Aaa", 1), ("Ccc", 2)):
        ConsultationFactory(title=title, ends_on=today + timedelta(days=20 + shift))
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/consultations/", {"ordering": "title"}).json()
    assert [c["title"] for c in body["results"]] == ["Aaa", "Bbb", "Ccc"]
    body = api.get("/api/v1/consultations/", {"ordering": "-ends_on"}).json()
    assert [c["title"] for c in body["results"]] == ["Bbb", "Ccc", "Aaa"]
    body = api.get("/api/v1/consultations/", {"ordering": "-title,starts_on"}).json()
    assert [c["title"] for c in body["results"]] == ["Ccc", "Bbb", "Aaa"]
    for bad in ("created_by__email", "pk;drop", "decision", ""):
        response = api.get("/api/v1/consultations/", {"ordering": bad})
        assert response.status_code == 400
        assert "ordering" in response.json()["error"]["fields"]
    schema = api.get("/api/schema/", {"format": "json"}).json()
    params = schema["paths"]["/api/v1/consultations/"]["get"]["parameters"]
    assert "ordering" in {p["name"] for p in params}


def test_survey_list_ordering(api):
    survey_with_questions(title="Zeta")
    survey_with_questions(title="Alfa")
    body = api.get("/api/v1/surveys/", {"ordering": "title"}).json()
    assert [s["title"] for s in body["results"]] == ["Alfa", "Zeta"]
    assert api.get("/api/v1/surveys/", {"ordering": "department"}).status_code == 400
