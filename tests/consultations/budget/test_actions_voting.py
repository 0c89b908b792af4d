"""Voting: one ballot per person per pool kind, whatever the channel; ballot rules."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from consultations.budget import actions
from consultations.budget.models import (
    Ballot,
    BallotChoice,
    BallotType,
    DistrictChoice,
    PaperBallotRejection,
    ProjectStatus,
    VoterRegister,
)
from tests.consultations.budget import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    edition = f.edition(phase="voting")
    city = f.pool(edition=edition)
    district = f.pool(edition=edition, district_number=1, amount=Decimal("300000"))
    projects = [f.project(pool=city) for _ in range(5)]
    dprojects = [f.project(pool=district) for _ in range(3)]
    return edition, city, district, projects, dprojects


def test_online_ballot_is_stored_apart_from_the_register(setup, django_capture_on_commit_callbacks):
    # given a verified resident and an ordinal 3/2/1 city pool
    edition, city, _d, projects, _dp = setup
    voter = f.resident()
    # when they rank three projects
    with django_capture_on_commit_callbacks(execute=True):
        receipt = actions.ballot_cast_online(user=voter, pool=city, projects=projects[:3])
    # then the register holds the keyed hash, not the PESEL, and the ballot the 3/2/1 points
    entry = VoterRegister.objects.get()
    assert entry.voter_hash == actions.voter_hash(voter.pesel)
    assert voter.pesel not in entry.voter_hash
    ballot = Ballot.objects.get()
    assert ballot.check_code == receipt.check_code
    points = list(ballot.choices.order_by("position").values_list("project_id", "points"))
    assert points == [(projects[0].pk, 3), (projects[1].pk, 2), (projects[2].pk, 1)]
    # and the ballot model has no field pointing at a person
    assert not any(
        field.related_model and field.related_model.__name__ == "User"
        for field in Ballot._meta.get_fields()
    )
    # and a receipt e-mail with the check code was sent
    assert len(mail.outbox) == 1
    assert receipt.check_code in mail.outbox[0].body


def test_second_ballot_for_same_pool_kind_is_rejected(setup):
    _e, city, _d, projects, _dp = setup
    voter = f.resident()
    actions.ballot_cast_online(user=voter, pool=city, projects=projects[:1])
    with pytest.raises(actions.AlreadyVoted):
        actions.ballot_cast_online(user=voter, pool=city, projects=projects[1:2])
    assert Ballot.objects.count() == 1
    assert BallotChoice.objects.count() == 1


def test_city_and_district_ballots_are_separate_pool_kinds(setup):
    _e, city, district, projects, dprojects = setup
    voter = f.resident(district_number=1)
    actions.ballot_cast_online(user=voter, pool=city, projects=projects[:1])
    actions.ballot_cast_online(user=voter, pool=district, projects=dprojects[:2])
    assert VoterRegister.objects.count() == 2


def test_paper_ballot_after_online_vote_is_rejected_with_reason(setup):
    # given a resident who voted online
    _e, city, _d, projects, _dp = setup
    voter = f.resident()
    clerk = f.clerk("budget.enter_paper_ballot")
    actions.ballot_cast_online(user=voter, pool=city, projects=projects[:1])
    # when a clerk enters a paper ballot with the same PESEL
    outcome = actions.paper_ballot_enter(
        pool=city, pesel=voter.pesel, projects=projects[1:3], acting_user=clerk
    )
    # then it is refused, the reason recorded, nothing counted
    assert not outcome.accepted
    assert outcome.reason == "already_voted"
    assert PaperBallotRejection.objects.get().reason == "already_voted"
    assert Ballot.objects.count() == 1


def test_online_vote_after_paper_ballot_is_rejected(setup):
    _e, city, _d, projects, _dp = setup
    voter = f.resident()
    clerk = f.clerk("budget.enter_paper_ballot")
    assert actions.paper_ballot_enter(
        pool=city, pesel=voter.pesel, projects=projects[:2], acting_user=clerk
    ).accepted
    with pytest.raises(actions.AlreadyVoted):
        actions.ballot_cast_online(user=voter, pool=city, projects=projects[:1])
    assert Ballot.objects.count() == 1


def test_paper_ballot_with_invalid_pesel_is_rejected(setup):
    _e, city, _d, projects, _dp = setup
    clerk = f.clerk("budget.enter_paper_ballot")
    outcome = actions.paper_ballot_enter(
        pool=city, pesel="12345678901", projects=projects[:1], acting_user=clerk
    )
    assert not outcome.accepted
    assert outcome.reason == "invalid_pesel"
    assert not Ballot.objects.exists()
    assert not VoterRegister.objects.exists()


def test_spoilt_paper_ballot_is_counted_apart(setup):
    _e, city, _d, _projects, _dp = setup
    clerk = f.clerk("budget.enter_paper_ballot")
    outcome = actions.paper_ballot_enter(
        pool=city, pesel=f.make_pesel(), projects=[], is_valid=False, acting_user=clerk
    )
    assert outcome.accepted
    ballot = Ballot.objects.get()
    assert not ballot.is_valid
    assert not ballot.choices.exists()


def test_paper_entry_needs_the_permission(setup):
    _e, city, _d, projects, _dp = setup
    with pytest.raises(PermissionDenied):
        actions.paper_ballot_enter(
            pool=city, pesel=f.make_pesel(), projects=projects[:1], acting_user=f.clerk()
        )
    assert not Ballot.objects.exists()
    assert not PaperBallotRejection.objects.exists()


@pytest.mark.parametrize(
    ("picks", "code"),
    [
        ([0, 0], "duplicate"),
        ([0, 1, 2, 3], "too_many"),
        ([], "too_few"),
    ],
)
def test_bad_ballots_are_refused_and_nothing_counted(setup, picks, code):
    _e, city, _d, projects, _dp = setup
    voter = f.resident()
    with pytest.raises(ValidationError) as exc:
        actions.ballot_cast_online(user=voter, pool=city, projects=[projects[i] for i in picks])
    assert exc.value.code == code
    assert not VoterRegister.objects.exists()
    assert not Ballot.objects.exists()


def test_project_of_another_pool_or_rejected_is_not_on_the_ballot(setup):
    _e, city, _d, projects, dprojects = setup
    voter = f.resident()
    rejected = f.project(pool=city, status=ProjectStatus.REJECTED, decision_reason="Za drogi")
    for bad in (dprojects[0], rejected):
        with pytest.raises(ValidationError) as exc:
            actions.ballot_cast_online(user=voter, pool=city, projects=[bad])
        assert exc.value.code == "not_on_ballot"
    assert not Ballot.objects.exists()


def test_voting_outside_the_window_is_refused():
    edition = f.edition(phase="closed")
    city = f.pool(edition=edition)
    project = f.project(pool=city)
    with pytest.raises(ValidationError) as exc:
        actions.ballot_cast_online(user=f.resident(), pool=city, projects=[project])
    assert exc.value.code == "closed"
    assert not Ballot.objects.exists()


def test_unverified_account_cannot_vote(setup):
    _e, city, _d, projects, _dp = setup
    from tests.accounts.factories import UserFactory

    with pytest.raises(PermissionDenied):
        actions.ballot_cast_online(user=UserFactory(), pool=city, projects=projects[:1])
    assert not Ballot.objects.exists()


def test_own_district_only_unless_edition_allows_choice(setup):
    edition, _c, district, _p, dprojects = setup
    outsider = f.resident(district_number=2)
    with pytest.raises(ValidationError) as exc:
        actions.ballot_cast_online(user=outsider, pool=district, projects=dprojects[:1])
    assert exc.value.code == "pool_not_allowed"
    edition.district_choice = DistrictChoice.ANY
    edition.save()
    district.edition.refresh_from_db()
    actions.ballot_cast_online(user=outsider, pool=district, projects=dprojects[:1])
    assert Ballot.objects.count() == 1


def test_approval_and_cumulative_ballots():
    edition = f.edition(phase="voting")
    approval = f.pool(edition=edition, ballot_type=BallotType.APPROVAL, max_choices=2)
    cumulative = f.pool(
        edition=edition,
        district_number=1,
        ballot_type=BallotType.CUMULATIVE,
        max_choices=3,
        cumulative_points=5,
    )
    a = [f.project(pool=approval) for _ in range(3)]
    c = [f.project(pool=cumulative) for _ in range(3)]
    voter = f.resident(district_number=1)
    actions.ballot_cast_online(user=voter, pool=approval, projects=a[:2])
    with pytest.raises(ValidationError) as exc:
        actions.ballot_cast_online(user=voter, pool=cumulative, projects=c[:2], points=[4, 2])
    assert exc.value.code == "too_many_points"
    actions.ballot_cast_online(user=voter, pool=cumulative, projects=c[:2], points=[4, 1])
    assert sorted(BallotChoice.objects.values_list("points", flat=True)) == [1, 1, 1, 4]


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_for_one_voter_count_once():
    # given one voter and an open pool (committed: every thread has its own connection)
    from districts.actions import districts_load_reference

    districts_load_reference()
    edition = f.edition(phase="voting")
    city = f.pool(edition=edition)
    projects = [f.project(pool=city) for _ in range(3)]
    voter = f.resident()
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            barrier.wait()
            actions.ballot_cast_online(user=voter, pool=city, projects=projects)
            result = "ok"
        except actions.AlreadyVoted:
            result = "already"
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    # when 50 threads submit at once
    threads = [threading.Thread(target=submit) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one ballot counts, the other 49 are told they already voted
    assert sorted(outcomes) == ["already"] * 49 + ["ok"]
    assert VoterRegister.objects.count() == 1
    assert Ballot.objects.count() == 1
    assert BallotChoice.objects.count() == 3
