"""Results through the pure engine, clerk approval, pabulib export and import."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from consultations.budget import actions, tasks
from consultations.budget.models import Ballot, BallotChoice, Pool, PoolResult, ResultStatus
from consultations.pb import pabulib
from tests.consultations.budget import factories as f

pytestmark = pytest.mark.django_db


def _closed_pool_with_votes():
    """Budget 300k; A (200k) is liked by 3, B and C (100k each) by 2 others."""
    edition = f.edition(phase="closed")
    pool = f.pool(edition=edition, amount=Decimal("300000"))
    a = f.project(pool=pool, cost="200000", title="A")
    b = f.project(pool=pool, cost="100000", title="B")
    c = f.project(pool=pool, cost="150000", title="C")
    ballots = [[a], [a], [a, b], [c, b], [c]]
    for i, chosen in enumerate(ballots):
        ballot = Ballot.objects.create(pool=pool, channel="paper")
        for pos, project in enumerate(chosen, start=1):
            BallotChoice.objects.create(
                ballot=ballot, project=project, position=pos, points=4 - pos
            )
        del i
    Ballot.objects.create(pool=pool, channel="paper", is_valid=False)
    return pool, (a, b, c)


def test_task_computes_greedy_and_mes_side_by_side():
    pool, (a, b, c) = _closed_pool_with_votes()
    tasks.compute_pool_results.delay(pool.pk)
    result = PoolResult.objects.get(pool=pool)
    # greedy: scores A=9, C=6, B=2+1=3 → A (200k) funded, C does not fit, B fits
    assert result.greedy["selected"] == [str(a.number), str(b.number)]
    assert result.voters == 5
    assert result.invalid_ballots == 1
    assert result.greedy_satisfied == 4
    assert result.status == ResultStatus.COMPUTED
    assert result.mes["rule"] == "mes-add1"
    assert 0 <= result.mes_satisfied <= 5
    # running it again is harmless
    tasks.compute_pool_results.delay(pool.pk)
    assert PoolResult.objects.count() == 1


def test_periodic_task_queues_only_closed_pools_without_results():
    pool, _ = _closed_pool_with_votes()
    f.pool(edition=f.edition(phase="voting"))
    assert tasks.compute_closed_editions() == 1
    assert PoolResult.objects.filter(pool=pool).exists()
    assert tasks.compute_closed_editions() == 0


def test_results_cannot_be_computed_while_voting():
    pool = f.pool(edition=f.edition(phase="voting"))
    with pytest.raises(ValidationError):
        actions.pool_results_compute(pool=pool)
    assert not PoolResult.objects.exists()


def test_publishing_needs_a_clerk_with_permission_and_is_audited(client):
    pool, _ = _closed_pool_with_votes()
    result = actions.pool_results_compute(pool=pool)
    url = reverse("budget:results", kwargs={"year": pool.edition.year, "pool_id": pool.public_id})
    assert client.get(url).status_code == 404  # not public before approval
    for who in (f.resident(), f.clerk()):
        with pytest.raises(PermissionDenied):
            actions.pool_results_publish(result=result, acting_user=who)
    result.refresh_from_db()
    assert result.status == ResultStatus.COMPUTED
    clerk = f.clerk("budget.publish_results")
    actions.pool_results_publish(result=result, acting_user=clerk)
    assert result.history.first().history_user == clerk
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body
    assert "<table" in body
    # published results are never recomputed
    assert actions.pool_results_compute(pool=pool).status == ResultStatus.PUBLISHED


def test_pabulib_export_round_trips_through_the_parser():
    pool, (a, b, c) = _closed_pool_with_votes()
    text = actions.pabulib_export(pool=pool)
    instance = pabulib.loads(text)
    assert instance.budget == Decimal("300000.00")
    assert set(instance.projects) == {str(a.number), str(b.number), str(c.number)}
    assert len(instance.votes) == 5  # the invalid ballot is not exported
    assert sorted(v.voter_id for v in instance.votes) == ["1", "2", "3", "4", "5"]
    assert instance.vote_type == "ordinal"


def test_pabulib_import_creates_a_pool_and_malformed_file_creates_nothing():
    pool, _ = _closed_pool_with_votes()
    text = actions.pabulib_export(pool=pool)
    target = f.edition(phase="closed")
    clerk = f.clerk("budget.publish_results")
    with pytest.raises(ValidationError) as exc:
        actions.pabulib_import(
            edition=target, district_id=None, text="META\nnonsense", acting_user=clerk
        )
    assert exc.value.code == "pabulib"
    assert not Pool.objects.filter(edition=target).exists()
    imported = actions.pabulib_import(
        edition=target, district_id=None, text=text, acting_user=clerk
    )
    assert imported.projects.count() == 3
    assert imported.ballots.count() == 5
    again = actions.pool_results_compute(pool=imported)
    original = actions.pool_results_compute(pool=pool)
    assert again.greedy["selected"] == original.greedy["selected"]
    with pytest.raises(PermissionDenied):
        actions.pabulib_import(edition=target, district_id=1, text=text, acting_user=f.clerk())
