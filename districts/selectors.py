"""Reads on districts for views, the API and other apps."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from districts import allocation as alloc
from districts.models import (
    Allocation,
    CouncilMember,
    CouncilOffice,
    CouncilSession,
    DeadlineOverride,
    District,
    DistrictQuerySet,
    FundsPlanYear,
    Resolution,
    ResolutionQuerySet,
    ResolutionStatus,
    ResolutionTask,
    TaskAttachment,
)

BASE_YEAR = 2024
TARGET_YEAR = 2029


def district_list() -> DistrictQuerySet:
    return District.objects.by_number()


def district_by_slug(*, slug: str) -> District:
    return District.objects.select_related("council_office").get(slug=slug)


def council_members(*, district: District) -> QuerySet[CouncilMember]:
    return CouncilMember.objects.filter(district=district).order_by("function", "full_name")


@dataclass(frozen=True)
class CouncilSeat:
    """Where the council sits and when it can be reached.

    With a linked e-services office (``office_name`` set), the address, "open now" and the
    weekly hours (``weekly``: weekday 0 = Monday → [(from, to)]) come from the e-services app;
    ``duty_hours`` are the councillors' own duty hours kept with the council.
    """

    address: str
    office_name: str = ""
    open_now: bool | None = None
    closes_at: datetime | None = None
    next_opening: datetime | None = None
    weekly: list[tuple[int, list[tuple[str, str]]]] = field(default_factory=list)
    duty_hours: str = ""
    phone: str = ""
    email: str = ""
    is_demo: bool = False


def _services_office(slug: str, at: datetime | None) -> Any:
    """The e-services office info for ``slug`` (read-only selector), None when absent."""
    if not slug or not apps.is_installed("services"):
        return None
    from services.selectors import office_info

    return office_info(slug=slug, at=at)


def council_seat(*, district: District, at: datetime | None = None) -> CouncilSeat | None:
    """The council's seat: from the e-services offices when linked, else the kept address."""
    office = CouncilOffice.objects.filter(district=district).first()
    if office is None:
        return None
    info = _services_office(office.services_office_slug, at)
    if info is None:
        if not office.seat_address:
            return None
        return CouncilSeat(
            address=office.seat_address,
            duty_hours=office.office_hours,
            phone=office.phone,
            email=office.email,
            is_demo=office.is_demo,
        )
    phones, emails = list(info.office.phones or []), list(info.office.emails or [])
    return CouncilSeat(
        address=info.office.address,
        office_name=info.office.title,
        open_now=info.open_now,
        closes_at=info.closes_at,
        next_opening=info.next_opening,
        weekly=info.weekly,
        duty_hours=office.office_hours,
        phone=office.phone or (phones[0] if phones else ""),
        email=office.email or (emails[0] if emails else ""),
        is_demo=office.is_demo,
    )


def office_choices() -> list[tuple[str, str]]:
    """The e-services office locations a council seat may be linked to (slug, name)."""
    if not apps.is_installed("services"):
        return []
    from services.selectors import office_choices as services_office_choices

    return services_office_choices()


def upcoming_sessions(*, district: District, limit: int = 5) -> list[CouncilSession]:
    """The council's next sessions, soonest first."""
    rows = CouncilSession.objects.filter(district=district, starts_at__gte=timezone.now())
    return list(rows.order_by("starts_at")[:limit])


def funds_plan() -> list[FundsPlanYear]:
    return list(FundsPlanYear.objects.order_by("year"))


def funds_doubling(plan: list[FundsPlanYear]) -> alloc.DoublingCheck | None:
    """Whether the plan reaches twice the 2024 amount by 2029 (None without a 2024 amount)."""
    base = next((p.total for p in plan if p.year == BASE_YEAR), None)
    if base is None:
        return None
    later = {p.year: p.total for p in plan if p.year > BASE_YEAR}
    return alloc.check_doubling(base, later, base_year=BASE_YEAR, target_year=TARGET_YEAR)


