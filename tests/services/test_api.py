"""The e-services API: public catalogue and forms, cases by role, submission (R-SRV-7)."""

from typing import Any

import pytest
from django.urls import reverse

from services.models import Case
from tests.services.conftest import animal_post

MATRIX = ["anonymous", "owner", "other_user", "other_clerk", "clerk", "council_member"]


def test_catalogue_and_form_are_public(client: Any, reference: None) -> None:
    response = client.get(reverse("eservice-list"))
    assert response.status_code == 200
    slugs = [row["slug"] for row in response.json()["results"]]
    assert "mieszkanie-za-remont" in slugs
    response = client.get(reverse("eservice-form", args=["sterylizacja-kastracja-czipowanie"]))
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.json()["schema"]["sections"][1]["key"] == "animal"


def test_catalogue_list_query_count(
    client: Any, reference: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        client.get(reverse("eservice-list"))


def _api_fields(**overrides: Any) -> dict[str, Any]:
    fields = animal_post(**overrides)
    fields.pop("action")
    fields["f-declarations-resident"] = True
    return fields


def test_submission_through_the_api(client: Any, user: Any, animal_service: Any) -> None:
    client.force_login(user)
    url = reverse("eservice-submit", args=[animal_service.slug])
    response = client.post(
        url, {"definition_version": 1, "fields": _api_fields()}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert response.json()["number"] == case.number
    assert case.applicant == user


def test_invalid_api_submission_answers_400_and_changes_nothing(
    client: Any, user: Any, animal_service: Any
) -> None:
    client.force_login(user)
    url = reverse("eservice-submit", args=[animal_service.slug])
    body = {"definition_version": 1, "fields": _api_fields(**{"f-owner-pesel": "1"})}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "f-owner-pesel" in response.json()["error"]["fields"]
    body = {"definition_version": 7, "fields": _api_fields()}
    assert client.post(url, body, content_type="application/json").status_code == 400
    assert client.post(url, "[]", content_type="application/json").status_code == 400
    assert Case.objects.count() == 0


def test_anonymous_cannot_submit(client: Any, animal_service: Any) -> None:
    url = reverse("eservice-submit", args=[animal_service.slug])
    body = {"definition_version": 1, "fields": _api_fields()}
    assert client.post(url, body, content_type="application/json").status_code in (401, 403)
    assert Case.objects.count() == 0


@pytest.mark.parametrize("who", MATRIX)
def test_case_list_and_detail_matrix(
    client: Any, animal_case: Any, who: str, request: pytest.FixtureRequest
) -> None:
    if who != "anonymous":
        user = animal_case.applicant if who == "owner" else request.getfixturevalue(who)
        client.force_login(user)
    listing = client.get(reverse("service-case-list"))
    detail = client.get(reverse("service-case-detail", args=[animal_case.public_id]))
    if who == "anonymous":
        assert listing.status_code in (401, 403)
        assert detail.status_code in (401, 403)
        return
    numbers = [row["number"] for row in listing.json()["results"]]
    if who in ("owner", "clerk"):
        assert numbers == [animal_case.number]
        assert detail.status_code == 200
    else:
        assert numbers == []
        assert detail.status_code == 404
        assert animal_case.number not in detail.text


def test_clerk_scope_department_excludes_own_cases(
    client: Any, animal_case: Any, clerk: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.services.test_actions_cases import _submit

    for _ in range(4):  # more cases must not mean more queries
        _submit(animal_case.service, animal_case.applicant)
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("service-case-list"), {"scope": "department"})
    assert animal_case.number in [r["number"] for r in response.json()["results"]]
    response = client.get(reverse("service-case-list"), {"scope": "own"})
    assert response.json()["results"] == []
    assert client.get("/api/v1/service-cases/not-a-uuid/").status_code == 404
