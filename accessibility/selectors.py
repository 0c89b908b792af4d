"""Reads for the accessibility pages, API and statement."""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from accessibility import wcag
from accessibility.models import (
    AccessibilityRequest,
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


@dataclass(frozen=True)
class TrendPoint:
    """One day of a site's scans: pages scanned, failed scans and violations found."""

    day: date
    pages: int
    failed: int
    violations: int


def website_trend(website: Website, *, days: int = 30) -> list[TrendPoint]:
    """The site's scan results per day (the last ``days`` days with scans), oldest first.

    A periodic run scans many pages: the day's violations are summed over its pages.
    """
    rows = (
        Scan.objects.filter(website=website)
        .exclude(status=ScanStatus.QUEUED)
        .annotate(day=TruncDate("finished_at"))
        .values("day")
        .annotate(
            pages=Count("pk", filter=Q(status=ScanStatus.DONE)),
            failed=Count("pk", filter=Q(status=ScanStatus.FAILED)),
            violation_total=Sum("violation_count", filter=Q(status=ScanStatus.DONE), default=0),
        )
        .order_by("-day")[:days]
    )
    return [
        TrendPoint(row["day"], row["pages"], row["failed"], row["violation_total"])
        for row in reversed(list(rows))
    ]


def latest_run(website: Website) -> list[Scan]:
    """The scans of the site's most recent day with a finished scan, page by page."""
    last = (
        Scan.objects.filter(website=website)
        .exclude(status=ScanStatus.QUEUED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is None:
        return []
    return list(
        Scan.objects.filter(website=website)
        .exclude(status=ScanStatus.QUEUED)
        .filter(finished_at__date=timezone.localdate(last))
        .prefetch_related("violations")
        .order_by("url", "-finished_at")
    )


def website_audits(website: Website) -> QuerySet[DigitalAudit]:
    return DigitalAudit.objects.filter(website=website).prefetch_related("results")


def audit_table(audit: DigitalAudit, language: str) -> list[dict[str, Any]]:
    """One row per WCAG 2.1 A/AA criterion with the audit's outcome (or None)."""
    results = {r.criterion: r for r in audit.results.all()}
    return [
        {"criterion": c, "name": c.name(language), "result": results.get(c.number)}
        for c in wcag.CRITERIA
    ]


def violations_by_criterion(scans: Iterable[Scan]) -> list[tuple[str, int]]:
    """Elements with a violation per WCAG criterion, summed over the scans (prefetched)."""
    counts: Counter[str] = Counter()
    for scan in scans:
        for violation in scan.violations.all():
            counts[violation.criterion or "—"] += violation.node_count
    return sorted(counts.items())


def buildings_with_latest_audit() -> list[tuple[Building, BuildingAudit | None]]:
    """Every building with its latest audit (items prefetched), for the statement's
    architectural section; a fixed number of queries however many buildings."""
    buildings = Building.objects.select_related("district").prefetch_related(
        Prefetch("audits", queryset=BuildingAudit.objects.prefetch_related("items"))
    )
    result = []
    for building in buildings:
        audits = list(building.audits.all())
        result.append((building, audits[0] if audits else None))
    return result


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


# --------------------------------------------------------------------------------------------
# The periodic scan of the portal itself
# --------------------------------------------------------------------------------------------

#: URL names of the accessibility pages scanned every night beside the sections' indexes.
_SCANNED_URL_NAMES = [
    "home",
    "account_login",
    "accessibility:buildings",
    "accessibility:schedule",
    "accessibility:websites",
    "accessibility:statement",
    "accessibility:request",
]


def portal_public_paths() -> list[str]:
    """The portal's public pages for the nightly scan: the home page, sign-in, every
    section's index and the accessibility pages, in Polish and in English."""
    from config.sections import SECTIONS

    names = _SCANNED_URL_NAMES + [s.url_name for s in SECTIONS if s.in_nav]
    paths: list[str] = []
    for language in ("pl", "en"):
        with translation.override(language):
            for name in names:
                try:
                    path = reverse(name)
                except NoReverseMatch:
                    continue  # a section not installed in this deployment
                if path not in paths:
                    paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------
# For other apps: office locations → building pages
# --------------------------------------------------------------------------------------------

_STREET_PREFIX = re.compile(r"^(ul|al|pl|os|ulica|aleja|aleje|plac|osiedle)\.?\s+")
_POSTCODE_CITY = re.compile(r"\d{2}-\d{3}|\bkrak[oó]w\b", re.IGNORECASE)


def address_key(address: str) -> str:
    """A comparable form of a Kraków street address: "al. Powstania Warszawskiego 10,
    31-549 Kraków" and "ul. Powstania Warszawskiego 10" both give "powstania warszawskiego 10".

    The street type, postal code, city and punctuation are dropped, diacritics folded and
    dashes unified ("3–4" = "3-4"). Empty when nothing is left.
    """
    text = _POSTCODE_CITY.sub(" ", address).lower().replace("ł", "l")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"\s*[‐‑‒–—-]\s*", "-", text)
    text = re.sub(r"[^a-z0-9\s/-]", " ", text).strip()
    text = re.sub(r"\s+", " ", text)
    text = _STREET_PREFIX.sub("", text)
    return text.strip(" -")


def buildings_by_address(addresses: Iterable[str]) -> dict[str, Building]:
    """``{given address: building}`` for the given addresses that match a registered building's
    address (see ``address_key``); one query however many addresses. For the e-services'
    office locations: link each office to ``accessibility:building`` with the building's slug.
    """
    wanted = {address: address_key(address) for address in addresses}
    wanted = {address: key for address, key in wanted.items() if key}
    if not wanted:
        return {}
    by_key = {
        address_key(building.address): building
        for building in Building.objects.exclude(address="").only("slug", "name", "address")
    }
    return {address: by_key[key] for address, key in wanted.items() if key in by_key}


def building_for_address(address: str) -> Building | None:
    """The registered building at ``address`` (one query), or None."""
    return buildings_by_address([address]).get(address)


def building_url(building: Building) -> str:
    """The building's public page in the active language."""
    return reverse("accessibility:building", kwargs={"slug": building.slug})


# --------------------------------------------------------------------------------------------
# The resident's dashboard and the open-data catalogue
# --------------------------------------------------------------------------------------------


def resident_requests(*, user: Any, limit: int = 5) -> list[AccessibilityRequest]:
    """The resident's latest accessibility requests and complaints (their own only)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        AccessibilityRequest.objects.filter(user=user).order_by("-submitted_at", "-pk")[:limit]
    )


def personal_data(*, user: Any) -> list[dict[str, Any]]:
    """The GDPR export: every request or complaint the person filed while signed in."""
    return [
        {
            "id": str(request.public_id),
            "kind": request.kind,
            "name": request.name,
            "email": request.email,
            "phone": request.phone,
            "subject": request.subject_url,
            "description": request.description,
            "preferred_contact": request.preferred_contact,
            "status": request.status,
            "submitted_at": request.submitted_at.isoformat(),
            "answer_due": request.answer_due.isoformat(),
            "answer": request.answer,
        }
        for request in AccessibilityRequest.objects.filter(user=user).order_by("submitted_at")
    ]


def open_data_building_audits() -> list[dict[str, Any]]:
    """One row per building and requirement of its latest audit (public facts only); a
    building not yet audited gives one row with the audit columns empty."""
    rows: list[dict[str, Any]] = []
    buildings = Building.objects.select_related("district").prefetch_related(
        Prefetch("audits", queryset=BuildingAudit.objects.prefetch_related("items"))
    )
    for building in buildings.order_by("slug"):
        base = {
            "building": building.slug,
            "name": building.name,
            "address": building.address,
            "district": building.district.name if building.district else "",
            "heritage_protected": building.heritage_protected,
            "audit_state": building.audit_state,
        }
        audits = list(building.audits.all())
        items = list(audits[0].items.all()) if audits else []
        if not items:
            rows.append({**base, "audited_on": None, "requirement": "", "result": ""})
        for item in sorted(items, key=lambda i: i.requirement):
            rows.append(
                {
                    **base,
                    "audited_on": audits[0].audited_on,
                    "requirement": item.requirement,
                    "result": item.result,
                }
            )
    return rows


def open_data_barriers() -> list[dict[str, Any]]:
    """One row per remediation task with its barrier and building (a barrier without a task
    gives one row with the task columns empty)."""
    rows: list[dict[str, Any]] = []
    barriers = (
        Barrier.objects.select_related("building")
        .prefetch_related(Prefetch("tasks", queryset=RemediationTask.objects.order_by("pk")))
        .order_by("building__slug", "pk")
    )
    for barrier in barriers:
        base = {
            "building": barrier.building.slug,
            "requirement": barrier.requirement,
            "barrier": barrier.description,
            "severity": barrier.severity,
            "found_on": barrier.found_on,
        }
        tasks = list(barrier.tasks.all())
        empty = {
            "task": "",
            "status": "",
            "blocker": "",
            "planned_start": None,
            "planned_end": None,
            "completed_on": None,
            "cost_pln": None,
        }
        if not tasks:
            rows.append({**base, **empty})
        for task in tasks:
            rows.append(
                {
                    **base,
                    "task": task.title,
                    "status": task.status,
                    "blocker": task.blocker,
                    "planned_start": task.planned_start,
                    "planned_end": task.planned_end,
                    "completed_on": task.completed_on,
                    "cost_pln": float(task.cost) if task.cost is not None else None,
                }
            )
    return rows


def open_data_scan_trend() -> list[dict[str, Any]]:
    """Automated scans per site and day: pages scanned, failed scans, violations found."""
    rows = (
        Scan.objects.exclude(status=ScanStatus.QUEUED)
        .annotate(day=TruncDate("finished_at"))
        .values("website__slug", "website__url", "day")
        .annotate(
            pages=Count("pk", filter=Q(status=ScanStatus.DONE)),
            failed=Count("pk", filter=Q(status=ScanStatus.FAILED)),
            violation_total=Sum("violation_count", filter=Q(status=ScanStatus.DONE), default=0),
        )
        .order_by("website__slug", "day")
    )
    return [
        {
            "website": row["website__slug"],
            "url": row["website__url"],
            "date": row["day"],
            "pages_scanned": row["pages"],
            "failed_scans": row["failed"],
            "violations": row["violation_total"],
        }
        for row in rows
    ]
