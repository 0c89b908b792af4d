"""Accessibility scans: mapping a large axe result to WCAG criteria, and reading a year of
nightly portal scans back (the per-site trend, the latest night, the open-data rows).

A fresh migrated PostgreSQL (``bench/_stack.django_on_postgres``, production settings). Prints
rows/s for ``summarise_violations``, tags/s for the tag map, and for NIGHTS nights × the
portal's public pages: the time and query count of each read.

    .venv/bin/python bench/accessibility_scan_summary.py [NIGHTS]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import django_on_postgres  # noqa: E402

NIGHTS = int(sys.argv[1]) if len(sys.argv) > 1 else 365


def _pure() -> None:
    from accessibility import wcag
    from accessibility.actions import summarise_violations

    random.seed(10)
    tags = [f"wcag{c.number.replace('.', '')}" for c in wcag.CRITERIA]
    tags += ["wcag2a", "wcag2aa", "best-practice"]
    violations = [
        {
            "id": f"rule-{i % 90}",
            "impact": "serious",
            "help": "x",
            "tags": random.sample(tags, 3),
            "nodes": [{}] * random.randint(1, 50),
        }
        for i in range(5_000)
    ]
    start = time.perf_counter()
    rows = summarise_violations(violations)
    elapsed = time.perf_counter() - start
    print(
        f"summarise_violations: {len(violations)} violations -> {len(rows)} rows "
        f"in {elapsed * 1000:.1f} ms"
    )
    sample = [random.choice(tags) for _ in range(200_000)]
    start = time.perf_counter()
    mapped = sum(wcag.criterion_for_tag(t) is not None for t in sample)
    elapsed = time.perf_counter() - start
    print(f"criterion_for_tag: {len(sample) / elapsed:,.0f} tags/s ({mapped} mapped)")


def _reads() -> None:
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accessibility import actions, selectors
    from accessibility.models import Scan, ScanViolation, Website

    paths = selectors.portal_public_paths()
    actions.portal_scan_schedule(
        base_url="https://portal.krakow.example", paths=paths, run_key="bench"
    )
    portal = Website.objects.get(slug=actions.PORTAL_WEBSITE_SLUG)
    Scan.objects.filter(run_key="bench").delete()
    now = timezone.now()
    start = time.perf_counter()
    for night in range(NIGHTS):
        finished = now - timedelta(days=NIGHTS - night)
        scans = Scan.objects.bulk_create(
            Scan(
                website=portal,
                url=f"https://portal.krakow.example{path}",
                run_key=f"nightly-{night}",
                status="done",
                finished_at=finished,
                violation_count=night % 7,
            )
            for path in paths
        )
        ScanViolation.objects.bulk_create(
            ScanViolation(
                scan=scan, rule_id="color-contrast", criterion="1.4.3", help="x", node_count=2
            )
            for scan in scans
        )
    print(
        f"stored {NIGHTS} nights x {len(paths)} pages = {NIGHTS * len(paths):,} scans "
        f"in {time.perf_counter() - start:.1f} s"
    )
    for label, read in (
        ("website_trend (30 days)", lambda: selectors.website_trend(portal)),
        (
            "latest_run + by criterion",
            lambda: selectors.violations_by_criterion(selectors.latest_run(portal)),
        ),
        ("open_data_scan_trend", selectors.open_data_scan_trend),
    ):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = read()
            elapsed = time.perf_counter() - start
        print(f"{label}: {len(result)} rows, {len(queries)} queries, {elapsed * 1000:.1f} ms")


if __name__ == "__main__":
    with django_on_postgres():
        _pure()
        _reads()
