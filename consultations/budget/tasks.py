"""Celery tasks of the budget: ids in, idempotent, a few lines each."""

from celery import shared_task
from django.utils import timezone

from accounts.models import User
from consultations.budget import actions
from consultations.budget.models import Pool, PoolResult


@shared_task(name="budget.compute_pool_results", autoretry_for=(OSError,), max_retries=3)
def compute_pool_results(pool_id: int) -> None:
    pool = Pool.objects.select_related("edition", "district").filter(pk=pool_id).first()
    if pool is not None:
        # Voting has closed: first break every physical link between register and ballots
        # (a no-op when already done for this edition and nothing was written since).
        actions.edition_ballots_reseal(edition=pool.edition)
        actions.pool_results_compute(pool=pool)


@shared_task(name="budget.compute_closed_editions")
def compute_closed_editions() -> int:
    """Periodic: compute results of every pool whose voting has closed and has none yet."""
    pending = Pool.objects.filter(edition__voting_end__lte=timezone.now()).exclude(
        pk__in=PoolResult.objects.values("pool_id")
    )
    count = 0
    for pool_id in pending.values_list("pk", flat=True):
        compute_pool_results.delay(pool_id)
        count += 1
    return count


@shared_task(
    name="budget.send_receipts", autoretry_for=(OSError,), max_retries=3, ignore_result=True
)
def send_receipts() -> int:
    """Send the vote receipts queued by online votes (consultations/budget/receipts.py)."""
    from consultations.budget.receipts import receipts

    return receipts.drain()


# Receipts queued one Celery message per vote (before consultations/budget/receipts.py batched
# them): kept so that messages still in the queue at an upgrade are delivered.
# ignore_result: nobody waits for the e-mail's outcome; with the Redis result backend a task
# whose result is kept also makes the sender subscribe for it — a round trip on every vote.
@shared_task(
    name="budget.send_receipt",
    autoretry_for=(OSError,),
    max_retries=5,
    retry_backoff=True,
    ignore_result=True,
)
def send_receipt(user_id: int, pool_label: str, receipt_code: str, check_code: str) -> None:
    """E-mail the voter their receipt and check code, in their language."""
    from consultations.budget.receipts import receipt_message

    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    receipt_message(
        user=user, pool=pool_label, receipt_code=receipt_code, check_code=check_code
    ).send()
