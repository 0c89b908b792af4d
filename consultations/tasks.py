"""Celery tasks of consultations: ids in, idempotent, a few lines each."""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from consultations import actions


@shared_task(
    name="consultations.aggregate_survey",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def aggregate_survey_task(survey_id: int) -> str:
    """Recompute and store one survey's aggregate (a rerun overwrites the same row)."""
    return str(actions.survey_aggregate_compute(survey_id=survey_id).status)


@shared_task(
    name="consultations.send_digests",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def send_digests_task() -> int:
    """Yesterday's daily digests, and on Mondays last week's weekly ones (a rerun sends none)."""
    today = timezone.localdate()
    sent = actions.digest_send(frequency="daily", period_start=today - timedelta(days=1))
    if today.weekday() == 0:
        sent += actions.digest_send(frequency="weekly", period_start=today - timedelta(days=7))
    return sent


@shared_task(
    name="consultations.close_due_surveys",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def close_due_surveys_task() -> int:
    """Close surveys past their closing time and queue their aggregation (idempotent)."""
    return actions.surveys_close_due()
