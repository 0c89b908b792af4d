"""District pages: list, district page, funds, the register of resolutions, council members'
drafts, clerks' review and task follow-up."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import council_district_ids
from config.pdf import render_pdf
from districts import actions, charts
from districts.forms import (
    AttachmentForm,
    ProgressForm,
    ResolutionCreateForm,
    ResolutionForm,
    ReviewForm,
    TaskForm,
)
from districts.models import (
    District,
    Resolution,
    ResolutionStatus,
    ResolutionTask,
    TaskAttachment,
)
from districts.registry import activity_for
from districts.selectors import (
    allocation_table,
    council_members,
    council_seat,
    current_tasks,
    deadline_override_for,
    district_allocations,
    district_list,
    filing_deadline,
    funds_doubling,
    funds_plan,
    public_resolutions,
    resolution_by_public_id,
    resolution_versions,
    resolutions_for_districts,
    resolutions_to_review,
    task_attachments,
    upcoming_sessions,
)

WEEKDAYS = (
    gettext_lazy("poniedziałek"),
    gettext_lazy("wtorek"),
    gettext_lazy("środa"),
    gettext_lazy("czwartek"),
    gettext_lazy("piątek"),
    gettext_lazy("sobota"),
    gettext_lazy("niedziela"),
)


def district_index(request: HttpRequest) -> HttpResponse:
    districts = list(district_list())
    totals = {
        "population": sum(d.population for d in districts),
        "area_km2": sum(d.area_km2 for d in districts),
    }
    return render(request, "districts/index.html", {"districts": districts, "totals": totals})


def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_object_or_404(District, slug=slug)
    seat = council_seat(district=district)
    return render(
        request,
        "districts/detail.html",
        {
            "district": district,
            "seat": seat,
            "weekly": [(WEEKDAYS[day], intervals) for day, intervals in seat.weekly]
            if seat
            else [],
            "sessions": upcoming_sessions(district=district),
            "members": council_members(district=district),
            "allocations": district_allocations(district=district),
            "resolutions": public_resolutions(district=district)[:10],
            "activity": activity_for(district.pk),
            "can_edit": actions.can_edit_district(request.user, district.pk),
        },
    )


def district_tasks(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_object_or_404(District, slug=slug)
    tasks = list(current_tasks(district=district))
    totals = {
        "amount": sum((t.amount for t in tasks), Decimal("0.00")),
        "committed": sum((t.committed for t in tasks), Decimal("0.00")),
        "spent": sum((t.spent for t in tasks), Decimal("0.00")),
    }
    return render(
        request,
        "districts/tasks.html",
        {
            "district": district,
            "tasks": tasks,
            "totals": totals,
            "can_update": actions.can_update_progress(request.user, district.pk),
        },
    )


def funds(request: HttpRequest) -> HttpResponse:
    plan = funds_plan()
    doubling = funds_doubling(plan)
    table = allocation_table()
    plan_chart = charts.vertical_bars(
        [(str(p.year), p.total) for p in plan],
        reference=doubling.target_amount if doubling else None,
        highlight_from=doubling.target_amount if doubling else None,
    )
    latest = table.years[-1] if table.years else None
    district_chart = (
        charts.horizontal_bars(
            [(row["district"].name, row["amounts"][-1] or Decimal(0)) for row in table.rows]
        )
        if latest
        else None
    )
    return render(
        request,
        "districts/funds.html",
        {
            "plan": plan,
            "doubling": doubling,
            "table": table,
            "plan_chart": plan_chart,
            "district_chart": district_chart,
            "latest_year": latest,
            "formula": actions.formula_load(),
        },
    )


def resolution_register(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("rok", "")
    rows = public_resolutions(year=int(year) if year.isdigit() and len(year) == 4 else None)
    return render(request, "districts/register.html", {"resolutions": rows, "year": year})


def _visible_resolution(request: HttpRequest, public_id: UUID) -> Resolution:
    """A public resolution, or a draft for the council members of its district (404 otherwise,
    so that drafts do not leak)."""
    try:
        resolution = resolution_by_public_id(public_id=public_id)
    except Resolution.DoesNotExist:
        raise Http404 from None
    if resolution.status == ResolutionStatus.DRAFT and not actions.can_edit_district(
        request.user, resolution.district_id
    ):
        raise Http404
    return resolution


def resolution_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    resolution = _visible_resolution(request, public_id)
    can_edit = actions.can_edit_district(request.user, resolution.district_id)
    versions = [
        v
        for v in resolution_versions(resolution=resolution)
        if v.status != ResolutionStatus.DRAFT or can_edit
    ]
    return render(
        request,
        "districts/resolution.html",
        {
            "resolution": resolution,
            "check": actions.resolution_check(resolution),
            "versions": versions,
            "can_edit": can_edit,
            "can_review": actions.can_review(request.user)
            and resolution.status == ResolutionStatus.FILED,
        },
    )


def resolution_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    resolution = _visible_resolution(request, public_id)
    pdf = render_pdf(
        "districts/resolution_pdf.html",
        {"resolution": resolution, "check": actions.resolution_check(resolution)},
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"uchwala-{resolution.district.slug}-{resolution.year}-v{resolution.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --------------------------------------------------------------------------------------------
# Council members
# --------------------------------------------------------------------------------------------


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def council_home(request: HttpRequest) -> HttpResponse:
    """A council member's districts and resolutions; for clerks who review, the filed ones."""
    if denied := _login_required(request):
        return denied
    district_ids = council_district_ids(request.user)
    reviewer = actions.can_review(request.user)
    if not district_ids and not reviewer:
        raise PermissionDenied
    return render(
        request,
        "districts/council.html",
        {
            "districts": district_list().filter(pk__in=district_ids),
            "resolutions": resolutions_for_districts(district_ids=district_ids),
            "to_review": resolutions_to_review() if reviewer else None,
        },
    )


