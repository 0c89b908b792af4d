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
from consultations.budget.models import Pool

logger = logging.getLogger(__name__)


def receipt_message(*, user: User, pool: Pool | str, receipt_code: str, check_code: str) -> Any:
    """The receipt e-mail in the voter's language (``pool`` as a name: queued before names were
    rendered at sending)."""
    with translation.override(user.preferred_language):
        pool_label = str(pool)
        body = _(
            "Dziękujemy za głos w budżecie obywatelskim (%(pool)s).\n"
            "Kod potwierdzenia udziału: %(receipt)s\nKod sprawdzenia karty: %(check)s\n"
        ) % {"pool": pool_label, "receipt": receipt_code, "check": check_code}
        subject = _("Potwierdzenie głosu — budżet obywatelski")
    return EmailMessage(subject, body, None, [user.email] if user.email else [])


def send_receipts(jobs: Sequence[dict[str, Any]]) -> list[bool]:
    """Send a batch over one connection; a receipt whose voter has no address any more is done.

    A job names the pool by id; its name is rendered here, in the voter's language (a vote
    request does not spend time on it).
    """
    users = User.objects.in_bulk([job["user"] for job in jobs])
    pools = Pool.objects.select_related("edition", "district").in_bulk(
        [job["pool"] for job in jobs if isinstance(job["pool"], int)]
    )
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
                # A pool with ballots cannot be deleted (PROTECT); a name is an older job's.
                pool=pools[job["pool"]] if isinstance(job["pool"], int) else job["pool"],
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