@dataclass(frozen=True)
class AllocationTable:
    years: list[int]
    rows: list[dict[str, Any]]  # {"district": District, "amounts": [Decimal | None per year]}
    totals: list[Decimal]


def allocation_table() -> AllocationTable:
    """Allocations per district (rows) and year (columns), two queries."""
    allocations = list(Allocation.objects.order_by("year"))
    years = sorted({a.year for a in allocations})
    by_key = {(a.district_id, a.year): a.amount for a in allocations}
    rows = [
        {"district": d, "amounts": [by_key.get((d.pk, y)) for y in years]}
        for d in District.objects.by_number()
    ]
    totals = [sum((a.amount for a in allocations if a.year == y), Decimal("0.00")) for y in years]
    return AllocationTable(years=years, rows=rows, totals=totals)


def allocations(*, year: int | None = None) -> QuerySet[Allocation]:
    rows = Allocation.objects.select_related("district").order_by("year", "district__number")
    return rows.filter(year=year) if year is not None else rows


def district_allocations(*, district: District) -> QuerySet[Allocation]:
    return Allocation.objects.filter(district=district).order_by("year")


def _with_tasks(rows: ResolutionQuerySet) -> ResolutionQuerySet:
    return rows.select_related("district").prefetch_related(
        Prefetch("tasks", queryset=ResolutionTask.objects.order_by("id"))
    )


def public_resolutions(
    *, district: District | None = None, year: int | None = None
) -> ResolutionQuerySet:
    """Filed, reviewed and superseded resolutions (drafts are the council's work in progress)."""
    rows = (
        Resolution.objects.public().select_related("district").annotate(total=Sum("tasks__amount"))
    )
    if district is not None:
        rows = rows.filter(district=district)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "district__number", "-version")


def resolutions_for_districts(*, district_ids: set[int]) -> ResolutionQuerySet:
    rows = Resolution.objects.filter(district_id__in=district_ids).select_related("district")
    return rows.annotate(total=Sum("tasks__amount")).order_by(
        "-year", "district__number", "-version"
    )


def resolutions_to_review() -> ResolutionQuerySet:
    rows = Resolution.objects.filter(status=ResolutionStatus.FILED).select_related("district")
    return rows.annotate(total=Sum("tasks__amount")).order_by("filed_at")


def resolution_by_public_id(*, public_id: Any) -> Resolution:
    return _with_tasks(Resolution.objects.all()).get(public_id=public_id)


def resolution_versions(*, resolution: Resolution) -> list[Resolution]:
    """Every version of the district's resolution for that year, oldest first."""
    rows = Resolution.objects.filter(district_id=resolution.district_id, year=resolution.year)
    return list(rows.order_by("version"))


def current_tasks(*, district: District | None = None) -> QuerySet[ResolutionTask]:
    """Tasks of the live (filed or accepted) resolutions: the public progress view."""
    rows = (
        ResolutionTask.objects.filter(
            resolution__status__in=[ResolutionStatus.FILED, ResolutionStatus.ACCEPTED]
        )
        .select_related("resolution", "resolution__district")
        .prefetch_related("attachments")
    )
    if district is not None:
        rows = rows.filter(resolution__district=district)
    return rows.order_by("-resolution__year", "resolution__district__number", "id")


def public_resolutions_for_district(*, district_id: int, limit: int) -> list[Resolution]:
    rows = Resolution.objects.public().filter(district_id=district_id)
    return list(rows.exclude(status=ResolutionStatus.SUPERSEDED).order_by("-adopted_on")[:limit])


def allocation_rows() -> list[dict[str, Any]]:
    """Open data: one row per district and year."""
    return [
        {
            "year": a.year,
            "district_number": a.district.number,
            "district": a.district.name,
            "amount": a.amount,
            "base_amount": a.base_amount,
            "increase": a.increase,
        }
        for a in allocations()
    ]


