"""Accessibility pages for the axe harness: overview, buildings (one with an audit and a
task with cost), schedule, websites (one with an audit table and a scan trend chart), the
statement, the request form (also with its errors shown) and the confirmation."""


def pages() -> list[str]:
    from datetime import date, timedelta
    from decimal import Decimal

    from django.apps import apps
    from django.utils import timezone

    from accessibility import programme
    from accessibility.models import (
        AuditItem,
        BuildingAudit,
        CriterionResult,
        DigitalAudit,
        Requirement,
        Scan,
        ScanViolation,
    )

    # Transactional tests flush the migration's rows: load the programme again.
    programme.load_all(get_model=apps.get_model)
    building = apps.get_model("accessibility", "Building").objects.get(slug="kasprowicza-29")
    if not building.audits.exists():
        audit = BuildingAudit.objects.create(
            building=building, audited_on=date(2025, 2, 1), auditor="Audytor (DEMO)"
        )
        for requirement in Requirement.values:
            AuditItem.objects.create(
                audit=audit, requirement=requirement, result="partly", notes="(DEMO)"
            )
        task = building.barriers.get().tasks.get()
        task.cost = Decimal("84000.00")
        task.save()
    bip = DigitalAudit.objects.get(website__slug="bip", year=2025)
    CriterionResult.objects.get_or_create(
        audit=bip, criterion="1.4.3", defaults={"outcome": "fail"}
    )
    if not bip.website.scans.exists():
        # three days of scans, so the trend chart draws a line; one failed page
        for days_ago, count in ((2, 9), (1, 5), (0, 3)):
            scan = Scan.objects.create(
                website=bip.website,
                url=bip.website.url,
                status="done",
                finished_at=timezone.now() - timedelta(days=days_ago),
                violation_count=count,
            )
            ScanViolation.objects.create(
                scan=scan,
                rule_id="color-contrast",
                criterion="1.4.3",
                help="Contrast",
                node_count=count,
            )
        Scan.objects.create(
            website=bip.website,
            url=f"{bip.website.url}niedostepna/",
            status="failed",
            finished_at=timezone.now(),
            error="HTTP 503",
        )
    return [
        "/dostepnosc/",
        "/dostepnosc/budynki/",
        "/dostepnosc/budynki/kasprowicza-29/",
        "/dostepnosc/budynki/pl-wszystkich-swietych-3-4/",
        "/dostepnosc/harmonogram/",
        "/dostepnosc/serwisy/",
        "/dostepnosc/serwisy/bip/",
        "/dostepnosc/deklaracja/",
        "/dostepnosc/zgloszenie/",
        "POST /dostepnosc/zgloszenie/",
        "/dostepnosc/zgloszenie/wyslane/",
    ]
