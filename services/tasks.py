"""Celery tasks of the e-services app: ids in, idempotent, retried on transient errors."""

from smtplib import SMTPException

from celery import shared_task

from services.actions import case_message_notify_send


@shared_task(
    name="services.case_message_notify",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def case_message_notify(message_id: int) -> bool:
    return case_message_notify_send(message_id=message_id)
