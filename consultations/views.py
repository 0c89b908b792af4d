"""Public pages of consultations and surveys: parse, check permission, call one action/selector."""

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import is_assistant, is_clerk_of
from config.pdf import render_pdf
from consultations import actions, methodology, selectors
from consultations.feeds import meetings_calendar
from consultations.forms import (
    ConsultationFilterForm,
    OpinionForm,
    PaperRespondentForm,
    ReportOpinionForm,
    resident_token,
)
from consultations.models import Opinion, Survey

PAGE_SIZE = 20


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _listing(request: HttpRequest, *, archive: bool) -> HttpResponse:
    form = ConsultationFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data.get("status") or "",
            "district_id": form.cleaned_data["district"].pk
            if form.cleaned_data.get("district")
            else None,
            "topic": form.cleaned_data.get("topic") or "",
        }
    queryset = selectors.consultation_list(archive=archive, **filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("strona"))
    query = request.GET.copy()
    query.pop("strona", None)
    return render(
        request,
        "consultations/index.html",
        {"form": form, "page": page, "archive": archive, "query": query.urlencode()},
    )


def consultation_index(request: HttpRequest) -> HttpResponse:
    return _listing(request, archive=False)


def consultation_archive(request: HttpRequest) -> HttpResponse:
    return _listing(request, archive=True)


def consultation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = selectors.consultation_detail(public_id=_uuid(public_id))
    if consultation is None:
        raise Http404
    opinion_form = OpinionForm()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        opinion_form = OpinionForm(request.POST)
        if opinion_form.is_valid():
            try:
                actions.opinion_submit(
                    consultation=consultation,
                    author=request.user,  # type: ignore[arg-type]
                    body=opinion_form.cleaned_data["body"],
                )
            except ValidationError as error:
                opinion_form.add_error("body", error)
            else:
                messages.success(request, _("Dziękujemy, opinia została dodana."))
                return redirect(request.path)
    status = 400 if opinion_form.errors else 200
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "opinion_form": opinion_form,
            "report_form": ReportOpinionForm(),
            "decision_reasons": _reasons(consultation.decision),
        },
        status=status,
    )


def _reasons(decision: dict[str, Any]) -> list[str]:
    key = "text_en" if translation.get_language() == "en" else "text_pl"
    return [str(reason.get(key, "")) for reason in decision.get("reasons", [])]


