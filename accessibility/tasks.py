"""Celery tasks: an automated axe scan of one queued Scan row."""

from celery import shared_task

from accessibility import actions
from accessibility.models import Scan, ScanStatus
from accessibility.scanner import ScanError, scan_url


@shared_task(name="accessibility.scan_run", bind=True, max_retries=2, default_retry_delay=60)
def scan_run(self, scan_id: int) -> str:  # type: ignore[no-untyped-def]
    """Idempotent: a scan that has already finished is left as it is."""
    scan = Scan.objects.filter(pk=scan_id).first()
    if scan is None or scan.status != ScanStatus.QUEUED:
        return "skipped"
    try:
        violations = scan_url(scan.url)
    except ScanError as error:
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=error) from error
        actions.scan_store_result(scan=scan, violations=None, error=str(error))
        return "failed"
    actions.scan_store_result(scan=scan, violations=violations)
    return "done"
