"""Celery tasks of referenda."""

from celery import shared_task
from django.utils import timezone

from consultations.referenda import actions
from consultations.referenda.models import Referendum, ReferendumStatus


@shared_task(name="referenda.close_due")
def close_due() -> int:
    """Periodic: close every open referendum whose voting time has ended (idempotent)."""
    due = Referendum.objects.filter(status=ReferendumStatus.OPEN, closes_at__lte=timezone.now())
    count = 0
    for referendum in due:
        actions.referendum_close(referendum=referendum, acting_user=None)
        count += 1
    # Closing reseals the ballots; referenda closed before that step existed get it here once.
    unsealed = Referendum.objects.filter(
        status=ReferendumStatus.CLOSED, ballots_resealed_at__isnull=True
    )
    for referendum in unsealed:
        actions.referendum_ballots_reseal(referendum=referendum)
    return count
