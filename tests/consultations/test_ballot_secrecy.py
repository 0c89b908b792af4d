"""Ballot secrecy below the ORM (issue #5): the register cannot be paired with the ballots, not
by ordering ids, nor by PostgreSQL's own ``xmin``/``ctid`` once voting has closed.

Transactional tests: each vote must commit on its own, as in production (inside one wrapping
test transaction every row would share its ``xmin``).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consultations import secrecy
from consultations.budget import actions as budget
from consultations.budget import tasks as budget_tasks
from consultations.budget.models import Ballot, BallotChoice, Edition, VoterRegister
from consultations.referenda import actions as referenda
from consultations.referenda import selectors as referenda_selectors
from consultations.referenda import tasks as referenda_tasks
from consultations.referenda.models import Referendum, ReferendumBallot, VoteRegister
from tests.consultations.budget import factories as f
from tests.consultations.referenda import factories as rf

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 30


@pytest.fixture(autouse=True)
def _districts():  # type: ignore[no-untyped-def]
    from districts.actions import districts_load_reference

    districts_load_reference()


def _rows(sql: str, params: list[object]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _xmins(table: str, where: str, params: list[object]) -> set[str]:
    return {r[0] for r in _rows(f"SELECT xmin::text FROM {table} WHERE {where}", params)}  # noqa: S608


def _positional_matches(a: list[object], b: list[object]) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if x == y)


def _cast(pool, projects, n: int = VOTERS) -> list[str]:  # type: ignore[no-untyped-def]
    """``n`` residents vote in turn (each a different ranking); their check codes in order."""
    codes = []
    for i in range(n):
        chosen = [projects[i % 5], projects[(i + 1) % 5], projects[(i + 2 + i // 5) % 5]]
        if len({p.pk for p in chosen}) < 3:
            chosen = chosen[:2]
        receipt = budget.ballot_cast_online(user=f.resident(email=None), pool=pool, projects=chosen)
        codes.append(receipt.check_code)
    return codes


def _voting_pool():  # type: ignore[no-untyped-def]
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition)
    projects = [f.project(pool=pool) for _ in range(5)]
    return edition, pool, projects


def _close(edition: Edition) -> Edition:
    Edition.objects.filter(pk=edition.pk).update(voting_end=timezone.now() - timedelta(minutes=1))
    edition.refresh_from_db()
    return edition


def _contents(pool) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return sorted(
        BallotChoice.objects.filter(ballot__pool=pool).values_list(
            "id", "ballot_id", "ballot__check_code", "project_id", "position", "points"
        )
    )


# --------------------------------------------------------------------------------------------
# keys


def test_budget_ballot_and_choice_ids_do_not_follow_the_casting_order():
    # given 30 residents voting one after another (the register's ids follow them)
    _edition, pool, projects = _voting_pool()
    cast_order = _cast(pool, projects)
    register = list(VoterRegister.objects.order_by("id").values_list("id", flat=True))
    assert len(register) == VOTERS
    # when an administrator sorts the ballots and the choices by id
    by_id = list(Ballot.objects.order_by("id").values_list("check_code", flat=True))
    seen: list[str] = []
    for code in BallotChoice.objects.order_by("id").values_list("ballot__check_code", flat=True):
        if code not in seen:
            seen.append(code)
    # then neither order is the casting order (sequential ids would give it back exactly; a
    # random order agrees in about one position, 10 or more has odds below 1e-7)
    assert by_id != cast_order
    assert _positional_matches(list(by_id), list(cast_order)) < 10
    assert seen != cast_order
    assert _positional_matches(list(seen), list(cast_order)) < 10
    # and the keys are positive bigints spread over the whole range, not small counters
    ids = list(Ballot.objects.values_list("id", flat=True))
    assert all(0 < k <= secrecy.KEY_MAX for k in ids)
    assert max(ids) > 2**40


def test_referendum_ballot_ids_do_not_follow_the_casting_order():
    voters = [f.resident() for _ in range(VOTERS)]
    referendum = rf.referendum()
    cast_ids: list[int] = []
    for i, voter in enumerate(voters):
        referenda.referendum_vote(
            referendum=referendum, user=voter, answer="yes" if i % 2 else "no"
        )
        (new,) = ReferendumBallot.objects.exclude(id__in=cast_ids).values_list("id", flat=True)
        cast_ids.append(new)
    by_id = sorted(cast_ids)
    assert by_id != cast_ids
    assert _positional_matches(list(by_id), list(cast_ids)) < 10


def test_a_ballot_key_collision_is_retried_not_reported_as_already_voted(monkeypatch):
    # given one ballot already stored
    _edition, pool, projects = _voting_pool()
    _cast(pool, projects, n=1)
    taken_ballot = Ballot.objects.get().id
    taken_choice = BallotChoice.objects.first().id  # type: ignore[union-attr]
    # when the random key generator hands out taken keys first (ballot, then a choice)
    real = secrecy.random_key
    forced = iter([taken_ballot, real(), real(), real(), real(), taken_choice])
    monkeypatch.setattr(secrecy, "random_key", lambda: next(forced, None) or real())
    receipt = budget.ballot_cast_online(user=f.resident(), pool=pool, projects=projects[:3])
    # then the vote is stored once, with fresh keys, after two retries
    assert Ballot.objects.count() == 2
    assert BallotChoice.objects.filter(ballot__check_code=receipt.check_code).count() == 3
    assert VoterRegister.objects.count() == 2


def test_a_key_that_keeps_colliding_is_not_saved_and_not_already_voted(monkeypatch):
    _edition, pool, projects = _voting_pool()
    _cast(pool, projects, n=1)
    taken = Ballot.objects.get().id
    monkeypatch.setattr(secrecy, "random_key", lambda: taken)
    voter = f.resident()
    with pytest.raises(budget.BallotNotSaved):
        budget.ballot_cast_online(user=voter, pool=pool, projects=projects[:1])
    assert Ballot.objects.count() == 1
    assert VoterRegister.objects.count() == 1


def test_a_referendum_key_collision_is_retried(monkeypatch):
    voters = [f.resident() for _ in range(3)]
    referendum = rf.referendum()
    referenda.referendum_vote(referendum=referendum, user=voters[0], answer="yes")
    taken = ReferendumBallot.objects.get().id
    real = secrecy.random_key
    forced = iter([taken])
    monkeypatch.setattr(secrecy, "random_key", lambda: next(forced, None) or real())
    referenda.referendum_vote(referendum=referendum, user=voters[1], answer="no")
    assert ReferendumBallot.objects.count() == 2
    assert VoteRegister.objects.count() == 2
    # a key that keeps colliding: "not saved", never "already voted", nothing stored
    monkeypatch.setattr(secrecy, "random_key", lambda: taken)
    clerk = f.clerk("referenda.enter_paper_vote")
    outcome = referenda.referendum_paper_vote(
        referendum=referendum, pesel=voters[2].pesel, answer="yes", acting_user=clerk
    )
    assert not outcome.accepted
    assert "Nie udało się zapisać głosu" in outcome.message
    assert ReferendumBallot.objects.count() == 2


# --------------------------------------------------------------------------------------------
# reseal after voting


def test_budget_reseal_gives_all_ballot_rows_one_new_xmin_and_keeps_results(monkeypatch, client):
    vacuumed: list[bool] = []
    real_vacuum = secrecy.vacuum
    monkeypatch.setattr(secrecy, "vacuum", lambda *t: vacuumed.append(real_vacuum(*t)) or True)
    # given 30 ballots, each written in the same transaction as its register row
    edition, pool, projects = _voting_pool()
    cast_order = _cast(pool, projects)
    where_ballot = "pool_id = %s"
    where_choice = "ballot_id IN (SELECT id FROM budget_ballot WHERE pool_id = %s)"
    register_xmins = _xmins("budget_voterregister", "edition_id = %s", [edition.pk])
    assert _xmins("budget_ballot", where_ballot, [pool.pk]) == register_xmins  # the leak
    # and results computed once voting closed
    edition = _close(edition)
    before = budget.pool_results_compute(pool=pool)
    before_greedy, before_mes = before.greedy, before.mes["selected"]
    contents = _contents(pool)
    # when the ballots are resealed
    assert budget.edition_ballots_reseal(edition=edition)
    # then every ballot and choice of the pool carries one xmin, no register row's
    sealed = _xmins("budget_ballot", where_ballot, [pool.pk]) | _xmins(
        "budget_ballotchoice", where_choice, [pool.pk]
    )
    assert len(sealed) == 1
    assert not sealed & _xmins("budget_voterregister", "edition_id = %s", [edition.pk])
    # and the physical order no longer follows the casting order
    heap = [r[0] for r in _rows("SELECT check_code FROM budget_ballot ORDER BY ctid", [])]
    assert heap != cast_order
    assert _positional_matches(heap, list(cast_order)) < 10
    # and nothing else changed: ids, contents, counts, results
    assert _contents(pool) == contents
    after = budget.pool_results_compute(pool=pool)
    assert after.greedy == before_greedy
    assert after.mes["selected"] == before_mes
    assert (after.voters, after.invalid_ballots) == (before.voters, before.invalid_ballots)
    # and it is recorded, and the old row versions were vacuumed (outside a transaction)
    edition.refresh_from_db()
    assert edition.ballots_resealed_at is not None
    assert vacuumed == [True]
    # and the clerk approving the results sees when it ran
    client.force_login(f.clerk("budget.publish_results"))
    page = client.get(reverse("budget:results_approve", kwargs={"pool_id": pool.public_id}))
    assert "Karty przetasowane po głosowaniu" in page.content.decode()
    assert "jeszcze nie" not in page.content.decode()


def test_budget_reseal_is_idempotent_and_runs_again_after_a_late_paper_ballot():
    edition, pool, projects = _voting_pool()
    _cast(pool, projects, n=5)
    edition = _close(edition)
    assert budget.edition_ballots_reseal(edition=edition)
    where = "pool_id = %s"
    sealed = _xmins("budget_ballot", where, [pool.pk])
    heap = _rows("SELECT id FROM budget_ballot ORDER BY ctid", [])
    # run twice: nothing to do, nothing rewritten
    assert not budget.edition_ballots_reseal(edition=edition)
    assert _xmins("budget_ballot", where, [pool.pk]) == sealed
    assert _rows("SELECT id FROM budget_ballot ORDER BY ctid", []) == heap
    # a paper ballot entered after closing shares its xmin with its register row …
    clerk = f.clerk("budget.enter_paper_ballot")
    assert budget.paper_ballot_enter(
        pool=pool, pesel=f.make_pesel(), projects=projects[:2], acting_user=clerk
    ).accepted
    # … so the next reseal (the results task) rewrites the edition again
    budget_tasks.compute_pool_results.delay(pool.pk)
    xmins = _xmins("budget_ballot", where, [pool.pk])
    assert len(xmins) == 1
    assert xmins != sealed
    assert not xmins & _xmins("budget_voterregister", "edition_id = %s", [edition.pk])
    assert Ballot.objects.filter(pool=pool).count() == 6
    assert pool.result.voters == 6


def test_budget_reseal_of_one_edition_leaves_another_untouched():
    first, pool_a, projects_a = _voting_pool()
    second, pool_b, projects_b = _voting_pool()
    _cast(pool_a, projects_a, n=4)
    _cast(pool_b, projects_b, n=4)
    first, second = _close(first), _close(second)
    assert budget.edition_ballots_reseal(edition=first)
    where = "pool_id = %s"
    sealed_a = _xmins("budget_ballot", where, [pool_a.pk])
    heap_a = _rows("SELECT id FROM budget_ballot WHERE pool_id = %s ORDER BY ctid", [pool_a.pk])
    b_before = _xmins("budget_ballot", where, [pool_b.pk])
    assert len(b_before) == 4  # the second edition was not rewritten by the first reseal
    assert budget.edition_ballots_reseal(edition=second)
    assert _xmins("budget_ballot", where, [pool_a.pk]) == sealed_a
    assert (
        _rows("SELECT id FROM budget_ballot WHERE pool_id = %s ORDER BY ctid", [pool_a.pk])
        == heap_a
    )
    assert len(_xmins("budget_ballot", where, [pool_b.pk])) == 1


def test_budget_reseal_refuses_while_voting_and_does_nothing_on_sqlite(monkeypatch):
    edition, pool, projects = _voting_pool()
    _cast(pool, projects, n=2)
    with pytest.raises(ValidationError):
        budget.edition_ballots_reseal(edition=edition)
    edition = _close(edition)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert not budget.edition_ballots_reseal(edition=edition)
    monkeypatch.undo()
    assert len(_xmins("budget_ballot", "pool_id = %s", [pool.pk])) == 2
    edition.refresh_from_db()
    assert edition.ballots_resealed_at is None


def test_closing_a_referendum_reseals_its_ballots():
    voters = [f.resident() for _ in range(VOTERS)]
    referendum = rf.referendum()
    other = rf.referendum(question="Czy zbudować tężnię?")
    cast_ids: list[int] = []
    for i, voter in enumerate(voters):
        referenda.referendum_vote(
            referendum=referendum, user=voter, answer="yes" if i % 3 else "no"
        )
        (new,) = ReferendumBallot.objects.exclude(id__in=cast_ids).values_list("id", flat=True)
        cast_ids.append(new)
    referenda.referendum_vote(referendum=other, user=voters[0], answer="yes")
    where = "referendum_id = %s"
    register = _xmins("referenda_voteregister", where, [referendum.pk])
    assert _xmins("referenda_referendumballot", where, [referendum.pk]) == register  # the leak
    tally_before = referenda_selectors.tally(referendum=referendum)
    other_xmins = _xmins("referenda_referendumballot", where, [other.pk])
    # when the referendum closes
    manager = f.clerk("referenda.manage_referendum")
    referendum = referenda.referendum_close(referendum=referendum, acting_user=manager)
    # then its ballots share one new xmin, in random physical order, answers unchanged
    sealed = _xmins("referenda_referendumballot", where, [referendum.pk])
    assert len(sealed) == 1
    assert not sealed & register
    heap = [
        r[0]
        for r in _rows(
            "SELECT id FROM referenda_referendumballot WHERE referendum_id = %s ORDER BY ctid",
            [referendum.pk],
        )
    ]
    assert heap != cast_ids
    assert _positional_matches(heap, list(cast_ids)) < 10
    tally_after = referenda_selectors.tally(referendum=referendum)
    assert (tally_after.yes, tally_after.no, tally_after.voted) == (
        tally_before.yes,
        tally_before.no,
        tally_before.voted,
    )
    assert referendum.ballots_resealed_at is not None
    assert referendum.history.first().ballots_resealed_at is not None
    # the other (still open) referendum was not touched; resealing again does nothing
    assert _xmins("referenda_referendumballot", where, [other.pk]) == other_xmins
    assert not referenda.referendum_ballots_reseal(referendum=referendum)
    assert _xmins("referenda_referendumballot", where, [referendum.pk]) == sealed


def test_periodic_task_reseals_a_referendum_closed_before_resealing_existed():
    voters = [f.resident() for _ in range(3)]
    referendum = rf.referendum()
    for voter in voters:
        referenda.referendum_vote(referendum=referendum, user=voter, answer="yes")
    Referendum.objects.filter(pk=referendum.pk).update(status="closed")  # closed the old way
    where = "referendum_id = %s"
    assert len(_xmins("referenda_referendumballot", where, [referendum.pk])) == 3
    referenda_tasks.close_due()
    referendum.refresh_from_db()
    assert referendum.ballots_resealed_at is not None
    assert len(_xmins("referenda_referendumballot", where, [referendum.pk])) == 1
    # an open referendum is never resealed
    still_open = rf.referendum(question="Czy posadzić drzewa?")
    assert not referenda.referendum_ballots_reseal(referendum=still_open)


def test_check_codes_use_the_whole_alphabet_in_every_position():
    from consultations.budget.models import _CODE_ALPHABET, new_code

    codes = [new_code() for _ in range(3000)]
    assert all(len(code) == 10 and set(code) <= set(_CODE_ALPHABET) for code in codes)
    for position in range(10):
        assert {code[position] for code in codes} == set(_CODE_ALPHABET)
    assert len(set(codes)) == len(codes)
