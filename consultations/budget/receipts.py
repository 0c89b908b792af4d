"""Vote receipts by e-mail, in batches: the check code reaches the voter without slowing the vote.

The vote request queues the receipt (config.outbox: one Redis round trip); the Celery task
``budget.send_receipts`` sends what is queued over one SMTP connection, each message in the
voter's language. The check code travels only in this message (the ballot row is never linked
to the person), so a receipt is deleted from the queue only once the mail server accepted it.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from config.outbox import Outbox

logger = logging.getLogger(__name__)


def receipt_message(*, user: User, pool_label: str, receipt_code: str, check_code: str) -> Any:
    with translation.override(user.preferred_language):
        body = _(
            "Dziękujemy za głos w budżecie obywatelskim (%(pool)s).\n"
            "Kod potwierdzenia udziału: %(receipt)s\nKod sprawdzenia karty: %(check)s\n"
        ) % {"pool": pool_label, "receipt": receipt_code, "check": check_code}
        subject = _("Potwierdzenie głosu — budżet obywatelski")
    return EmailMessage(subject, body, None, [user.email] if user.email else [])


def send_receipts(jobs: Sequence[dict[str, Any]]) -> list[bool]:
    """Send a batch over one connection; a receipt whose voter has no address any more is done."""
    users = User.objects.in_bulk([job["user"] for job in jobs])
    outcome: list[bool] = []
    connection = None
    try:
        for job in jobs:
            user = users.get(job["user"])
            if user is None or not user.email:
                outcome.append(True)
                continue
            if connection is None:
                connection = get_connection(fail_silently=False)
                connection.open()
            message = receipt_message(
                user=user,
                pool_label=job["pool"],
                receipt_code=job["receipt"],
                check_code=job["check"],
            )
            message.connection = connection
            message.send()
            outcome.append(True)
    except (OSError, smtplib.SMTPException):
        # The mail server is unreachable or refused: the rest stay queued and are tried again.
        logger.warning(
            "vote receipts: mail server failed; %d left queued", len(jobs) - len(outcome)
        )
    finally:
        if connection is not None:
            try:
                connection.close()
            except (OSError, smtplib.SMTPException):
                logger.warning("vote receipts: closing the mail connection failed")
    return outcome + [False] * (len(jobs) - len(outcome))


receipts = Outbox("budget-receipts", send_receipts, task="consultations.budget.tasks.send_receipts")
