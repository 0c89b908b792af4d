"""Reads on districts for views, the API and other apps."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum

from districts import allocation as alloc
from districts.models import (
    Allocation,
    CouncilMember,
    District,
    DistrictQuerySet,
    FundsPlanYear,
    Resolution,
    ResolutionQuerySet,
    ResolutionStatus,
    ResolutionTask,
)

BASE_YEAR = 2024
TARGET_YEAR = 2029


def district_list() -> DistrictQuerySet:
    return District.objects.by_number()


def district_by_slug(*, slug: str) -> District:
    return District.objects.select_related("council_office").get(slug=slug)


def council_members(*, district: District) -> QuerySet[CouncilMember]:
    return CouncilMember.objects.filter(district=district).order_by("function", "full_name")


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
