"""Demo data for the accessibility pages: an audit of one programme building, a website
with audit results and two scans (a trend). Idempotent; every record labelled (DEMO)."""

from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone

from accessibility.models import (
    AuditItem,
    Building,
    BuildingAudit,
    CriterionResult,
    DigitalAudit,
    Requirement,
    Scan,
    ScanViolation,
    Website,
)

DEMO_RESULTS = {
    "step_free": "partly",
    "toilet": "not_met",
    "layout_info": "not_met",
    "assistance_dog": "met",
    "evacuation": "partly",
    "induction_loop": "not_met",
    "parking": "met",
}


def seed(*, log: Callable[[str], object]) -> None:
    building = Building.objects.filter(slug="kasprowicza-29").first()
    if building is not None and not building.audits.filter(auditor__endswith="(DEMO)").exists():
        audit = BuildingAudit.objects.create(
            building=building, audited_on=date(2025, 2, 1), auditor="Zespół audytowy (DEMO)"
        )
        for requirement in Requirement.values:
            AuditItem.objects.create(
                audit=audit,
                requirement=requirement,
                result=DEMO_RESULTS[requirement],
                notes="(DEMO)",
            )
        log("accessibility: demo audit of ul. Kasprowicza 29")
    site, _created = Website.objects.get_or_create(
        slug="demo-e-uslugi",
        defaults={
            "name": "E-usługi portalu (DEMO)",
            "url": "https://portal.krakow.example/e-uslugi/",
            "kind": "eservice",
        },
    )
    audit, _created = DigitalAudit.objects.get_or_create(
        website=site, year=2026, defaults={"status": "in_progress", "summary": "[DEMO]"}
    )
    for number, outcome in (
        ("1.1.1", "pass"),
        ("1.4.3", "fail"),
        ("2.4.1", "pass"),
        ("1.2.4", "na"),
    ):
        CriterionResult.objects.get_or_create(
            audit=audit, criterion=number, defaults={"outcome": outcome, "notes": "(DEMO)"}
        )
    if not site.scans.exists():
        now = timezone.now()
        for days_ago, count in ((30, 12), (1, 4)):
            scan = Scan.objects.create(
                website=site,
                url=site.url,
                status="done",
                finished_at=now - timedelta(days=days_ago),
                violation_count=count,
            )
            ScanViolation.objects.create(
                scan=scan,
                rule_id="color-contrast",
                criterion="1.4.3",
                help="(DEMO)",
                node_count=count,
            )
        log("accessibility: demo website with two scans")
