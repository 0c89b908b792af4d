"""What one vote request costs the database, and integrity failures that are not a repeat vote."""

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from consultations.budget import actions
from consultations.budget.models import Ballot, BallotChoice, Project, VoterRegister
from consultations.integrity import violated_constraint
from tests.consultations.budget import factories as f


def _token(user) -> str:  # type: ignore[no-untyped-def]
    raw = ApiToken.new_secret()
    ApiToken.objects.create(user=user, name="t", key_hash=ApiToken.hash(raw), hint=raw[:8])
    return raw


def _vote(client, pool, projects, token):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/pb-pools/{pool.public_id}/ballot/",
        json.dumps({"projects": [str(p.public_id) for p in projects]}),
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )


@pytest.mark.django_db(transaction=True)
def test_a_vote_request_is_one_token_statement_and_one_insert():
    # given a warm ballot snapshot (one vote already cast in this process)
    _reference_districts()
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition)
    projects = [f.project(pool=pool) for _ in range(5)]
    client = Client()
    assert _vote(client, pool, projects[:3], _token(f.resident())).status_code == 201
    # (no e-mail address: tests run Celery eagerly, so the receipt task would add its own query)
    token = _token(f.resident(email=None))
    # when another resident votes
    with CaptureQueriesContext(connection) as ctx:
        response = _vote(client, pool, projects[1:4], token)
    # then: one statement finds and touches the token (accounts), one INSERT statement stores
    # the register entry, the ballot and its 3 choices
    assert response.status_code == 201
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 2, sqls
    assert "FROM accounts_apitoken" in sqls[0]
    assert "INSERT INTO budget_voterregister" in sqls[1]
    assert VoterRegister.objects.count() == 2
    assert (
        BallotChoice.objects.filter(ballot__check_code=response.json()["check_code"]).count() == 3
    )


def _reference_districts() -> None:
    from districts.actions import districts_load_reference

    districts_load_reference()


# Transactional: foreign keys are checked when the vote's statement commits, as in production
# (inside a test's wrapping transaction they would be deferred to its end).
@pytest.mark.django_db(transaction=True)
def test_a_vanished_project_is_not_reported_as_already_voted():
    # given a ballot naming a project that no longer exists in the database
    _reference_districts()
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition)
    real = f.project(pool=pool)
    ghost = f.project(pool=pool)
    ghost_pk = ghost.pk
    Project.objects.filter(pk=ghost_pk).delete()
    ghost.pk = ghost_pk
    voter = f.resident()
    # when the resident votes, the foreign key refuses the choice
    with pytest.raises(actions.BallotNotSaved) as exc:
        actions.ballot_cast_online(user=voter, pool=pool, projects=[real, ghost])
    # then the message says the vote was not counted (not "already voted") and nothing is stored
    assert exc.value.code == "not_saved"
    assert not VoterRegister.objects.exists()
    assert not Ballot.objects.exists()
    # and the resident can still vote afterwards
    actions.ballot_cast_online(user=voter, pool=pool, projects=[real])
    assert VoterRegister.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_api_answers_409_not_saved_when_the_ballot_changed_under_the_snapshot():
    _reference_districts()
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition)
    projects = [f.project(pool=pool) for _ in range(3)]
    client = Client()
    assert _vote(client, pool, projects[:1], _token(f.resident())).status_code == 201
    # a project withdrawn (deleted) after the snapshot was taken
    Project.objects.filter(pk=projects[2].pk).delete()
    response = _vote(client, pool, projects[1:3], _token(f.resident()))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_saved"
    assert VoterRegister.objects.count() == 1


@pytest.mark.django_db
def test_violated_constraint_names_the_register_constraint():
    edition = f.edition(phase="voting")
    VoterRegister.objects.create(
        edition=edition, pool_kind="city", voter_hash="h", channel="online"
    )
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        VoterRegister.objects.create(
            edition=edition, pool_kind="city", voter_hash="h", channel="paper"
        )
    assert violated_constraint(exc.value) == actions.ONE_BALLOT_CONSTRAINT
