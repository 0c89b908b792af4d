"""Budget API: public reads, casting a ballot with the same rules, pabulib export."""

import pytest
from rest_framework.test import APIClient

from consultations.budget import actions
from consultations.budget.models import Ballot
from tests.accounts.factories import UserFactory
from tests.consultations.budget import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def open_pool():
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition)
    return edition, pool, [f.project(pool=pool) for _ in range(4)]


def test_public_reads(api, open_pool, django_assert_max_num_queries):
    edition, pool, projects = open_pool
    for _ in range(10):
        f.project(pool=pool)
    with django_assert_max_num_queries(5):
        body = api.get("/api/v1/pb-editions/").json()
    assert body[0]["year"] == edition.year
    assert body[0]["pools"][0]["amount"] == "1000000.00"
    with django_assert_max_num_queries(5):
        page = api.get("/api/v1/pb-projects/", {"year": edition.year}).json()
    assert page["count"] == 14
    assert api.get(f"/api/v1/pb-pools/{pool.public_id}/").status_code == 200
    assert api.get("/api/v1/pb-pools/not-a-uuid/").status_code == 404
    assert api.get(f"/api/v1/pb-pools/{pool.public_id}/results/").status_code == 404
    assert api.get(f"/api/v1/pb-pools/{pool.public_id}/pabulib/").status_code == 404


def test_cast_ballot_through_the_api(api, open_pool):
    _e, pool, projects = open_pool
    url = f"/api/v1/pb-pools/{pool.public_id}/ballot/"
    data = {"projects": [str(projects[1].public_id), str(projects[0].public_id)]}
    # anonymous: refused, nothing stored
    assert api.post(url, data, format="json").status_code in (401, 403)
    # e-mail-only account: 403
    api.force_authenticate(UserFactory())
    assert api.post(url, data, format="json").status_code == 403
    assert not Ballot.objects.exists()
    # a verified resident: 201 with codes
    voter = f.resident()
    api.force_authenticate(voter)
    response = api.post(url, data, format="json")
    assert response.status_code == 201
    assert Ballot.objects.get().check_code == response.json()["check_code"]
    # the second ballot: 409 with a clear message
    second = api.post(url, {"projects": [str(projects[2].public_id)]}, format="json")
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_voted"
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"projects": "x"},
        {"projects": ["00000000-0000-0000-0000-000000000000"]},
        {},
    ],
)
def test_malformed_ballots_are_400(api, open_pool, payload):
    api.force_authenticate(f.resident())
    _e, pool, _p = open_pool
    response = api.post(f"/api/v1/pb-pools/{pool.public_id}/ballot/", payload, format="json")
    assert response.status_code == 400
    assert "error" in response.json()
    assert not Ballot.objects.exists()


def test_too_many_and_duplicates_are_400(api, open_pool):
    _e, pool, projects = open_pool
    api.force_authenticate(f.resident())
    url = f"/api/v1/pb-pools/{pool.public_id}/ballot/"
    ids = [str(p.public_id) for p in projects]
    assert api.post(url, {"projects": ids}, format="json").status_code == 400
    assert api.post(url, {"projects": [ids[0], ids[0]]}, format="json").status_code == 400
    assert not Ballot.objects.exists()


def test_published_results_and_pabulib_are_public():
    edition = f.edition(phase="closed")
    pool = f.pool(edition=edition)
    f.project(pool=pool)
    result = actions.pool_results_compute(pool=pool)
    api = APIClient()
    assert api.get(f"/api/v1/pb-pools/{pool.public_id}/pabulib/").status_code == 404
    clerk = f.clerk("budget.publish_results")
    api.force_authenticate(clerk)
    assert api.get(f"/api/v1/pb-pools/{pool.public_id}/pabulib/").status_code == 200
    actions.pool_results_publish(result=result, acting_user=clerk)
    api.force_authenticate(None)
    assert (
        api.get(f"/api/v1/pb-pools/{pool.public_id}/results/").json()["greedy"]["rule"] == "greedy"
    )
    text = api.get(f"/api/v1/pb-pools/{pool.public_id}/pabulib/").content.decode()
    assert text.startswith("META")
