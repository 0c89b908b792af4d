"""Clerk pages (verification, appeal decisions, approving results) and the author's appeal page:
the permission matrix, the flows with history, bad input, no N+1."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.actions import role_grant
from accounts.models import Role
from consultations.budget import actions
from consultations.budget.models import (
    Ballot,
    BallotChoice,
    PoolResult,
    Project,
    ProjectStatus,
    ResultStatus,
)
from tests.consultations.budget import factories as f

pytestmark = pytest.mark.django_db


def _council_member():  # type: ignore[no-untyped-def]
    member = f.resident()
    role_grant(user=member, role=Role.COUNCIL_MEMBER, acting_user=None, district_id=1)
    return member


def _denied(client, who, method, url, data=None):  # type: ignore[no-untyped-def]
    client.logout()
    if who is not None:
        client.force_login(who)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    assert response.status_code in (302, 403), (who, response.status_code)
    if response.status_code == 302:
        assert "/login" in response["Location"]


@pytest.fixture
def submitted():  # type: ignore[no-untyped-def]
    edition = f.edition(phase="submission")
    pool = f.pool(edition=edition)
    author = f.resident()
    project = f.project(pool=pool, status=ProjectStatus.SUBMITTED, submitted_by=author)
    return project, author


def test_verify_pages_permission_matrix(client, submitted):
    project, author = submitted
    queue = reverse("budget:verify_queue")
    page = reverse("budget:verify", kwargs={"project_id": project.public_id})
    data = {"decision": "reject", "reason": "Teren prywatny"}
    for who in (None, author, f.resident(), f.clerk(), _council_member()):
        _denied(client, who, "get", queue)
        _denied(client, who, "get", page)
        _denied(client, who, "post", page, data)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert project.history.count() == 1


def test_clerk_rejects_with_reason_then_author_appeals_then_clerk_upholds(client, submitted):
    # given a submitted project and a clerk who may verify
    project, author = submitted
    clerk = f.clerk("budget.verify_project")
    client.force_login(clerk)
    page = reverse("budget:verify", kwargs={"project_id": project.public_id})
    assert project.title in client.get(reverse("budget:verify_queue")).content.decode()
    # a rejection without a reason is refused, nothing changes
    response = client.post(page, {"decision": "reject", "reason": "  "})
    assert response.status_code == 400
    assert "uzasadnienia" in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    # when the clerk rejects with a reason
    assert client.post(page, {"decision": "reject", "reason": "Teren prywatny"}).status_code == 302
    project.refresh_from_db()
    assert (project.status, project.decision_reason) == (ProjectStatus.REJECTED, "Teren prywatny")
    assert project.history.first().history_user == clerk
    # a second decision on the same project is refused with a message, never a 500
    again = client.post(page, {"decision": "accept", "reason": ""})
    assert again.status_code == 400
    # then the author sees the reason on the appeal page and appeals
    client.force_login(author)
    appeal = reverse("budget:appeal", kwargs={"project_id": project.public_id})
    body = client.get(appeal).content.decode()
    assert "Teren prywatny" in body
    assert client.post(appeal, {"text": ""}).status_code == 400
    assert client.post(appeal, {"text": "Działka należy do miasta"}).status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPEALED
    # and a clerk decides the appeal (a reason is required) and the project goes on the ballot
    client.force_login(clerk)
    assert "Działka należy do miasta" in client.get(page).content.decode()
    assert client.post(page, {"decision": "uphold", "reason": ""}).status_code == 400
    assert (
        client.post(page, {"decision": "uphold", "reason": "Księga wieczysta"}).status_code == 302
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED
    statuses = list(project.history.order_by("history_id").values_list("status", flat=True))
    assert statuses == ["submitted", "rejected", "appealed", "accepted"]
    assert "Księga wieczysta" in client.get(page).content.decode()


def test_dismissed_appeal_cannot_be_repeated(client, submitted):
    project, author = submitted
    clerk = f.clerk("budget.verify_project")
    actions.project_verify(project=project, accepted=False, reason="Za drogi", acting_user=clerk)
    actions.project_appeal(project=project, text="Nie jest", acting_user=author)
    actions.project_appeal_decide(project=project, upheld=False, reason="Jest", acting_user=clerk)
    client.force_login(author)
    appeal = reverse("budget:appeal", kwargs={"project_id": project.public_id})
    response = client.post(appeal, {"text": "Jeszcze raz"})
    assert response.status_code == 400
    project.refresh_from_db()
    assert (project.status, project.appeal_text) == (ProjectStatus.REJECTED, "Nie jest")


def test_appeal_page_matrix_and_deadline(client, submitted):
    project, author = submitted
    clerk = f.clerk("budget.verify_project")
    actions.project_verify(project=project, accepted=False, reason="Za drogi", acting_user=clerk)
    appeal = reverse("budget:appeal", kwargs={"project_id": project.public_id})
    for who in (None, f.resident(), clerk, _council_member()):
        _denied(client, who, "get", appeal)
        _denied(client, who, "post", appeal, {"text": "Proszę"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.REJECTED
    # after the appeals deadline the author is told so and nothing changes
    edition = project.pool.edition
    now = timezone.now()
    type(edition).objects.filter(pk=edition.pk).update(
        submission_start=now - timedelta(days=10),
        submission_end=now - timedelta(days=9),
        verification_end=now - timedelta(days=8),
        appeals_end=now - timedelta(days=1),
    )
    client.force_login(author)
    response = client.post(appeal, {"text": "Proszę"})
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.status == ProjectStatus.REJECTED


def test_verification_queue_has_no_n_plus_1(client, django_assert_max_num_queries):
    edition = f.edition(phase="submission")
    city = f.pool(edition=edition)
    district = f.pool(edition=edition, district_number=3)
    for pool in (city, district):
        for _ in range(15):
            f.project(pool=pool, status=ProjectStatus.SUBMITTED)
    client.force_login(f.clerk("budget.verify_project"))
    # session, user, permissions, count, page: a fixed number whatever the number of projects
    with django_assert_max_num_queries(14):
        response = client.get(reverse("budget:verify_queue"))
    assert response.status_code == 200
    assert response.content.decode().count("/urzad/weryfikacja/") >= 30


@pytest.fixture
def computed():  # type: ignore[no-untyped-def]
    edition = f.edition(phase="closed")
    pool = f.pool(edition=edition)
    projects = [f.project(pool=pool) for _ in range(3)]
    for chosen in ([0], [0, 1], [2]):
        ballot = Ballot.objects.create(pool=pool, channel="paper")
        for pos, i in enumerate(chosen, start=1):
            BallotChoice.objects.create(
                ballot=ballot, project=projects[i], position=pos, points=4 - pos
            )
    return actions.pool_results_compute(pool=pool)


def test_approve_results_matrix(client, computed):
    queue = reverse("budget:results_queue")
    page = reverse("budget:results_approve", kwargs={"pool_id": computed.pool.public_id})
    for who in (None, f.resident(), f.clerk(), f.clerk("budget.verify_project"), _council_member()):
        _denied(client, who, "get", queue)
        _denied(client, who, "get", page)
        _denied(client, who, "post", page, {"confirm": "on"})
    computed.refresh_from_db()
    assert computed.status == ResultStatus.COMPUTED


def test_clerk_approves_results_on_the_page(client, computed):
    clerk = f.clerk("budget.publish_results")
    client.force_login(clerk)
    page = reverse("budget:results_approve", kwargs={"pool_id": computed.pool.public_id})
    assert str(computed.pool) in client.get(reverse("budget:results_queue")).content.decode()
    assert client.get(page).status_code == 200
    # without the confirmation box: a clear error, not published
    assert client.post(page, {}).status_code == 400
    assert PoolResult.objects.get().status == ResultStatus.COMPUTED
    assert client.post(page, {"confirm": "on"}).status_code == 302
    result = PoolResult.objects.get()
    assert (result.status, result.approved_by) == (ResultStatus.PUBLISHED, clerk)
    assert result.history.first().history_user == clerk
    # the public results page now answers, and a second approval is refused, not a 500
    public = reverse(
        "budget:results",
        kwargs={"year": result.pool.edition.year, "pool_id": result.pool.public_id},
    )
    assert client.get(public).status_code == 200
    assert client.post(page, {"confirm": "on"}).status_code == 400
    assert client.get(reverse("budget:results_approve", kwargs={"pool_id": "x"})).status_code == 404


def test_admin_accept_action_skips_decided_projects(submitted):
    project, _author = submitted
    clerk = f.clerk("budget.verify_project")
    actions.project_verify(project=project, accepted=False, reason="Nie", acting_user=clerk)
    with pytest.raises(ValidationError) as exc:
        actions.project_verify(project=project, accepted=True, reason="", acting_user=clerk)
    assert exc.value.code == "not_submitted"
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.REJECTED
