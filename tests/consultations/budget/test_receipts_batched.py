"""Vote receipts: queued by the vote, sent in batches over one connection, never lost."""

import smtplib

import pytest
from django.core import mail
from django.core.cache import caches

from consultations.budget import actions, receipts
from tests.consultations.budget import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_queue():
    client = caches["default"].redis_client()
    client.delete(*receipts.receipts._keys())
    yield
    client.delete(*receipts.receipts._keys())


@pytest.fixture
def pool_and_projects():
    edition = f.edition(phase="voting")
    pool = f.pool(edition=edition)
    return pool, [f.project(pool=pool) for _ in range(3)]


@pytest.fixture
def not_eager(monkeypatch):
    """As in production: the vote only queues; a worker drains later (here: the test)."""
    from config.celery import app
    from consultations.budget.tasks import send_receipts

    monkeypatch.setattr(send_receipts, "apply_async", lambda **kw: None)
    was = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = was


def _vote(pool, projects, **resident):  # type: ignore[no-untyped-def]
    return actions.ballot_cast_online(user=f.resident(**resident), pool=pool, projects=projects)


def test_receipts_wait_in_the_queue_and_go_out_over_one_connection(
    pool_and_projects, not_eager, django_capture_on_commit_callbacks, monkeypatch
):
    pool, projects = pool_and_projects
    opened = []
    real = receipts.get_connection

    def counting(**kwargs):  # type: ignore[no-untyped-def]
        connection = real(**kwargs)
        opened.append(connection)
        return connection

    monkeypatch.setattr(receipts, "get_connection", counting)
    with django_capture_on_commit_callbacks(execute=True):
        codes = [_vote(pool, projects[:2]).check_code for _ in range(3)]
    assert mail.outbox == []
    assert receipts.receipts.pending() == 3
    assert receipts.receipts.drain() == 3
    assert len(opened) == 1
    assert sorted(code for m in mail.outbox for code in codes if code in m.body) == sorted(codes)
    assert receipts.receipts.pending() == 0


def test_a_receipt_is_written_in_the_voter_s_language(
    pool_and_projects, django_capture_on_commit_callbacks
):
    pool, projects = pool_and_projects
    with django_capture_on_commit_callbacks(execute=True):
        receipt = _vote(pool, projects[:1], preferred_language="en")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Vote confirmation — participatory budget"
    assert receipt.check_code in mail.outbox[0].body
    # the pool's name too: rendered when the receipt is sent, not in the vote's language
    assert f"({pool.edition} — city-wide)" in mail.outbox[0].body


def test_a_receipt_queued_with_the_pool_s_name_is_still_sent(pool_and_projects, not_eager):
    """Receipts queued before jobs named pools by id carry the name itself."""
    voter = f.resident()
    receipts.receipts.add(
        {"user": voter.pk, "pool": "Budżet 2026 — ogólnomiejska", "receipt": "R", "check": "C"}
    )
    assert receipts.receipts.drain() == 1
    assert "(Budżet 2026 — ogólnomiejska)" in mail.outbox[0].body


def test_mail_server_down_keeps_the_receipt_queued_until_it_can_be_sent(
    pool_and_projects, not_eager, django_capture_on_commit_callbacks, monkeypatch
):
    pool, projects = pool_and_projects
    with django_capture_on_commit_callbacks(execute=True):
        receipt = _vote(pool, projects[:1])

    def refuse(**kwargs):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr(receipts, "get_connection", refuse)
    assert receipts.receipts.drain() == 0
    assert mail.outbox == []
    assert receipts.receipts.pending() == 1
    # the mail server is back; the receipt is claimed again once due
    monkeypatch.undo()
    monkeypatch.setattr(receipts.receipts, "retry_after", 0)
    assert receipts.receipts.drain() == 1
    assert receipt.check_code in mail.outbox[0].body
    assert receipts.receipts.pending() == 0


def test_a_voter_who_removed_their_address_is_skipped_not_retried(
    pool_and_projects, not_eager, django_capture_on_commit_callbacks
):
    pool, projects = pool_and_projects
    voter = f.resident()
    with django_capture_on_commit_callbacks(execute=True):
        actions.ballot_cast_online(user=voter, pool=pool, projects=projects[:1])
    type(voter).objects.filter(pk=voter.pk).update(email=None)
    assert receipts.receipts.drain() == 1
    assert mail.outbox == []
    assert receipts.receipts.pending() == 0


def test_a_refused_vote_queues_no_receipt(
    pool_and_projects, not_eager, django_capture_on_commit_callbacks
):
    pool, projects = pool_and_projects
    voter = f.resident()
    with django_capture_on_commit_callbacks(execute=True):
        actions.ballot_cast_online(user=voter, pool=pool, projects=projects[:1])
        with pytest.raises(actions.AlreadyVoted):
            actions.ballot_cast_online(user=voter, pool=pool, projects=projects[1:2])
    assert receipts.receipts.pending() == 1
