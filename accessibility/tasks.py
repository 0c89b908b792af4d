"""Celery tasks: an automated axe scan of one queued Scan row, and the periodic scan of the
portal's own public pages (beat: ``accessibility-scan-portal`` in ``config/celery.py``)."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accessibility import actions, selectors
from accessibility.models import Scan, ScanStatus
from accessibility.scanner import ScanError, scan_url
from config.celery import enqueue_after_commit

logger = logging.getLogger(__name__)


@shared_task(name="accessibility.scan_run", bind=True, max_retries=2, default_retry_delay=60)
def scan_run(self, scan_id: int) -> str:  # type: ignore[no-untyped-def]
    """Idempotent: a scan that has already finished is left as it is. Never leaves the scan
    queued on an error: a worker without a browser stores a failed scan with the reason."""
    scan = Scan.objects.filter(pk=scan_id).first()
    if scan is None or scan.status != ScanStatus.QUEUED:
        return "skipped"
    try:
        violations = scan_url(scan.url)
    except ScanError as error:
        retry = not error.permanent and self.request.retries < self.max_retries
        if retry and not self.request.is_eager:
            raise self.retry(exc=error) from error
        actions.scan_store_result(scan=scan, violations=None, error=str(error))
        return "failed"
    except Exception as error:  # the scan is recorded as failed rather than left queued
        logger.exception("accessibility scan %s failed", scan_id)
        actions.scan_store_result(
            scan=scan, violations=None, error=f"{type(error).__name__}: scanner error"
        )
        return "failed"
    actions.scan_store_result(scan=scan, violations=violations)
    return "done"


@shared_task(name="accessibility.scan_portal")
def scan_portal(run_date: str | None = None) -> int:
    """Scan every public page of the portal (pl and en) once per day: ``run_date`` (ISO date,
    today by default) names the run, so a second beat or a redelivery queues nothing new."""
    day = run_date or timezone.localdate().isoformat()
    scan_ids = actions.portal_scan_schedule(
        base_url=settings.PORTAL_BASE_URL,
        paths=selectors.portal_public_paths(),
        run_key=f"nightly-{day}",
    )
    for scan_id in scan_ids:
        enqueue_after_commit(scan_run, scan_id)
    return len(scan_ids)
