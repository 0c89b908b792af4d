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
    pool, projects = _open_pool(5)
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


def _open_pool(projects: int):  # type: ignore[no-untyped-def]
    """A pool of an edition in its voting phase, with ``projects`` accepted projects."""
    _reference_districts()
    pool = f.pool(edition=f.edition(phase="voting"))
    return pool, [f.project(pool=pool) for _ in range(projects)]


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
    pool, projects = _open_pool(3)
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


def _seq_scans(table: str) -> int:
    """Sequential scans of ``table`` so far, this connection's own included (flushed first)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_get_numscans(%s::regclass)", [table])
        return int(cursor.fetchone()[0])


def _cast(pool, projects, person_hash: str) -> None:  # type: ignore[no-untyped-def]
    actions._write_ballot(
        pool=pool,
        person_hash=person_hash,
        channel="online",
        choices=[(project, points) for project, points in zip(projects, (3, 2, 1), strict=True)],
    )


# Transactional: every vote is its own statement on one connection, as on a web worker.
@pytest.mark.django_db(transaction=True)
def test_the_ballot_foreign_key_checks_stay_index_lookups_as_the_table_grows():
    # given a new connection that cast its first ballots while budget_ballot was analysed empty
    # (autovacuum off for the table, so no analyse replaces the connection's plans meanwhile)
    pool, projects = _open_pool(3)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE budget_ballot SET (autovacuum_enabled = false)")
        cursor.execute("VACUUM ANALYZE budget_ballot, budget_ballotchoice")
    try:
        connection.close()
        for n in range(8):
            _cast(pool, projects, f"early-{n}")
        # and budget_ballot then grew to 5,000 ballots
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO budget_ballot (id, pool_id, channel, is_valid, check_code) "
                "SELECT -g, %s, 'paper', true, 'G' || g FROM generate_series(1, 5000) g",
                [pool.pk],
            )
        before = _seq_scans("budget_ballot")
        # when the same connection stores 10 more ballots
        for n in range(10):
            _cast(pool, projects, f"later-{n}")
        # then none of their 30 choices' foreign-key checks read budget_ballot sequentially
        assert _seq_scans("budget_ballot") - before == 0
        assert BallotChoice.objects.count() == 54
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE budget_ballot RESET (autovacuum_enabled)")


@pytest.mark.django_db(transaction=True)
def test_the_vote_statement_leaves_sequential_scans_on_for_what_follows():
    # given an open pool
    pool, projects = _open_pool(3)

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            return str(cursor.fetchone()[0])

    # when a ballot is stored on its own, and another inside a caller's transaction
    _cast(pool, projects, "alone")
    after_alone = setting()
    with transaction.atomic():
        _cast(pool, projects, "inside")
        inside_after = setting()
    # then the planner's setting is back to normal after each, inside the transaction too
    assert (after_alone, inside_after, setting()) == ("on", "on", "on")
    assert VoterRegister.objects.count() == 2
