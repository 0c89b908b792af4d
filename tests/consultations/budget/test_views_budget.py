"""Budget pages: the ballot → review → receipt flow, bad input, the permission matrix."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.actions import role_grant
from accounts.models import Role
from consultations.budget import actions
from consultations.budget.models import Ballot, PaperBallotRejection, VoterRegister
from tests.accounts.factories import UserFactory
from tests.consultations.budget import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_pool():
    edition = f.edition(phase="voting")
    city = f.pool(edition=edition)
    projects = [f.project(pool=city) for _ in range(4)]
    return edition, city, projects


def _vote_url(edition, pool):
    return reverse("budget:vote", kwargs={"year": edition.year, "pool_id": pool.public_id})


def test_ballot_review_and_cast_flow(client, open_pool):
    # given a verified resident on the ballot page
    edition, city, projects = open_pool
    voter = f.resident()
    client.force_login(voter)
    url = _vote_url(edition, city)
    assert client.get(url).status_code == 200
    form = {"rank_1": str(projects[2].public_id), "rank_2": str(projects[0].public_id)}
    # when they go to the review step, nothing is stored yet
    review = client.post(url, {**form, "step": "review"})
    assert review.status_code == 200
    assert projects[2].title in review.content.decode()
    assert not Ballot.objects.exists()
    # and when they confirm, the ballot is cast and the receipt shows the check code
    cast = client.post(url, {**form, "step": "cast"}, follow=True)
    ballot = Ballot.objects.get()
    assert ballot.check_code in cast.content.decode()
    assert list(ballot.choices.order_by("position").values_list("points", flat=True)) == [3, 2]


def test_second_ballot_through_the_page_shows_already_voted(client, open_pool):
    edition, city, projects = open_pool
    voter = f.resident()
    actions.ballot_cast_online(user=voter, pool=city, projects=projects[:1])
    client.force_login(voter)
    response = client.post(
        _vote_url(edition, city), {"rank_1": str(projects[1].public_id), "step": "cast"}
    )
    assert response.status_code == 400
    assert "już oddała głos" in response.content.decode()
    assert Ballot.objects.count() == 1


def test_duplicate_choice_is_a_form_error(client, open_pool):
    edition, city, projects = open_pool
    client.force_login(f.resident())
    pid = str(projects[0].public_id)
    response = client.post(_vote_url(edition, city), {"rank_1": pid, "rank_2": pid, "step": "cast"})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not Ballot.objects.exists()


def test_tampered_project_id_is_a_form_error(client, open_pool):
    edition, city, _projects = open_pool
    client.force_login(f.resident())
    response = client.post(_vote_url(edition, city), {"rank_1": "nonsense", "step": "cast"})
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_vote_page_matrix(client, open_pool):
    edition, city, projects = open_pool
    url = _vote_url(edition, city)
    data = {"rank_1": str(projects[0].public_id), "step": "cast"}
    # anonymous → login
    response = client.post(url, data)
    assert response.status_code == 302
    assert "/login" in response["Location"]
    # e-mail-only account (below the edition's level) → 403 explaining verification
    client.force_login(UserFactory())
    assert client.post(url, data).status_code == 403
    # staff without verification cannot vote either
    client.force_login(f.clerk("budget.enter_paper_ballot"))
    assert client.post(url, data).status_code == 403
    assert not Ballot.objects.exists()
    assert not VoterRegister.objects.exists()


def test_district_pool_of_another_district_is_forbidden(client):
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition, district_number=3, amount=Decimal("200000"))
    project = f.project(pool=pool)
    client.force_login(f.resident(district_number=1))
    response = client.post(
        _vote_url(edition, pool), {"rank_1": str(project.public_id), "step": "cast"}
    )
    assert response.status_code == 403
    assert not Ballot.objects.exists()


def test_voting_closed_answers_409(client):
    edition = f.edition(phase="closed")
    pool = f.pool(edition=edition)
    f.project(pool=pool)
    client.force_login(f.resident())
    assert client.get(_vote_url(edition, pool)).status_code == 409


def test_paper_entry_matrix(client, open_pool):
    edition, city, projects = open_pool
    url = reverse("budget:paper", kwargs={"year": edition.year, "pool_id": city.public_id})
    data = {"pesel": f.make_pesel(), "rank_1": str(projects[0].public_id)}
    council = f.resident()
    role_grant(user=council, role=Role.COUNCIL_MEMBER, acting_user=None, district_id=1)
    for who in (None, f.resident(), f.resident(), f.clerk(), council):
        client.logout()
        if who is not None:
            client.force_login(who)
        response = client.post(url, data)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/login" in response["Location"]
    assert not Ballot.objects.exists()
    assert not PaperBallotRejection.objects.exists()
    # a clerk with the permission enters it
    client.force_login(f.clerk("budget.enter_paper_ballot"))
    assert client.post(url, data).status_code == 302
    assert Ballot.objects.filter(channel="paper").count() == 1


def test_paper_entry_invalid_pesel_shows_error_and_records_reason(client, open_pool):
    edition, city, projects = open_pool
    url = reverse("budget:paper", kwargs={"year": edition.year, "pool_id": city.public_id})
    client.force_login(f.clerk("budget.enter_paper_ballot"))
    response = client.post(url, {"pesel": "44051401459", "rank_1": str(projects[0].public_id)})
    assert response.status_code == 400
    assert "PESEL" in response.content.decode()
    assert PaperBallotRejection.objects.get().reason == "invalid_pesel"
    assert not Ballot.objects.exists()


def test_catalogue_filters_and_query_count(client, django_assert_max_num_queries, open_pool):
    edition, city, projects = open_pool
    district_pool = f.pool(edition=edition, district_number=2, amount=Decimal("300000"))
    f.project(pool=district_pool, title="Zielony skwer przy szkole")
    for _ in range(20):
        f.project(pool=city)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("budget:catalogue"), {"q": "skwer"})
    body = response.content.decode()
    assert "Zielony skwer" in body
    assert projects[0].title + "<" not in body
    with django_assert_max_num_queries(8):
        response = client.get(reverse("budget:catalogue"), {"dzielnica": "2", "rok": edition.year})
    assert "Zielony skwer" in response.content.decode()


def test_public_pages_answer(client, open_pool):
    edition, city, projects = open_pool
    for url in (
        reverse("budget:index"),
        reverse("budget:edition", kwargs={"year": edition.year}),
        reverse("budget:project", kwargs={"project_id": projects[0].public_id}),
        reverse("budget:check") + "?code=NOPE",
    ):
        assert client.get(url).status_code == 200
    assert client.get(reverse("budget:project", kwargs={"project_id": "x"})).status_code == 404
    results = reverse("budget:results", kwargs={"year": edition.year, "pool_id": city.public_id})
    assert client.get(results).status_code == 404


def test_check_code_finds_the_ballot(client, open_pool):
    edition, city, projects = open_pool
    receipt = actions.ballot_cast_online(user=f.resident(), pool=city, projects=projects[:2])
    response = client.get(reverse("budget:check"), {"code": receipt.check_code.lower()})
    assert projects[0].title in response.content.decode()
