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


#: Seconds before the n-th retry of a status notice whose mail server failed: 30 s … 8 min.
NOTICE_BACKOFF = (30, 60, 120, 240, 480)


@shared_task(
    bind=True,
    name="services.case_notification_send",
    acks_late=True,
    max_retries=len(NOTICE_BACKOFF),
)
def case_notification_send(self: Any, notification_id: int) -> str:
    """One status-change e-mail; a redelivered or repeated task finds it sent and does nothing."""
    retries = self.request.retries or 0
    outcome = actions.case_notification_send(
        notification_id=notification_id, give_up=retries >= self.max_retries
    )
    if outcome == "retry":
        raise self.retry(args=(notification_id,), countdown=NOTICE_BACKOFF[retries])
    return outcome


@shared_task(name="services.case_status_notify")
def case_status_notify(case_id: int, status: str) -> str:
    """Tasks queued by case id and status before notices were recorded: go through a notice."""
    notification_id = actions.case_notification_for_change(case_id=case_id, status=status)
    if notification_id is None:
        return "skipped"
    return str(case_notification_send.delay(notification_id).id)


@shared_task(name="services.case_notifications_resume_stalled")
def case_notifications_resume_stalled() -> int:
    """Periodic (beat): requeue status notices whose task was lost (the claim keeps it single)."""
    stalled = actions.case_notifications_stalled()
    for notification_id in stalled:
        case_notification_send.delay(notification_id)
    return len(stalled)


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
