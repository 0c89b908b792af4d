"""Celery tasks of the e-services app: ids in, idempotent, retried on transient errors."""

from smtplib import SMTPException
from typing import Any

from celery import shared_task

from config.celery import enqueue_after_commit
from services import actions
from services.actions import case_message_notify_send

#: Seconds before the n-th retry of a batch whose mail server failed: 30 s, 1, 2, 4, 8 min.
BATCH_BACKOFF = (30, 60, 120, 240, 480)


@shared_task(
    name="services.case_message_notify",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def case_message_notify(message_id: int) -> bool:
    return case_message_notify_send(message_id=message_id)


@shared_task(
    name="services.case_status_notify",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def case_status_notify(case_id: int, status: str) -> bool:
    return actions.case_status_notify_send(case_id=case_id, status=status)


@shared_task(name="services.mailing_prepare")
def mailing_prepare(mailing_id: int) -> int:
    """Create the letters of a mailing and queue them in batches (safe to run twice)."""
    batches = actions.mailing_prepare(mailing_id=mailing_id)
    for batch in batches:
        enqueue_after_commit(mailing_send_batch, mailing_id, batch)
    return len(batches)


@shared_task(bind=True, name="services.mailing_send_batch", max_retries=len(BATCH_BACKOFF))
def mailing_send_batch(self: Any, mailing_id: int, letter_ids: list[int]) -> int:
    retries = self.request.retries or 0
    retry = actions.mailing_send_batch(letter_ids=letter_ids, give_up=retries >= self.max_retries)
    if retry:
        raise self.retry(args=(mailing_id, retry), countdown=BATCH_BACKOFF[retries])
    actions.mailing_finish_if_done(mailing_id=mailing_id)
    return len(letter_ids)


@shared_task(name="services.tax_import_run")
def tax_import_run(import_id: int) -> str:
    return actions.tax_import_run(import_id=import_id)


@shared_task(name="services.mailing_resume_stalled")
def mailing_resume_stalled() -> int:
    """Periodic (beat): requeue mailings whose tasks were lost."""
    stalled = actions.mailings_stalled()
    for mailing_id in stalled:
        mailing_prepare.delay(mailing_id)
    return len(stalled)
