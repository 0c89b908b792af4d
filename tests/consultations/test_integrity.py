"""consultations.integrity: which constraint failed, on PostgreSQL and in SQLite's wording."""

import pytest
from django.db import IntegrityError, connection, transaction

from consultations.integrity import violated_constraint


def test_sqlite_s_unique_message_is_mapped_to_the_register_constraint():
    exc = IntegrityError(
        "UNIQUE constraint failed: budget_voterregister.edition_id, "
        "budget_voterregister.pool_kind, budget_voterregister.voter_hash"
    )
    assert violated_constraint(exc) == "budget_one_ballot_per_person_per_pool_kind"
    exc = IntegrityError(
        "UNIQUE constraint failed: referenda_voteregister.referendum_id, "
        "referenda_voteregister.voter_hash"
    )
    assert violated_constraint(exc) == "referenda_one_vote_per_person"


@pytest.mark.parametrize(
    "message",
    [
        "UNIQUE constraint failed: budget_ballot.id",  # a key collision is not "already voted"
        "UNIQUE constraint failed: budget_voterregister.voter_hash",  # no such constraint
        "FOREIGN KEY constraint failed",
        "UNIQUE constraint failed: a.x, b.y",
        "",
    ],
)
def test_anything_else_is_not_named(message):
    assert violated_constraint(IntegrityError(message)) == ""


@pytest.mark.django_db
def test_postgresql_names_the_constraint_itself():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE t (x int CONSTRAINT t_x_unique UNIQUE)")
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            cursor.execute("INSERT INTO t VALUES (1), (1)")
    assert violated_constraint(caught.value) == "t_x_unique"