@require_POST
def opinion_report(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("consultations:index"))
    opinion = (
        Opinion.objects.filter(
            pk=pk, hidden_at__isnull=True, consultation__published_at__isnull=False
        )
        .select_related("consultation")
        .first()
    )
    if opinion is None:
        raise Http404
    form = ReportOpinionForm(request.POST)
    target = reverse("consultations:detail", args=[opinion.consultation.public_id])
    if not form.is_valid():
        messages.error(request, _("Podaj powód zgłoszenia."))
        return redirect(target)
    try:
        actions.opinion_report(
            opinion=opinion,
            reporter=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Dziękujemy, moderator sprawdzi zgłoszenie."))
    return redirect(target)


def consultation_report(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = selectors.consultation_detail(public_id=_uuid(public_id))
    if consultation is None or consultation.report_published_at is None:
        raise Http404
    return render(request, "consultations/report.html", {"consultation": consultation})


def consultation_report_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = selectors.consultation_detail(public_id=_uuid(public_id))
    if consultation is None or consultation.report_published_at is None:
        raise Http404
    pdf = render_pdf("consultations/report_pdf.html", {"consultation": consultation}, request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="raport-{consultation.public_id}.pdf"'
    return response


# Meetings ------------------------------------------------------------------------------------


def meeting_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    meeting = selectors.meeting_detail(public_id=_uuid(public_id))
    if meeting is None:
        raise Http404
    registered = (
        request.user.is_authenticated and meeting.registrations.filter(user=request.user).exists()
    )
    return render(
        request, "consultations/meeting.html", {"meeting": meeting, "registered": registered}
    )


@require_POST
def meeting_register(request: HttpRequest, public_id: str) -> HttpResponse:
    meeting = selectors.meeting_detail(public_id=_uuid(public_id))
    if meeting is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("consultations:meeting", args=[meeting.public_id]))
    user: User = request.user  # type: ignore[assignment]
    try:
        if request.POST.get("cancel"):
            actions.meeting_unregister(meeting=meeting, user=user)
            messages.success(request, _("Wypisano ze spotkania."))
        else:
            actions.meeting_register(meeting=meeting, user=user)
            messages.success(request, _("Zapisano na spotkanie."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("consultations:meeting", public_id=meeting.public_id)


def meeting_ical(request: HttpRequest, public_id: str) -> HttpResponse:
    meeting = selectors.meeting_detail(public_id=_uuid(public_id))
    if meeting is None:
        raise Http404
    return HttpResponse(
        meetings_calendar([meeting], request), content_type="text/calendar; charset=utf-8"
    )


def meetings_ical(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        meetings_calendar(list(selectors.upcoming_meetings()[:500]), request),
        content_type="text/calendar; charset=utf-8",
    )


# Surveys -------------------------------------------------------------------------------------


def survey_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.survey_list(), PAGE_SIZE).get_page(request.GET.get("strona"))
    return render(request, "consultations/survey_index.html", {"page": page})


def _raw_answers(survey: Survey, data: QueryDict) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for question in survey.questions.all():
        if question.kind == "multiple":
            raw[question.key] = data.getlist(question.key)
        else:
            raw[question.key] = data.get(question.key, "")
    return raw


def _survey_page(
    request: HttpRequest,
    survey: Survey,
    *,
    errors: dict[str, str],
    values: dict[str, Any],
    paper: bool = False,
    status: int = 200,
    respondent_form: PaperRespondentForm | None = None,
    found: dict[str, Any] | None = None,
) -> HttpResponse:
    questions = [
        {
            "q": q,
            "error": errors.get(q.key, ""),
            "value": values.get(q.key, [] if q.kind == "multiple" else ""),
            "scale": q.scale(),
        }
        for q in survey.questions.all()
    ]
    return render(
        request,
        "consultations/survey.html",
        {
            "survey": survey,
            "questions": questions,
            "errors": errors,
            "general_error": errors.get("__all__", ""),
            "ineligible": None
            if paper
            else actions.survey_eligibility_error(survey=survey, user=request.user),
            "paper": paper,
            "respondent_form": respondent_form,
            "found": found,
        },
        status=status,
    )


def survey_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    survey = selectors.survey_detail(public_id=_uuid(public_id))
    if survey is None:
        raise Http404
    if request.method != "POST":
        return _survey_page(request, survey, errors={}, values={})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raw = _raw_answers(survey, request.POST)
    try:
        actions.survey_respond(survey=survey, user=request.user, raw_answers=raw)  # type: ignore[arg-type]
    except ValidationError as error:
        errors = (
            {k: " ".join(v) for k, v in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"__all__": " ".join(error.messages)}
        )
        return _survey_page(request, survey, errors=errors, values=raw, status=400)
    messages.success(request, _("Dziękujemy, odpowiedź została zapisana."))
    return redirect("consultations:survey", public_id=survey.public_id)


def _may_enter_paper(user: Any, survey: Survey) -> bool:
    return is_clerk_of(user, survey.department.code) or is_assistant(user)


def _found(person: User, survey: Survey) -> dict[str, Any]:
    """What the clerk sees about the person looked up (never the full PESEL)."""
    return {
        "name": " ".join(p for p in (person.first_name, person.last_name[:1] + ".") if p != "."),
        "pesel": person.pesel_masked,
        "district": person.district,
        "answered": selectors.has_responded(survey=survey, user=person),
    }


def _paper_lookup_purpose(survey: Survey) -> str:
    """Why the PESEL was looked up, for the accounts audit log (no personal data)."""
    return f"odpowiedź papierowa na ankietę {survey.public_id}: {survey.title}"[:200]


def _without_pesel(form: PaperRespondentForm) -> PaperRespondentForm:
    """Keep the errors, drop the typed PESEL so the page never echoes it back."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data["pesel"] = ""
    form.data = data
    return form


@sensitive_post_parameters("pesel")
def survey_paper(request: HttpRequest, public_id: str) -> HttpResponse:
    """A clerk or assistant types in a paper questionnaire (recorded as assisted). The person
    may be looked up by PESEL (POST only) to keep one response per person across channels."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    survey = selectors.survey_detail(public_id=_uuid(public_id))
    if survey is None:
        raise Http404
    if not _may_enter_paper(request.user, survey):
        return render(request, "403.html", status=403)
    if request.method != "POST":
        return _survey_page(
            request,
            survey,
            errors={},
            values={},
            paper=True,
            respondent_form=PaperRespondentForm(),
        )
    raw = _raw_answers(survey, request.POST)
    respondent = PaperRespondentForm(
        request.POST, acting_user=request.user, purpose=_paper_lookup_purpose(survey)
    )
    valid = respondent.is_valid()
    person: User | None = respondent.cleaned_data.get("person") if valid else None
    if request.POST.get("lookup"):
        if valid and person is None:
            respondent.add_error("pesel", _("Wpisz PESEL osoby, którą chcesz wyszukać."))
        if person is None:
            return _survey_page(
                request,
                survey,
                errors={},
                values=raw,
                paper=True,
                respondent_form=_without_pesel(respondent),
                status=400,
            )
        return _survey_page(
            request,
            survey,
            errors={},
            values=raw,
            paper=True,
            respondent_form=PaperRespondentForm(initial={"resident": resident_token(person)}),
            found=_found(person, survey),
        )
    if not valid:
        return _survey_page(
            request,
            survey,
            errors={},
            values=raw,
            paper=True,
            respondent_form=_without_pesel(respondent),
            status=400,
        )
    try:
        actions.survey_record_paper(
            survey=survey,
            acting_user=request.user,  # type: ignore[arg-type]
            raw_answers=raw,
            resident=person,
            district=respondent.cleaned_data["district"],
            band=respondent.cleaned_data["age_band"],
            sex=respondent.cleaned_data["sex"],
        )
    except ValidationError as error:
        errors = (
            {k: " ".join(v) for k, v in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"__all__": " ".join(error.messages)}
        )
        if person is not None:
            form = PaperRespondentForm(initial={"resident": resident_token(person)})
            found = _found(person, survey)
        else:
            form, found = _without_pesel(respondent), None
        return _survey_page(
            request,
            survey,
            errors=errors,
            values=raw,
            paper=True,
            status=400,
            respondent_form=form,
            found=found,
        )
    messages.success(request, _("Zapisano ankietę papierową."))
    return redirect("consultations:survey-paper", public_id=survey.public_id)


def survey_results(request: HttpRequest, public_id: str) -> HttpResponse:
    survey = selectors.survey_detail(public_id=_uuid(public_id))
    if survey is None:
        raise Http404
    aggregate = getattr(survey, "aggregate", None)
    return render(
        request,
        "consultations/results.html",
        {
            "survey": survey,
            "aggregate": aggregate,
            "rows": selectors.survey_result_rows(survey=survey),
            "raking": (aggregate.result.get("raking") if aggregate else None) or {},
            "groups": selectors.flagged_groups(aggregate=aggregate),
        },
    )


def survey_results_csv(request: HttpRequest, public_id: str) -> HttpResponse:
    survey = selectors.survey_detail(public_id=_uuid(public_id))
    if survey is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="wyniki-{survey.public_id}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "question",
            "option",
            "count",
            "share",
            "ci_low",
            "ci_high",
            "weighted_share",
            "weighted_ci_low",
            "weighted_ci_high",
        ]
    )
    for row in selectors.survey_result_rows(survey=survey):
        for option in row.options:
            writer.writerow(
                [
                    row.question.text,
                    option.label,
                    option.count,
                    option.share,
                    option.ci_low,
                    option.ci_high,
                    option.weighted_share,
                    option.weighted_ci_low,
                    option.weighted_ci_high,
                ]
            )
    return response


# Methodology and satisfaction ----------------------------------------------------------------


def how_we_consult(request: HttpRequest) -> HttpResponse:
    en = translation.get_language() == "en"
    policy = methodology.describe_policy()

    def pick(obj: Any, name: str) -> Any:
        return getattr(obj, f"{name}_en" if en else f"{name}_pl")

    context = {
        "floors": pick(policy, "floors"),
        "combination": pick(policy, "combination"),
        "channels": pick(policy, "channels"),
        "levels": [
            {
                "label": pick(level, "label"),
                "description": pick(level, "description"),
                "announcement_days": level.announcement_days,
                "duration_days": level.duration_days,
                "forms": pick(level, "forms"),
            }
            for level in policy.levels
        ],
        "rules": [
            {
                "id": rule.id,
                "condition": pick(rule, "condition"),
                "effect": pick(rule, "effect"),
                "rationale": pick(rule, "rationale"),
            }
            for rule in policy.rules
        ],
    }
    return render(request, "consultations/how_we_consult.html", context)


def satisfaction(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consultations/satisfaction.html",
        {
            "years": selectors.satisfaction_index(),
            "improvements": selectors.improvement_actions(),
        },
    )


def consultations_ical(request: HttpRequest) -> HttpResponse:
    from consultations.feeds import consultations_calendar

    return HttpResponse(
        consultations_calendar(request), content_type="text/calendar; charset=utf-8"
    )


@csrf_exempt  # RFC 8058: mail programs POST the one-click request without any session or form.
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop consultation digests from the signed link in a digest (no sign-in needed: the
    token is the authorisation). GET only shows the button, so link scanners change nothing."""
    user = actions.digest_unsubscribe_user(token=token)
    if user is None:
        return render(request, "consultations/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        actions.digest_unsubscribe(user=user)
        return render(request, "consultations/unsubscribe.html", {"done": True})
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return render(request, "consultations/unsubscribe.html", {})
