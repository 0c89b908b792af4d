"""API writes added for task removal, task attachments and deadline overrides: the same rules as
the pages (a member of district A never changes B), as a permission matrix."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from districts import actions
from districts.models import DeadlineOverride, ResolutionTask, TaskAttachment
from tests.districts.factories import draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def api():
    return APIClient()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def task(year, district_a, member_a):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    return resolution.tasks.first()


def _outsiders(user, other_user, member_b, plain_clerk):
    """Everyone who must be refused: (label, user or None for anonymous, expected statuses)."""
    return [
        ("anonymous", None, {401, 403}),
        ("resident", user, {403, 404}),
        ("other resident", other_user, {403, 404}),
        ("clerk without permission", plain_clerk, {403, 404}),
        ("member of another district", member_b, {403, 404}),
    ]


# ------------------------------------------------------------------------ removing a task


def test_removing_a_draft_task_matrix(
    api, year, district_a, member_a, member_b, user, other_user, plain_clerk, reviewer
):
    resolution = draft(district_a, member_a, year)
    task = resolution.tasks.first()
    url = f"/api/v1/district-resolutions/{resolution.public_id}/tasks/{task.pk}/"
    for label, someone, expected in [
        *_outsiders(user, other_user, member_b, plain_clerk),
        ("reviewing clerk", reviewer, {403, 404}),
    ]:
        api.force_authenticate(someone)
        assert api.delete(url).status_code in expected, label
        assert ResolutionTask.objects.filter(pk=task.pk).exists(), label

    api.force_authenticate(member_a)
    response = api.delete(url)

    assert response.status_code == 200
    assert len(response.json()["tasks"]) == 2
    assert not ResolutionTask.objects.filter(pk=task.pk).exists()
    assert api.delete(url).status_code == 404


def test_a_filed_resolutions_task_cannot_be_removed(api, task, member_a):
    api.force_authenticate(member_a)
    url = f"/api/v1/district-resolutions/{task.resolution.public_id}/tasks/{task.pk}/"
    response = api.delete(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"]
    assert ResolutionTask.objects.filter(pk=task.pk).exists()


# ---------------------------------------------------------------------------- attachments


def test_attachments_upload_list_delete_matrix(
    api, task, member_a, member_b, user, other_user, plain_clerk, reviewer
):
    url = f"/api/v1/district-tasks/{task.pk}/attachments/"
    for label, someone, expected in _outsiders(user, other_user, member_b, plain_clerk):
        api.force_authenticate(someone)
        upload = SimpleUploadedFile("p.png", _png())
        response = api.post(url, {"kind": "photo", "title": "x", "file": upload})
        assert response.status_code in expected, label
    assert not TaskAttachment.objects.exists()

    api.force_authenticate(member_a)
    response = api.post(
        url, {"kind": "photo", "title": "Po remoncie", "file": SimpleUploadedFile("p.png", _png())}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/png"
    assert "p.png" not in body["url"]

    api.force_authenticate(None)
    listing = api.get(url)
    assert listing.status_code == 200
    assert [a["title"] for a in listing.json()] == ["Po remoncie"]

    delete_url = f"{url}{body['id']}/"
    for label, someone, expected in _outsiders(user, other_user, member_b, plain_clerk):
        api.force_authenticate(someone)
        assert api.delete(delete_url).status_code in expected, label
    assert TaskAttachment.objects.count() == 1
    api.force_authenticate(reviewer)  # a clerk with the permission may remove it too
    assert api.delete(delete_url).status_code == 204
    assert not TaskAttachment.objects.exists()
    assert api.delete(delete_url).status_code == 404


def test_attachment_bad_file_answers_400_and_saves_nothing(api, task, member_a):
    api.force_authenticate(member_a)
    url = f"/api/v1/district-tasks/{task.pk}/attachments/"
    response = api.post(
        url, {"kind": "photo", "title": "x", "file": SimpleUploadedFile("p.png", b"not a png")}
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    response = api.post(url, {"kind": "video", "title": "x"})
    assert response.status_code == 400
    assert not TaskAttachment.objects.exists()


def test_attachment_of_a_draft_task_is_not_reachable(api, year, district_b, member_b):
    task = draft(district_b, member_b, year).tasks.first()
    api.force_authenticate(member_b)
    response = api.post(
        f"/api/v1/district-tasks/{task.pk}/attachments/",
        {"kind": "photo", "title": "x", "file": SimpleUploadedFile("p.png", _png())},
    )
    assert response.status_code == 404
    assert not TaskAttachment.objects.exists()


def test_attachment_listing_is_bounded_in_queries(
    api, task, member_a, django_assert_max_num_queries
):
    for n in range(4):
        actions.task_attachment_add(
            task=task, kind="photo", title=f"z{n}", data=_png(), acting_user=member_a
        )
    with django_assert_max_num_queries(3):
        response = api.get(f"/api/v1/district-tasks/{task.pk}/attachments/")
    assert len(response.json()) == 4


# --------------------------------------------------------------------- deadline overrides


def _override_body(district, year):
    return {
        "district": district.slug,
        "year": year,
        "reason": "Sesja przełożona z powodu braku kworum.",
        "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }


def test_granting_an_override_matrix(
    api, year, district_a, member_a, member_b, user, other_user, plain_clerk, reviewer
):
    url = "/api/v1/district-deadline-overrides/"
    for label, someone, expected in [
        *_outsiders(user, other_user, member_b, plain_clerk),
        ("member of the district itself", member_a, {403}),
    ]:
        api.force_authenticate(someone)
        assert api.post(url, _override_body(district_a, year), format="json").status_code in (
            expected
        ), label
    assert not DeadlineOverride.objects.exists()

    api.force_authenticate(reviewer)
    response = api.post(url, _override_body(district_a, year), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["district"] == district_a.slug
    override = DeadlineOverride.objects.get()
    assert override.granted_by == reviewer
    assert override.history.first().history_user == reviewer


def test_override_bad_input_is_refused(api, year, district_a, reviewer):
    api.force_authenticate(reviewer)
    url = "/api/v1/district-deadline-overrides/"
    body = {**_override_body(district_a, year), "reason": "   "}
    response = api.post(url, body, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = api.post(url, {**body, "district": "nie-ma"}, format="json")
    assert response.status_code == 400
    assert not DeadlineOverride.objects.exists()


def test_override_visibility_and_withdrawal(
    api, year, district_a, district_b, member_a, member_b, user, reviewer
):
    mine = actions.deadline_override_grant(
        district=district_a,
        year=year,
        reason="Kworum",
        valid_until=timezone.localdate(),
        acting_user=reviewer,
    )
    actions.deadline_override_grant(
        district=district_b,
        year=year,
        reason="Kworum",
        valid_until=timezone.localdate(),
        acting_user=reviewer,
    )
    url = "/api/v1/district-deadline-overrides/"
    assert api.get(url).status_code in (401, 403)
    api.force_authenticate(user)
    assert api.get(url).json()["count"] == 0
    api.force_authenticate(member_a)
    assert [o["id"] for o in api.get(url).json()["results"]] == [mine.pk]
    # a member sees the permission for their district but cannot withdraw it
    assert api.delete(f"{url}{mine.pk}/").status_code == 403
    api.force_authenticate(member_b)
    assert api.delete(f"{url}{mine.pk}/").status_code == 404
    assert DeadlineOverride.objects.count() == 2

    api.force_authenticate(reviewer)
    assert api.get(url).json()["count"] == 2
    assert api.delete(f"{url}{mine.pk}/").status_code == 204
    assert not DeadlineOverride.objects.filter(pk=mine.pk).exists()


def test_override_granted_through_the_api_lets_a_late_filing_through(
    api, year, district_a, member_a, reviewer
):
    from datetime import date

    from tests.districts.factories import on

    resolution = draft(district_a, member_a, year)
    late = on(date(year, 4, 2))
    with pytest.raises(actions.ValidationError):
        actions.resolution_file(resolution=resolution, acting_user=member_a, now=late)
    api.force_authenticate(reviewer)
    body = {**_override_body(district_a, year), "valid_until": f"{year}-04-30"}
    assert api.post("/api/v1/district-deadline-overrides/", body, format="json").status_code == 201
    filed = actions.resolution_file(resolution=resolution, acting_user=member_a, now=late)
    assert filed.status == "filed"
