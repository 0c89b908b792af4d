"""The nightly scan of the portal's own pages: beat entry, one scan per page per night,
idempotent re-runs, and a worker without Chromium that records failures instead of crashing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accessibility import actions, selectors
from accessibility.models import Scan, ScanStatus, Website
from accessibility.tasks import scan_portal, scan_run
from tests.accessibility.factories import website

pytestmark = pytest.mark.django_db

CLEAN: list[dict[str, object]] = []


def test_beat_runs_the_portal_scan_every_night():
    from config.celery import app

    entry = app.conf.beat_schedule["accessibility-scan-portal"]
    assert entry["task"] == scan_portal.name == "accessibility.scan_portal"
    assert entry["schedule"].hour == {1}


def test_public_paths_cover_the_sections_and_the_statement_in_both_languages():
    paths = selectors.portal_public_paths()
    assert "/" in paths
    assert "/en/" in paths
    assert "/dostepnosc/deklaracja/" in paths
    assert "/en/dostepnosc/deklaracja/" in paths
    assert "/dzielnice/" in paths
    assert len(paths) == len(set(paths))
    assert not any(p.startswith(("/admin", "/api", "/en/admin")) for p in paths)


def test_nightly_scan_stores_one_scan_per_page_and_a_rerun_adds_nothing(
    mocker, settings, django_capture_on_commit_callbacks
):
    # given the portal at its base URL and a scanner that finds nothing
    settings.PORTAL_BASE_URL = "https://portal.krakow.example"
    scan_url = mocker.patch("accessibility.tasks.scan_url", return_value=CLEAN)
    pages = len(selectors.portal_public_paths())
    # when the beat fires (twice the same night)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_portal.delay(run_date="2026-11-24").get() == pages
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_portal.delay(run_date="2026-11-24").get() == 0
    # then every page was scanned exactly once and stored as done
    portal = Website.objects.get(slug=actions.PORTAL_WEBSITE_SLUG)
    scans = Scan.objects.filter(website=portal, run_key="nightly-2026-11-24")
    assert scans.count() == pages == scan_url.call_count
    assert set(scans.values_list("status", flat=True)) == {ScanStatus.DONE}
    assert scans.filter(url="https://portal.krakow.example/dostepnosc/deklaracja/").exists()
    # and the next night is a new run
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_portal.delay(run_date="2026-11-25").get() == pages


def test_worker_without_chromium_records_failed_scans_and_does_not_raise(
    mocker, django_capture_on_commit_callbacks
):
    # given a worker where the browser is not installed
    mocker.patch("accessibility.scanner.CHROMIUM", "/nonexistent/chromium")
    # when the nightly scan runs
    with django_capture_on_commit_callbacks(execute=True):
        queued = scan_portal.delay(run_date="2026-11-24").get()
    # then each page has an error record, and nothing is left queued
    scans = Scan.objects.filter(run_key="nightly-2026-11-24")
    assert scans.count() == queued > 0
    assert set(scans.values_list("status", flat=True)) == {ScanStatus.FAILED}
    assert "Chromium not found" in scans.first().error


def test_an_unexpected_scanner_error_fails_the_scan_instead_of_leaving_it_queued(mocker):
    mocker.patch("accessibility.tasks.scan_url", side_effect=RuntimeError("boom"))
    scan = Scan.objects.create(website=website(), url="https://example.org/")
    assert scan_run.delay(scan.pk).get() == "failed"
    scan.refresh_from_db()
    assert (scan.status, scan.error) == ("failed", "RuntimeError: scanner error")


def test_one_scan_per_page_per_run_is_enforced_by_the_database():
    from django.db import IntegrityError, transaction

    site = website()
    Scan.objects.create(website=site, url="https://example.org/", run_key="nightly-x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Scan.objects.create(website=site, url="https://example.org/", run_key="nightly-x")
    # manual scans (no run) may repeat
    Scan.objects.create(website=site, url="https://example.org/")
    Scan.objects.create(website=site, url="https://example.org/")


def test_schedule_refuses_a_bad_base_url_and_queues_nothing():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.portal_scan_schedule(base_url="file:///etc", paths=["/"], run_key="nightly-x")
    assert not Scan.objects.exists()


def _done(site, day_offset, count, url="https://example.org/"):  # type: ignore[no-untyped-def]
    return Scan.objects.create(
        website=site,
        url=url,
        status="done",
        finished_at=timezone.now() - timedelta(days=day_offset),
        violation_count=count,
    )


def test_trend_sums_a_days_pages_and_counts_failures():
    site = website()
    _done(site, 2, 5)
    _done(site, 1, 3, "https://example.org/a")
    _done(site, 1, 4, "https://example.org/b")
    Scan.objects.create(
        website=site, url="https://example.org/c", status="failed", finished_at=timezone.now()
    )
    trend = selectors.website_trend(site)
    assert [(p.pages, p.failed, p.violations) for p in trend] == [(1, 0, 5), (2, 0, 7), (0, 1, 0)]


def test_website_page_draws_the_trend_chart_with_its_table(client, django_assert_max_num_queries):
    site = website()
    for offset, count in ((3, 12), (2, 8), (1, 4)):
        _done(site, offset, count)
    with django_assert_max_num_queries(8):
        html = client.get(f"/en/dostepnosc/serwisy/{site.slug}/").content.decode()
    assert '<svg class="a11y-chart"' in html
    assert 'role="img"' in html
    assert 'aria-labelledby="trend-chart-title trend-chart-desc"' in html
    assert "<polyline" in html
    assert "style=" not in html.split("<main", 1)[1]
    assert "<script" not in html.split("<main", 1)[1]
    assert html.count('<td class="num">12</td>') >= 1
