"""What is happening in a district: the districts app's own items (resolutions, task progress)
and, read through the public selectors of the consultations and participatory-budget apps
(never their models), their consultations and budget projects for the district."""

from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.registry import ActivityItem, register_activity_provider
from districts.selectors import public_resolutions_for_district, recent_task_progress

LIMIT = 5


def _resolutions(district_id: int) -> list[ActivityItem]:
    return [
        ActivityItem(
            title=_("Uchwała nr %(number)s: %(status)s")
            % {"number": r.number, "status": r.get_status_display()},
            url=reverse("districts:resolution", kwargs={"public_id": r.public_id}),
            kind=_("uchwała rady"),
            date=r.adopted_on,
        )
        for r in public_resolutions_for_district(district_id=district_id, limit=LIMIT)
    ]


def _tasks(district_id: int) -> list[ActivityItem]:
    return [
        ActivityItem(
            title=_("%(title)s: %(status)s") % {"title": t.title, "status": t.get_status_display()},
            url=reverse("districts:tasks", kwargs={"slug": t.resolution.district.slug}),
            kind=_("zadanie dzielnicy"),
            date=timezone.localdate(t.progress_updated_at) if t.progress_updated_at else None,
        )
        for t in recent_task_progress(district_id=district_id, limit=LIMIT)
    ]


def _consultations(district_id: int) -> list[ActivityItem]:
    from consultations.selectors import consultation_list

    rows: Any = consultation_list(district_id=district_id).filter(ends_on__gte=timezone.localdate())
    return [
        ActivityItem(
            title=c.title,
            url=reverse("consultations:detail", kwargs={"public_id": c.public_id}),
            kind=_("konsultacje"),
            date=c.starts_on,
        )
        for c in rows.order_by("-starts_on")[:LIMIT]
    ]


def _budget_projects(district_id: int) -> list[ActivityItem]:
    from consultations.budget.selectors import public_projects

    rows: Any = public_projects(district_id=district_id)
    return [
        ActivityItem(
            title=p.title,
            url=reverse("budget:project", kwargs={"project_id": p.public_id}),
            kind=_("projekt budżetu obywatelskiego %(year)s") % {"year": p.pool.edition.year},
            date=timezone.localdate(p.submitted_at),
        )
        for p in rows.order_by("-submitted_at")[:LIMIT]
    ]


register_activity_provider("districts.resolutions", _resolutions)
register_activity_provider("districts.tasks", _tasks)
if apps.is_installed("consultations"):
    register_activity_provider("consultations.consultations", _consultations)
if apps.is_installed("consultations.budget"):
    register_activity_provider("consultations.budget", _budget_projects)
