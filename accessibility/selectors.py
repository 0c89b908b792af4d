"""Reads for the accessibility pages, API and statement."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from accessibility import wcag
from accessibility.models import (
    AuditState,
    Barrier,
    Building,
    BuildingAudit,
    DigitalAudit,
    RemediationTask,
    Scan,
    ScanStatus,
    Statement,
    TaskStatus,
    Website,
)


def building_list() -> QuerySet[Building]:
    return Building.objects.select_related("department", "district").annotate(
        barrier_count=Count("barriers", distinct=True)
    )


def building_by_slug(slug: str) -> Building | None:
    tasks = RemediationTask.objects.order_by("planned_start", "pk")
    return (
        Building.objects.select_related("department", "district")
        .prefetch_related(
            Prefetch(
                "barriers",
                queryset=Barrier.objects.prefetch_related(Prefetch("tasks", queryset=tasks)),
            ),
            Prefetch("audits", queryset=BuildingAudit.objects.prefetch_related("items")),
        )
        .filter(slug=slug)
        .first()
    )


def schedule() -> QuerySet[RemediationTask]:
    """Every remediation task with its building, planned ones first by start date."""
    return RemediationTask.objects.select_related("barrier__building").order_by(
        "status", "planned_start", "pk"
    )


@dataclass(frozen=True)
class Progress:
    buildings: int
    audited: int
    awaiting: int
    tasks: int
    tasks_by_status: dict[str, int]
    blocked: int
    done: int

    @property
    def audited_percent(self) -> int:
        return round(100 * self.audited / self.buildings) if self.buildings else 0

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.tasks) if self.tasks else 0


def progress() -> Progress:
    states = Counter(Building.objects.values_list("audit_state", flat=True))
    statuses = Counter(RemediationTask.objects.values_list("status", flat=True))
    return Progress(
        buildings=sum(states.values()),
        audited=states[AuditState.AUDITED],
        awaiting=states[AuditState.AWAITING] + states[AuditState.SCHEDULED],
        tasks=sum(statuses.values()),
        tasks_by_status={str(label): statuses[value] for value, label in TaskStatus.choices},
        blocked=statuses[TaskStatus.BLOCKED],
        done=statuses[TaskStatus.DONE],
    )


def website_list() -> QuerySet[Website]:
    return Website.objects.select_related("department").annotate(scan_count=Count("scans"))


def website_by_slug(slug: str) -> Website | None:
    return Website.objects.select_related("department").filter(slug=slug).first()


def website_trend(website: Website, *, limit: int = 20) -> list[Scan]:
    """The site's finished scans, oldest first (the trend of violations over time)."""
    scans = (
        Scan.objects.filter(website=website, status=ScanStatus.DONE)
        .prefetch_related("violations")
        .order_by("-finished_at")[:limit]
    )
    return list(reversed(list(scans)))


def website_audits(website: Website) -> QuerySet[DigitalAudit]:
    return DigitalAudit.objects.filter(website=website).prefetch_related("results")


def audit_table(audit: DigitalAudit, language: str) -> list[dict[str, Any]]:
    """One row per WCAG 2.1 A/AA criterion with the audit's outcome (or None)."""
    results = {r.criterion: r for r in audit.results.all()}
    return [
        {"criterion": c, "name": c.name(language), "result": results.get(c.number)}
        for c in wcag.CRITERIA
    ]


def violations_by_criterion(scan: Scan) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for violation in scan.violations.all():
        counts[violation.criterion or "—"] += violation.node_count
    return sorted(counts.items())


def statement() -> Statement | None:
    return Statement.objects.filter(pk=1).first()


def latest_scans() -> list[Scan]:
    """The latest finished scan of every website."""
    seen: set[int] = set()
    latest = []
    for scan in (
        Scan.objects.filter(status=ScanStatus.DONE)
        .select_related("website")
        .order_by("-finished_at")[:200]
    ):
        if scan.website_id not in seen:
            seen.add(scan.website_id)
            latest.append(scan)
    return latest