def task_rows() -> list[dict[str, Any]]:
    """Open data: the tasks of the live resolutions with their progress."""
    return [
        {
            "year": t.resolution.year,
            "district_number": t.resolution.district.number,
            "district": t.resolution.district.name,
            "resolution_number": t.resolution.number,
            "title": t.title,
            "category": t.category,
            "implementing_unit": t.implementing_unit,
            "amount": t.amount,
            "status": t.status,
            "committed": t.committed,
            "spent": t.spent,
        }
        for t in current_tasks()
    ]


def task_attachments(*, task: ResolutionTask) -> QuerySet[TaskAttachment]:
    return TaskAttachment.objects.filter(task=task).order_by("uploaded_at", "id")


def resident_district_overview(*, district: District, today: date | None = None) -> dict[str, Any]:
    """The resident's district for the dashboard: council seat, next sessions, the live
    resolutions and this year's funds (a handful of queries, whatever the data)."""
    today = today or timezone.localdate()
    allocation = Allocation.objects.filter(district=district, year=today.year).first()
    resolutions = (
        Resolution.objects.public()
        .filter(district=district, year__gte=today.year)
        .exclude(status=ResolutionStatus.SUPERSEDED)
        .order_by("year")[:3]
    )
    return {
        "district": district,
        "seat": council_seat(district=district),
        "sessions": upcoming_sessions(district=district, limit=3),
        "resolutions": list(resolutions),
        "allocation": allocation,
        "year": today.year,
    }


def personal_data(*, user: Any) -> dict[str, Any]:
    """GDPR export: what the districts app links to this person."""
    from accounts.permissions import council_district_ids

    council = District.objects.filter(pk__in=council_district_ids(user)).order_by("number")

    def resolution_row(r: Resolution) -> dict[str, Any]:
        return {
            "district": r.district.name,
            "year": r.year,
            "number": r.number,
            "version": r.version,
        }

    base = Resolution.objects.select_related("district").order_by("year", "district__number")
    return {
        "council_member_of": [d.name for d in council],
        "resolutions_created": [resolution_row(r) for r in base.filter(created_by=user)],
        "resolutions_filed": [
            {**resolution_row(r), "filed_at": r.filed_at.isoformat() if r.filed_at else None}
            for r in base.filter(filed_by=user)
        ],
        "resolutions_reviewed": [
            {
                **resolution_row(r),
                "reviewed_at": r.reviewed_at.isoformat() if r.reviewed_at else None,
                "status": r.status,
            }
            for r in base.filter(reviewed_by=user)
        ],
        "task_attachments_uploaded": [
            {
                "task": a.task.title,
                "district": a.task.resolution.district.name,
                "title": a.title,
                "kind": a.kind,
                "uploaded_at": a.uploaded_at.isoformat(),
            }
            for a in TaskAttachment.objects.filter(uploaded_by=user)
            .select_related("task__resolution__district")
            .order_by("uploaded_at")
        ],
        "deadline_overrides_granted": [
            {
                "district": o.district.name,
                "year": o.year,
                "valid_until": o.valid_until.isoformat(),
                "reason": o.reason,
            }
            for o in DeadlineOverride.objects.filter(granted_by=user)
            .select_related("district")
            .order_by("year")
        ],
    }


def deadline_overrides(*, district_ids: set[int] | None = None) -> QuerySet[DeadlineOverride]:
    """Recorded permissions to file late (all, or those of the given districts)."""
    rows = DeadlineOverride.objects.select_related("district").order_by("-year", "district__number")
    return rows if district_ids is None else rows.filter(district_id__in=district_ids)


def deadline_override_for(*, district_id: int, year: int) -> DeadlineOverride | None:
    return DeadlineOverride.objects.filter(district_id=district_id, year=year).first()


def recent_task_progress(*, district_id: int, limit: int) -> list[ResolutionTask]:
    """Tasks of the district's live resolutions whose progress was last recorded, newest first."""
    rows = current_tasks().filter(
        resolution__district_id=district_id, progress_updated_at__isnull=False
    )
    return list(rows.order_by("-progress_updated_at")[:limit])


def filing_deadline(*, year: int) -> date | None:
    plan = FundsPlanYear.objects.filter(year=year).first()
    return plan.filing_deadline if plan else None