@require_http_methods(["GET", "POST"])
def resolution_create(request: HttpRequest, slug: str) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    district = get_object_or_404(District, slug=slug)
    if not actions.can_edit_district(request.user, district.pk):
        raise PermissionDenied
    years = [p.year for p in funds_plan()]
    form = ResolutionCreateForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        try:
            resolution = actions.resolution_draft_create(
                district=district,
                year=form.cleaned_data["year"],
                number=form.cleaned_data["number"],
                adopted_on=form.cleaned_data["adopted_on"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            form.apply(error)
        else:
            messages.success(request, _("Utworzono projekt uchwały."))
            return redirect("districts:resolution_edit", public_id=resolution.public_id)
    return render(
        request,
        "districts/resolution_create.html",
        {"district": district, "form": form},
        status=400 if form.errors else 200,
    )


def _editable(request: HttpRequest, public_id: UUID) -> Resolution:
    resolution = _visible_resolution(request, public_id)
    if not actions.can_edit_district(request.user, resolution.district_id):
        raise PermissionDenied
    return resolution


def _edit_page(
    request: HttpRequest,
    resolution: Resolution,
    *,
    header: ResolutionForm | None = None,
    task_form: TaskForm | None = None,
    file_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    header = header or ResolutionForm(
        initial={"number": resolution.number, "adopted_on": resolution.adopted_on}
    )
    return render(
        request,
        "districts/resolution_edit.html",
        {
            "resolution": resolution,
            "header": header,
            "task_form": task_form or TaskForm(),
            "check": actions.resolution_check(resolution),
            "file_errors": file_errors or [],
            "allocation": actions.district_allocation(
                district_id=resolution.district_id, year=resolution.year
            ),
            "deadline": filing_deadline(year=resolution.year),
            "override": deadline_override_for(
                district_id=resolution.district_id, year=resolution.year
            ),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def resolution_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    resolution = _editable(request, public_id)
    if resolution.status != ResolutionStatus.DRAFT:
        return redirect("districts:resolution", public_id=resolution.public_id)
    if request.method == "POST":
        header = ResolutionForm(request.POST)
        if header.is_valid():
            try:
                actions.resolution_update(
                    resolution=resolution,
                    number=header.cleaned_data["number"],
                    adopted_on=header.cleaned_data["adopted_on"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                header.apply(error)
            else:
                messages.success(request, _("Zapisano dane uchwały."))
                return redirect("districts:resolution_edit", public_id=resolution.public_id)
        return _edit_page(request, resolution, header=header, status=400)
    return _edit_page(request, resolution)


@require_POST
def resolution_task_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    resolution = _editable(request, public_id)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            actions.resolution_task_add(
                resolution=resolution,
                acting_user=request.user,
                **form.cleaned_data,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            form.apply(error)
        else:
            messages.success(request, _("Dodano zadanie."))
            return redirect("districts:resolution_edit", public_id=resolution.public_id)
    return _edit_page(request, resolution, task_form=form, status=400)


@require_POST
def resolution_task_remove(request: HttpRequest, public_id: UUID, task_id: int) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    resolution = _editable(request, public_id)
    task = get_object_or_404(ResolutionTask, pk=task_id, resolution=resolution)
    try:
        actions.resolution_task_remove(task=task, acting_user=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        return _edit_page(request, resolution, file_errors=error.messages, status=400)
    messages.success(request, _("Usunięto zadanie."))
    return redirect("districts:resolution_edit", public_id=resolution.public_id)


@require_POST
def resolution_file(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    resolution = _editable(request, public_id)
    try:
        actions.resolution_file(resolution=resolution, acting_user=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        return _edit_page(request, resolution, file_errors=error.messages, status=400)
    messages.success(request, _("Złożono uchwałę w urzędzie."))
    return redirect("districts:resolution", public_id=resolution.public_id)


@require_POST
def resolution_amend(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    resolution = _editable(request, public_id)
    try:
        new = actions.resolution_amend(resolution=resolution, acting_user=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("districts:resolution", public_id=resolution.public_id)
    messages.success(request, _("Utworzono nową wersję uchwały."))
    return redirect("districts:resolution_edit", public_id=new.public_id)


@require_http_methods(["GET", "POST"])
def resolution_review(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    if not actions.can_review(request.user):
        raise PermissionDenied
    resolution = _visible_resolution(request, public_id)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.resolution_review(
                    resolution=resolution,
                    accept=form.cleaned_data["decision"] == "accept",
                    comment=form.cleaned_data["comment"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                form.apply(error)
            else:
                messages.success(request, _("Zapisano ocenę uchwały."))
                return redirect("districts:resolution", public_id=resolution.public_id)
    return render(
        request,
        "districts/review.html",
        {"resolution": resolution, "form": form, "check": actions.resolution_check(resolution)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def task_progress(request: HttpRequest, task_id: int) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    task = get_object_or_404(
        ResolutionTask.objects.select_related("resolution__district"), pk=task_id
    )
    if not actions.can_update_progress(request.user, task.resolution.district_id):
        raise PermissionDenied
    initial: dict[str, Any] = {
        "status": task.status,
        "committed": task.committed,
        "spent": task.spent,
    }
    form = ProgressForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.task_progress_update(
                    task=task, acting_user=request.user, **form.cleaned_data
                )  # type: ignore[arg-type]
            except ValidationError as error:
                form.apply(error)
            else:
                messages.success(request, _("Zapisano postęp zadania."))
                return redirect("districts:tasks", slug=task.resolution.district.slug)
    return _progress_page(request, task, form=form, status=status)


def _progress_page(
    request: HttpRequest,
    task: ResolutionTask,
    *,
    form: ProgressForm | None = None,
    attachment_form: AttachmentForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    initial = {"status": task.status, "committed": task.committed, "spent": task.spent}
    return render(
        request,
        "districts/progress.html",
        {
            "task": task,
            "form": form or ProgressForm(initial=initial),
            "attachment_form": attachment_form or AttachmentForm(),
            "attachments": task_attachments(task=task),
            "attachment_errors": errors or [],
        },
        status=status,
    )


@require_POST
def task_attachment_add(request: HttpRequest, task_id: int) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    task = get_object_or_404(
        ResolutionTask.objects.select_related("resolution__district"), pk=task_id
    )
    if not actions.can_update_progress(request.user, task.resolution.district_id):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > actions.MAX_ATTACHMENT_BYTES:
            form.add_error("file", _("Plik musi mieć od 1 bajta do 5 MB."))
        else:
            try:
                actions.task_attachment_add(
                    task=task,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    data=upload.read(),
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                form.apply(error)
            else:
                messages.success(request, _("Dodano załącznik."))
                return redirect("districts:tasks", slug=task.resolution.district.slug)
    return _progress_page(request, task, attachment_form=form, status=400)


@require_POST
def task_attachment_remove(request: HttpRequest, task_id: int, attachment_id: int) -> HttpResponse:
    if denied := _login_required(request):
        return denied
    task = get_object_or_404(
        ResolutionTask.objects.select_related("resolution__district"), pk=task_id
    )
    if not actions.can_update_progress(request.user, task.resolution.district_id):
        raise PermissionDenied
    attachment = get_object_or_404(TaskAttachment, pk=attachment_id, task=task)
    try:
        actions.task_attachment_remove(attachment=attachment, acting_user=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        return _progress_page(request, task, errors=error.messages, status=400)
    messages.success(request, _("Usunięto załącznik."))
    return redirect("districts:task_progress", task_id=task.pk)
