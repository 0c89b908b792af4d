"""E-services pages: catalogue, online forms, the resident's cases, verification, contact."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accessibility import selectors as accessibility_selectors
from accounts.models import User
from services import actions, selectors
from services.documents import confirmation_pdf, submission_blocks
from services.formengine import (
    DefinitionForm,
    check_uploads,
    file_fields,
    initial_from_data,
    raw_data,
)
from services.models import Category, Channel, LifeSituation, Service


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 — login_required ran first
    return request.user


def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("kategoria", "")
    situation = request.GET.get("sytuacja", "")
    if category not in Category.values:
        category = ""
    if situation not in LifeSituation.values:
        situation = ""
    services = list(
        selectors.service_catalogue(query=query, category=category, life_situation=situation)
    )
    return render(
        request,
        "services/catalogue.html",
        {
            "services": services,
            "query": query,
            "category": category,
            "situation": situation,
            "categories": Category.choices,
            "situations": LifeSituation.choices,
        },
    )


def _service_or_404(slug: str) -> Service:
    service = selectors.service_get(slug=slug)
    if service is None:
        raise Http404
    return service


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service_or_404(slug)
    definition = selectors.service_definition(service=service)
    return render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "has_form": definition is not None and Channel.ONLINE in service.channels,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """The online form. Buttons: save the draft, add/remove a row of a group, submit."""
    service = _service_or_404(slug)
    definition = selectors.service_definition(service=service)
    if definition is None or Channel.ONLINE not in service.channels:
        raise Http404
    user = _user(request)
    draft = selectors.draft_of(user=user, service=service)
    schema = definition.schema
    if request.method == "GET":
        initial, counts = initial_from_data(schema, draft.data if draft else {})
        form = DefinitionForm(schema, initial=initial, row_counts=counts)
        return _render_apply(request, service, form, draft)

    action = request.POST.get("action", "submit")
    form = DefinitionForm(schema, request.POST, request.FILES)
    if action.startswith(("add:", "remove:")) or action == "save":
        counts = dict(form.row_counts)
        verb, _sep, section_key = action.partition(":")
        repeats = {s["key"]: s["repeat"] for s in schema["sections"] if s.get("repeat")}
        if form._count_error or (verb != "save" and section_key not in repeats):
            form.is_valid()  # shows the tampering error; nothing is saved
            return _render_apply(request, service, form, draft, status=400)
        data = raw_data(schema, form)
        uploads, upload_errors = check_uploads(schema, form.row_counts, request.FILES)
        if upload_errors:
            form.full_clean()
            form._errors = ErrorDict()  # a draft may be incomplete: only the files' errors
            for name, message in upload_errors.items():
                form.add_error(name, message)
            return _render_apply(request, service, form, draft, status=400)
        if verb == "add" and counts[section_key] < repeats[section_key]["max"]:
            data[section_key].append({})
        elif verb == "remove" and counts[section_key] > max(repeats[section_key]["min"], 0):
            data[section_key].pop()
        rows_now = {k: len(v) for k, v in data.items() if isinstance(v, list)}
        draft = actions.draft_save(
            service=service,
            definition=definition,
            owner=user,
            data=data,
            uploads=uploads,
            file_fields=set(file_fields(schema, {**form.row_counts, **rows_now})),
        )
        if verb == "save":
            messages.success(request, _("Zapisano wersję roboczą. Możesz wrócić do niej później."))
            return redirect("services:apply", slug=service.slug)
        initial, counts = initial_from_data(schema, data)
        form = DefinitionForm(schema, initial=initial, row_counts=counts)
        return _render_apply(request, service, form, draft)
    if action != "submit":
        raise PermissionDenied
    if draft is not None:
        # Files saved with the draft count as uploaded unless the resident chose new ones.
        files = request.FILES.copy()
        for attachment in draft.attachments.all():
            if attachment.field_name not in files:
                with attachment.file.open("rb") as handle:
                    files[attachment.field_name] = SimpleUploadedFile(
                        attachment.original_name, handle.read(), attachment.content_type
                    )
        form = DefinitionForm(schema, request.POST, files)
    if not form.is_valid():
        return _render_apply(request, service, form, draft, status=400)
    try:
        case = actions.case_submit(
            service=service,
            definition=definition,
            applicant=user,
            data=form.submission(),
            uploads=form.uploads,
            acting_user=user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_apply(request, service, form, draft, status=400)
    messages.success(
        request, _("Wniosek został złożony. Numer sprawy: %(number)s.") % {"number": case.number}
    )
    return redirect("services:case", public_id=case.public_id)


def _render_apply(
    request: HttpRequest,
    service: Service,
    form: DefinitionForm,
    draft: Any,
    status: int = 200,
) -> HttpResponse:
    form.mark_accessibility()
    labels = file_fields(form.schema, form.row_counts)
    draft_files = [
        (labels[a.field_name]["label"], a)
        for a in (draft.attachments.all() if draft is not None else [])
        if a.field_name in labels
    ]
    return render(
        request,
        "services/apply.html",
        {
            "service": service,
            "form": form,
            "layout": form.bind_layout(),
            "draft": draft,
            "draft_files": draft_files,
        },
        status=status,
    )


@login_required
def draft_file(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponse:
    """A file of the resident's own draft (nobody else's: not found for anyone else)."""
    attachment = selectors.draft_attachment_of(
        user=request.user, slug=slug, attachment_id=attachment_id
    )
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    return _private(response)


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.cases_of_resident(user=_user(request)))
    today = selectors.today()
    return render(request, "services/my_cases.html", {"cases": cases, "today": today})


def _case_or_404(request: HttpRequest, public_id: UUID) -> Any:
    case = selectors.case_for_user(user=request.user, public_id=public_id)
    if case is None:
        # Not found and not allowed look the same: nobody learns that a case exists.
        raise Http404
    return case


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = _case_or_404(request, public_id)
    error = ""
    if request.method == "POST":
        try:
            actions.case_message_send(
                case=case, body=request.POST.get("body", ""), acting_user=_user(request)
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Wiadomość została wysłana."))
            return redirect("services:case", public_id=case.public_id)
    return render(
        request,
        "services/case_detail.html",
        {
            "case": case,
            "overdue": case.is_overdue_on(selectors.today()),
            "case_messages": list(case.messages.select_related("author")),
            "attachments": list(case.attachments.all()),
            "letters": selectors.case_letters(case=case),
            "blocks": submission_blocks(case.definition.schema, case.data),
            "message_error": error,
            "message_body": request.POST.get("body", "") if error else "",
        },
        status=400 if error else 200,
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def case_confirmation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = _case_or_404(request, public_id)
    response = HttpResponse(confirmation_pdf(case), content_type="application/pdf")
    filename = f"potwierdzenie-{case.number.replace('/', '-')}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@login_required
def case_attachment(request: HttpRequest, public_id: UUID, attachment_id: int) -> HttpResponse:
    case = _case_or_404(request, public_id)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    return _private(response)


@never_cache
@login_required
def taxes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "services/taxes.html",
        {
            "summary": selectors.tax_summary(user=request.user),
            "letters": selectors.letters_of_resident(user=request.user, taxes=True),
        },
    )


@login_required
def letter_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A letter of a mass mailing, as PDF, for its recipient (or a clerk of its department)."""
    from services.actions import letter_pdf

    letter = selectors.letter_for_user(user=request.user, public_id=public_id)
    if letter is None:
        raise Http404
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pismo-{letter.public_id}.pdf"'
    return _private(response)


def verify(request: HttpRequest) -> HttpResponse:
    sha256 = request.GET.get("sha256", "").strip()[:200]
    result = selectors.submission_by_hash(sha256=sha256) if sha256 else None
    return render(
        request,
        "services/verify.html",
        {"sha256": sha256, "result": result, "checked": bool(sha256)},
    )


WEEKDAYS = (
    _lazy("poniedziałek"),
    _lazy("wtorek"),
    _lazy("środa"),
    _lazy("czwartek"),
    _lazy("piątek"),
    _lazy("sobota"),
    _lazy("niedziela"),
)


def contact(request: HttpRequest) -> HttpResponse:
    infos = selectors.offices_list()
    # The accessibility app keeps the buildings' audits; an office links to its building's page
    # when the addresses match (one query for all offices).
    buildings = accessibility_selectors.buildings_by_address(info.office.address for info in infos)
    offices = [
        (
            info,
            [(WEEKDAYS[day], intervals) for day, intervals in info.weekly],
            buildings.get(info.office.address),
        )
        for info in infos
    ]
    return render(request, "services/contact.html", {"offices": offices})
