from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from districts import actions
from districts.models import Resolution, ResolutionStatus, ResolutionTask
from tests.districts.factories import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _state():
    return (
        list(Resolution.objects.order_by("pk").values()),
        list(ResolutionTask.objects.order_by("pk").values()),
    )


def test_allocations_are_public_and_exact(api, year, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        body = api.get(f"/api/v1/district-allocations/?year={year}&page_size=100").json()
    assert body["count"] == 18
    assert sum(Decimal(r["amount"]) for r in body["results"]) == Decimal("25000000.00")


def test_resolution_list_is_public_without_drafts(
    api, year, district_a, member_a, district_b, member_b, django_assert_max_num_queries
):
    filed = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    hidden = draft(district_b, member_b, year)
    with django_assert_max_num_queries(4):
        body = api.get("/api/v1/district-resolutions/").json()
    ids = [r["id"] for r in body["results"]]
    assert ids == [str(filed.public_id)]
    assert len(body["results"][0]["tasks"]) == 3
    assert api.get(f"/api/v1/district-resolutions/{hidden.public_id}/").status_code == 404


def test_tasks_are_public(api, year, district_a, member_a, django_assert_max_num_queries):
    actions.resolution_file(resolution=draft(district_a, member_a, year), acting_user=member_a)
    with django_assert_max_num_queries(3):
        body = api.get(f"/api/v1/district-tasks/?district={district_a.slug}").json()
    assert body["count"] == 3


def test_member_files_a_resolution_through_the_api(api, year, district_a, member_a):
    api.force_authenticate(member_a)
    today = timezone.localdate()
    response = api.post(
        "/api/v1/district-resolutions/",
        {
            "district": district_a.slug,
            "year": year,
            "number": f"V/7/{today.year}",
            "adopted_on": today.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    rid = response.json()["id"]
    funds = actions.district_allocation(district_id=district_a.pk, year=year)
    for category, share in [("repairs_small_infrastructure", "0.9"), ("disability", "0.1")]:
        response = api.post(
            f"/api/v1/district-resolutions/{rid}/tasks/",
            {
                "title": "Zadanie",
                "category": category,
                "amount": str((funds * Decimal(share)).quantize(Decimal("0.01"))),
                "implementing_unit": "ZDMK",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
    response = api.post(f"/api/v1/district-resolutions/{rid}/file/")
    assert response.status_code == 200
    assert response.json()["status"] == ResolutionStatus.FILED


def test_api_bad_input_is_a_clear_400_and_nothing_is_saved(api, year, district_a, member_a):
    resolution = draft(district_a, member_a, year)
    api.force_authenticate(member_a)
    before = _state()
    url = f"/api/v1/district-resolutions/{resolution.public_id}/tasks/"
    for amount in ("-1", "0", "999999999"):
        response = api.post(
            url,
            {"title": "X", "category": "sport", "amount": amount, "implementing_unit": "Z"},
            format="json",
        )
        assert response.status_code == 400
        assert "amount" in response.json()["error"]["fields"]
    response = api.post(
        "/api/v1/district-resolutions/",
        {"district": district_a.slug, "year": year, "number": "zly", "adopted_on": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "number" in response.json()["error"]["fields"]
    assert _state() == before


@pytest.mark.parametrize(
    "who",
    ["anonymous", "resident", "clerk_without_permission", "clerk_with_permission", "member_b"],
)
def test_api_writes_on_district_a_are_refused_to_everyone_else(
    api, year, district_a, member_a, member_b, user, plain_clerk, reviewer, who, mocker
):
    resolution = draft(district_a, member_a, year)
    someone = {
        "anonymous": None,
        "resident": user,
        "clerk_without_permission": plain_clerk,
        "clerk_with_permission": reviewer,
        "member_b": member_b,
    }[who]
    if someone is not None:
        api.force_authenticate(someone)
    delay = mocker.patch("celery.app.task.Task.apply_async")
    before = _state()
    base = f"/api/v1/district-resolutions/{resolution.public_id}"
    task_data = {"title": "X", "category": "sport", "amount": "1.00", "implementing_unit": "Z"}
    for url, data in [
        (f"{base}/tasks/", task_data),
        (f"{base}/file/", {}),
        (f"{base}/amend/", {}),
        (
            "/api/v1/district-resolutions/",
            {
                "district": district_a.slug,
                "year": year + 1,
                "number": "I/1/2026",
                "adopted_on": "2026-01-01",
            },
        ),
    ]:
        response = api.post(url, data, format="json")
        assert response.status_code in (401, 403, 404), (url, response.status_code)
        assert "tasks" not in response.json()
    assert _state() == before
    delay.assert_not_called()


def test_member_of_a_cannot_change_bs_filed_resolution(api, year, district_b, member_a, member_b):
    resolution = actions.resolution_file(
        resolution=draft(district_b, member_b, year), acting_user=member_b
    )
    task = resolution.tasks.first()
    api.force_authenticate(member_a)
    before = _state()
    assert (
        api.post(f"/api/v1/district-resolutions/{resolution.public_id}/amend/").status_code == 403
    )
    response = api.post(
        f"/api/v1/district-tasks/{task.pk}/progress/",
        {"status": "done", "committed": "1.00", "spent": "1.00"},
        format="json",
    )
    assert response.status_code == 403
    assert _state() == before


def test_review_through_the_api_needs_the_permission(
    api, year, district_a, member_a, plain_clerk, reviewer
):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    url = f"/api/v1/district-resolutions/{resolution.public_id}/review/"
    for someone in (member_a, plain_clerk):
        api.force_authenticate(someone)
        assert api.post(url, {"accept": True}, format="json").status_code == 403
    api.force_authenticate(reviewer)
    response = api.post(url, {"accept": True}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == ResolutionStatus.ACCEPTED
