"""Public accessibility pages: the programme's progress, buildings, the schedule, websites with
their audits and scan trend, the accessibility statement and the request / complaint form."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accessibility import actions, selectors
from accessibility.charts import trend_svg
from accessibility.forms import RequestForm


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accessibility/index.html",
        {"progress": selectors.progress(), "latest_scans": selectors.latest_scans()},
    )


def building_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accessibility/buildings.html", {"buildings": list(selectors.building_list())}
    )


def building_detail(request: HttpRequest, slug: str) -> HttpResponse:
    building = selectors.building_by_slug(slug)
    if building is None:
        raise Http404
    audits = list(building.audits.all())
    return render(
        request,
        "accessibility/building.html",
        {
            "building": building,
            "audit": audits[0] if audits else None,
            "barriers": list(building.barriers.all()),
        },
    )


def schedule(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility/schedule.html", {"tasks": list(selectors.schedule())})


def website_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accessibility/websites.html", {"websites": list(selectors.website_list())}
    )


def website_detail(request: HttpRequest, slug: str) -> HttpResponse:
    website = selectors.website_by_slug(slug)
    if website is None:
        raise Http404
    language = get_language() or "pl"
    audits = [
        {
            "audit": audit,
            "rows": selectors.audit_table(audit, language) if audit.results.all() else [],
        }
        for audit in selectors.website_audits(website)
    ]
    trend = selectors.website_trend(website)
    latest_run = selectors.latest_run(website)
    chart = None
    if trend:
        chart = trend_svg(
            labels=[point.day.strftime("%d.%m") for point in trend],
            values=[point.violations for point in trend],
            title=_("Liczba naruszeń WCAG znalezionych przez automatyczne skany, dzień po dniu"),
            description=_(
                "Od %(first)s do %(last)s: %(start)s naruszeń pierwszego dnia, %(end)s ostatniego. "
                "Dokładne liczby są w tabeli pod wykresem."
            )
            % {
                "first": trend[0].day.strftime("%d.%m.%Y"),
                "last": trend[-1].day.strftime("%d.%m.%Y"),
                "start": trend[0].violations,
                "end": trend[-1].violations,
            },
            id_prefix="trend-chart",
        )
    return render(
        request,
        "accessibility/website.html",
        {
            "website": website,
            "audits": audits,
            "trend": trend,
            "chart": chart,
            "latest_run": latest_run,
            "latest_by_criterion": selectors.violations_by_criterion(latest_run),
        },
    )


def statement(request: HttpRequest) -> HttpResponse:
    data = selectors.statement()
    if data is None:
        raise Http404
    return render(
        request,
        "accessibility/statement.html",
        {
            "statement": data,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "contact_phone": settings.ACCESSIBILITY_CONTACT_PHONE,
            "latest_scans": selectors.latest_scans(),
            "buildings": selectors.buildings_with_latest_audit(),
            "progress": selectors.progress(),
        },
    )


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = actions.accessibility_request_submit(
                **form.cleaned_data, user=request.user, language=get_language() or "pl"
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Dziękujemy. Zgłoszenie przyjęte; odpowiemy najpóźniej do %(date)s.")
                % {"date": submitted.answer_due.strftime("%d.%m.%Y")},
            )
            return redirect("accessibility:request_sent")
    return render(
        request, "accessibility/request.html", {"form": form}, status=400 if form.errors else 200
    )


def request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility/request_sent.html")
