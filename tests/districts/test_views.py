from decimal import Decimal

import pytest
from django.utils import timezone

from districts import actions
from districts.models import (
    CouncilMember,
    CouncilOffice,
    Resolution,
    ResolutionStatus,
    ResolutionTask,
)
from tests.districts.factories import draft

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(Resolution.objects.order_by("pk").values()),
        list(ResolutionTask.objects.order_by("pk").values()),
    )


def test_district_list_keeps_its_old_name_and_links_district_pages(client):
    html = client.get("/dzielnice/").content.decode()
    assert 'href="/dzielnice/nowa-huta/"' in html
    assert 'href="/dzielnice/fundusze/"' in html


def test_district_page_shows_council_office_members_and_activity(
    client, year, district_a, member_a, django_assert_max_num_queries
):
    CouncilOffice.objects.create(
        district=district_a, seat_address="ul. Ćwiklińskiej 2, Kraków", office_hours="pon. 17–19"
    )
    CouncilMember.objects.create(
        district=district_a,
        full_name="Jan Radny",
        function="chair",
        term_start="2024-05-01",
        term_end="2029-04-30",
    )
    actions.resolution_file(resolution=draft(district_a, member_a, year), acting_user=member_a)
    with django_assert_max_num_queries(12):
        response = client.get(f"/dzielnice/{district_a.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "ul. Ćwiklińskiej 2" in html
    assert "Jan Radny" in html
    assert "przewodniczący rady" in html
    assert "XII/1212/" in html  # the filed resolution, listed and in the activity feed


def test_unknown_district_is_404(client):
    assert client.get("/dzielnice/nie-ma-takiej/").status_code == 404


def test_funds_page_shows_plan_doubling_chart_and_table(
    client, year, django_assert_max_num_queries
):
    actions.funds_plan_set(year=2029, total=Decimal("24000000.00"), acting_user=None)
    with django_assert_max_num_queries(6):
        response = client.get("/dzielnice/fundusze/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html
    assert 'role="img"' in html
    assert html.count('<th scope="row"><a href="/dzielnice/') == 18
    assert "dwukrotność" in html


def test_register_lists_public_resolutions_only(
    client, year, district_a, member_a, district_b, member_b, django_assert_max_num_queries
):
    filed = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    hidden = draft(district_b, member_b, year)
    with django_assert_max_num_queries(4):
        html = client.get("/dzielnice/uchwaly/").content.decode()
    assert str(filed.public_id) in html
    assert str(hidden.public_id) not in html
    assert client.get("/dzielnice/uchwaly/?rok=abc").status_code == 200


def test_a_draft_is_visible_only_to_its_districts_members(
    client, year, district_a, member_a, member_b, reviewer
):
    resolution = draft(district_a, member_a, year)
    url = f"/dzielnice/uchwaly/{resolution.public_id}/"
    assert client.get(url).status_code == 404
    for someone in (member_b, reviewer):
        client.force_login(someone)
        assert client.get(url).status_code == 404
        assert client.get(url + "pdf/").status_code == 404
    client.force_login(member_a)
    assert client.get(url).status_code == 200


def test_filed_resolution_has_a_public_pdf(client, year, district_a, member_a):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    response = client.get(f"/dzielnice/uchwaly/{resolution.public_id}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_member_builds_and_files_a_resolution_through_the_pages(client, year, district_a, member_a):
    client.force_login(member_a)
    today = timezone.localdate()
    response = client.post(
        f"/dzielnice/{district_a.slug}/uchwaly/nowa/",
        {"year": year, "number": f"III/45/{today.year}", "adopted_on": today.isoformat()},
    )
    resolution = Resolution.objects.get()
    assert response.status_code == 302
    funds = actions.district_allocation(district_id=district_a.pk, year=year)
    for category, share in [("repairs_small_infrastructure", "0.8"), ("disability", "0.1")]:
        response = client.post(
            f"/dzielnice/uchwaly/{resolution.public_id}/zadania/",
            {
                "title": "Chodnik",
                "category": category,
                "amount": str((funds * Decimal(share)).quantize(Decimal("0.01"))),
                "implementing_unit": "ZDMK",
            },
        )
        assert response.status_code == 302
    response = client.post(f"/dzielnice/uchwaly/{resolution.public_id}/zloz/")
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.FILED


def test_bad_task_input_shows_a_translated_error_and_saves_nothing(
    client, year, district_a, member_a
):
    resolution = draft(district_a, member_a, year)
    client.force_login(member_a)
    before = _state()
    response = client.post(
        f"/dzielnice/uchwaly/{resolution.public_id}/zadania/",
        {"title": "X", "category": "sport", "amount": "-5", "implementing_unit": "ZIS"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    assert 'aria-invalid="true"' in html
    response = client.post(
        f"/en/dzielnice/uchwaly/{resolution.public_id}/zadania/",
        {"title": "X", "category": "sport", "amount": "99999999", "implementing_unit": "ZIS"},
    )
    assert response.status_code == 400
    assert "would exceed the district" in response.content.decode()
    assert _state() == before


def test_filing_a_draft_that_breaks_the_statute_shows_why(client, year, district_a, member_a):
    resolution = draft(district_a, member_a, year, compliant=False)
    client.force_login(member_a)
    response = client.post(f"/dzielnice/uchwaly/{resolution.public_id}/zloz/")
    assert response.status_code == 400
    assert "co najmniej 70%" in response.content.decode()
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.DRAFT


@pytest.fixture
def matrix(year, district_a, member_a, member_b, user, other_user, plain_clerk, reviewer):
    """Everyone of the permission matrix, and a draft of district A."""
    resolution = draft(district_a, member_a, year)
    return {
        "resolution": resolution,
        "users": {
            "anonymous": None,
            "resident": user,
            "other_resident": other_user,
            "clerk_without_permission": plain_clerk,
            "clerk_with_permission": reviewer,
            "member_of_other_district": member_b,
        },
    }


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "resident",
        "other_resident",
        "clerk_without_permission",
        "clerk_with_permission",
        "member_of_other_district",
    ],
)
def test_nobody_but_the_districts_members_changes_its_draft(client, matrix, who, mocker):
    resolution = matrix["resolution"]
    someone = matrix["users"][who]
    if someone is not None:
        client.force_login(someone)
    delay = mocker.patch("celery.app.task.Task.apply_async")
    task = resolution.tasks.first()
    base = f"/dzielnice/uchwaly/{resolution.public_id}"
    before = _state()
    posts = [
        (f"{base}/edycja/", {"number": "I/1/2026", "adopted_on": "2026-01-01"}),
        (
            f"{base}/zadania/",
            {"title": "X", "category": "sport", "amount": "1", "implementing_unit": "X"},
        ),
        (f"{base}/zadania/{task.pk}/usun/", {}),
        (f"{base}/zloz/", {}),
        (f"{base}/nowa-wersja/", {}),
        (f"/dzielnice/{resolution.district.slug}/uchwaly/nowa/", {"year": "2026"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        expected = (302,) if someone is None else (403, 404)
        assert response.status_code in expected, url
        if someone is None:
            assert "/konto/login/" in response["Location"]
        assert "Zadanie" not in response.content.decode()
    assert client.get(f"{base}/edycja/").status_code in ((302,) if someone is None else (403, 404))
    assert _state() == before
    delay.assert_not_called()


def test_review_page_matrix(client, year, district_a, member_a, user, plain_clerk, reviewer):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    url = f"/dzielnice/uchwaly/{resolution.public_id}/ocena/"
    before = _state()
    assert client.post(url, {"decision": "accept"}).status_code == 302
    for someone in (user, plain_clerk, member_a):
        client.force_login(someone)
        assert client.post(url, {"decision": "accept"}).status_code == 403
    assert _state() == before
    client.force_login(reviewer)
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 400
    assert _state() == before
    response = client.post(url, {"decision": "return", "comment": "Popraw kwoty"})
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.RETURNED


def test_progress_page_matrix(
    client, year, district_a, member_a, member_b, user, plain_clerk, reviewer
):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    task = resolution.tasks.first()
    url = f"/dzielnice/zadania/{task.pk}/postep/"
    data = {"status": "done", "committed": "10.00", "spent": "5.00"}
    for someone in (user, plain_clerk, member_b):
        client.force_login(someone)
        assert client.post(url, data).status_code == 403
    task.refresh_from_db()
    assert task.status == "planned"
    for someone in (member_a, reviewer):
        client.force_login(someone)
        assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.spent) == ("done", Decimal("5.00"))


def test_public_progress_view_lists_tasks_in_few_queries(
    client, year, district_a, member_a, django_assert_max_num_queries
):
    actions.resolution_file(resolution=draft(district_a, member_a, year), acting_user=member_a)
    with django_assert_max_num_queries(4):
        response = client.get(f"/dzielnice/{district_a.slug}/zadania/")
    assert response.status_code == 200
    assert response.content.decode().count("Zadanie ") >= 3


def test_council_page_needs_a_role(client, user, member_a, reviewer):
    assert client.get("/dzielnice/rada/").status_code == 302
    client.force_login(user)
    assert client.get("/dzielnice/rada/").status_code == 403
    for someone in (member_a, reviewer):
        client.force_login(someone)
        assert client.get("/dzielnice/rada/").status_code == 200
