"""The Celery application: Redis broker and result backend, JSON only.

Worker settings (acks_late, time limits, prefetch) are the ``CELERY_*`` settings in
``config/settings/base.py``; the periodic schedule is declared here, in one place.
"""

import os
import sys
from collections.abc import Callable
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("krakow")
# Celery's Django fix-up puts the working directory first on sys.path. `make messages` runs
# inside each app's directory, where `<app>/opendata.py` would then shadow the opendata app.
if sys.path and sys.path[0] == os.getcwd() != os.path.dirname(os.path.dirname(__file__)):
    sys.path.pop(0)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one place where periodic work is declared (celery beat). Every entry names a task by
# its registered name; each task is idempotent, so a beat that fires twice does no harm.
app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "config.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    "karta-purge-documents": {
        "task": "karta.purge_documents",
        "schedule": crontab(hour=2, minute=40),
    },
    "karta-usage-rollup": {"task": "karta.refresh_usage_rollup", "schedule": crontab(minute=5)},
    # Before the open-data materialisation at :05 reads the monthly roll-up.
    "karta-usage-monthly": {"task": "karta.refresh_usage_monthly", "schedule": crontab(minute=0)},
    "budget-results": {
        "task": "budget.compute_closed_editions",
        "schedule": crontab(minute="*/10"),
    },
    # Vote receipts are sent in batches as votes kick the task; this catches any left behind.
    "budget-send-receipts": {"task": "budget.send_receipts", "schedule": crontab(minute="*")},
    "referenda-close-due": {"task": "referenda.close_due", "schedule": crontab(minute="*/5")},
    "karta-expiry-reminders": {
        "task": "karta.send_expiry_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "consultations-digests": {
        "task": "consultations.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "consultations-close-due-surveys": {
        "task": "consultations.close_due_surveys",
        "schedule": crontab(minute="*/5"),
    },
    "opendata-materialise-own-datasets": {
        "task": "opendata.materialise_own_datasets",
        "schedule": crontab(minute=5),
    },
    "services-mailing-resume-stalled": {
        "task": "services.mailing_resume_stalled",
        "schedule": crontab(minute="*/10"),
    },
    "services-case-notifications-resume-stalled": {
        "task": "services.case_notifications_resume_stalled",
        "schedule": crontab(minute="*/10"),
    },
    "opendata-refresh-remote": {
        "task": "opendata.refresh_remote_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Nightly axe scan of the portal's public pages (pl, en); one scan per page per night.
    "accessibility-scan-portal": {
        "task": "accessibility.scan_portal",
        "schedule": crontab(hour=1, minute=20),
    },
}


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` once the current transaction commits (at once outside a transaction).

    A task queued inside a transaction that later rolls back would act on rows that never
    existed; a task queued before the commit could run before its rows are visible.
    """
    send: Callable[[], Any] = lambda: task.apply_async(args=args, kwargs=kwargs)  # noqa: E731
    transaction.on_commit(send)
