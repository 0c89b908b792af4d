"""HTML pages of Karta Krakowska: parse, check permission, call one action/selector, render."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from karta import actions, selectors
from karta.forms import (
    CardForm,
    CatalogueFilterForm,
    LargeFamilyUploadForm,
    ProjectionForm,
    UploadForm,
)
from karta.models import AgeBand, Category, EntitlementStatus, HolderGroup
from karta.qr import qr_svg


def index(request: HttpRequest) -> HttpResponse:
    """The public, searchable and filterable discount catalogue."""
    form = CatalogueFilterForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "query": form.cleaned_data["q"].strip(),
            "category": form.cleaned_data["category"],
            "group": form.cleaned_data["group"],
            "partner_kind": form.cleaned_data["kind"],
        }
    offers = list(selectors.catalogue_offers(**filters))
    return render(request, "karta/index.html", {"form": form, "offers": offers})


def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partner = selectors.partner_detail(slug=slug)
    if partner is None:
        raise Http404
    return render(request, "karta/partner.html", {"partner": partner})


def map_view(request: HttpRequest) -> HttpResponse:
    locations = list(selectors.map_locations())
    points = [
        {
            "name": f"{location.partner.name} — {location.name}",
            "address": location.address,
            "lat": float(location.latitude),
            "lon": float(location.longitude),
            "url": location.partner.slug,
        }
        for location in locations
    ]
    return render(request, "karta/map.html", {"locations": locations, "points": points})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_card(request: HttpRequest) -> HttpResponse:
    """The resident's status, large-family entitlement, upload forms and cards (with QR)."""
    user = request.user
    upload_form = UploadForm()
    family_form = LargeFamilyUploadForm(prefix="family")
    large_family = actions.current_large_family(user)  # type: ignore[arg-type]
    card_form = _card_form(None, entitled=large_family is not None)
    if request.method == "POST":
        kind = request.POST.get("form")
        if kind == "card":
            card_form = _card_form(request.POST, entitled=large_family is not None)
            if card_form.is_valid():
                try:
                    actions.card_issue(
                        holder=user,  # type: ignore[arg-type]
                        carrier=card_form.cleaned_data["carrier"],
                        acting_user=user,  # type: ignore[arg-type]
                        child_first_name=card_form.cleaned_data["child_first_name"],
                        child_birth_date=card_form.cleaned_data["child_birth_date"],
                        large_family=card_form.cleaned_data.get("large_family", False),
                    )
                except ValidationError as exc:
                    card_form.add_error(None, exc.messages)
                else:
                    messages.success(request, _("Karta została wydana."))
                    return redirect("karta:my_card")
        elif kind == "family":
            family_form = LargeFamilyUploadForm(request.POST, request.FILES, prefix="family")
            if family_form.is_valid():
                try:
                    actions.large_family_submit(
                        user=user,  # type: ignore[arg-type]
                        data=family_form.cleaned_data["document"],
                        acting_user=user,  # type: ignore[arg-type]
                    )
                except ValidationError as exc:
                    family_form.add_error("document", exc.messages)
                    family_form.mark_invalid("document")
                else:
                    messages.success(
                        request, _("Dokument przesłany. Urzędnik rozpatrzy go wkrótce.")
                    )
                    return redirect("karta:my_card")
        else:
            upload_form = UploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                try:
                    actions.status_application_submit(
                        user=user,  # type: ignore[arg-type]
                        document_kind=upload_form.cleaned_data["document_kind"],
                        data=upload_form.cleaned_data["document"],
                        acting_user=user,  # type: ignore[arg-type]
                    )
                except ValidationError as exc:
                    upload_form.add_error("document", exc.messages)
                    upload_form.mark_invalid("document")
                else:
                    messages.success(
                        request, _("Dokument przesłany. Urzędnik rozpatrzy go wkrótce.")
                    )
                    return redirect("karta:my_card")
    status = actions.current_status(user)  # type: ignore[arg-type]
    cards = []
    now = timezone.now()
    for card in selectors.cards_of(user):  # type: ignore[arg-type]
        qr = None
        if card.is_active:
            token = actions.card_token(card=card, now=now)
            qr = qr_svg(token, label=_("Kod QR karty %(number)s") % {"number": card.display_number})
        cards.append({"card": card, "qr": qr})
    family_requests = list(selectors.large_family_of(user))  # type: ignore[arg-type]
    context = {
        "status": status,
        "applications": list(selectors.applications_of(user)),  # type: ignore[arg-type]
        "large_family": large_family,
        "family_requests": family_requests,
        "family_pending": any(r.status == EntitlementStatus.PENDING for r in family_requests),
        "cards": cards,
        "upload_form": upload_form,
        "family_form": family_form,
        "card_form": card_form,
    }
    errors = upload_form.errors or card_form.errors or family_form.errors
    return render(request, "karta/my_card.html", context, status=400 if errors else 200)


def _card_form(data: Any, *, entitled: bool) -> CardForm:
    """The large-family choice is offered only to a holder of a current entitlement."""
    form = CardForm(data)
    if not entitled:
        del form.fields["large_family"]
    return form


@never_cache
def document_download(request: HttpRequest, public_id: str) -> HttpResponse:
    """An uploaded file (a status application's or a large-family proof's), to its owner and
    to the clerks who review that kind of document only; 404 for everyone else (no hint
    whether the id exists)."""
    application = selectors.application_for_download(public_id=public_id, user=request.user)  # type: ignore[arg-type]
    if application is None:
        raise Http404
    storage = storages["private"]
    try:
        handle = storage.open(application.file_name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = application.file_name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"karta-{application.public_id}.{extension}",
        content_type=application.content_type,
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------------------------
# Analytics for clerks
# --------------------------------------------------------------------------------------------


def _require_analyst(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied
    if not user.has_perm("karta.view_analytics"):
        raise PermissionDenied


REPORTS = ("offers", "partners", "weekly", "monthly", "district", "age_band", "group", "cost")


def _report_rows(report: str, period: selectors.Period) -> tuple[list[str], list[list[Any]]]:
    labels_category = dict(Category.choices)
    labels_group = dict(HolderGroup.choices)
    labels_age = dict(AgeBand.choices)
    if report == "offers":
        data = selectors.top_offers(period)
        return [_("Oferta"), _("Partner"), _("Użycia"), _("Koszt zniżek (zł)")], [
            [r["offer__title"], r["partner__name"], r["uses"], r["cost"]] for r in data
        ]
    if report == "partners":
        data = selectors.top_partners(period)
        return [_("Partner"), _("Użycia"), _("Koszt zniżek (zł)")], [
            [r["partner__name"], r["uses"], r["cost"]] for r in data
        ]
    if report in ("weekly", "monthly"):
        data = selectors.trend(period, unit="week" if report == "weekly" else "month")
        fmt = "%Y-%m-%d" if report == "weekly" else "%Y-%m"
        return [_("Okres"), _("Użycia"), _("Koszt zniżek (zł)")], [
            [r["bucket"].strftime(fmt), r["uses"], r["cost"]] for r in data
        ]
    if report == "district":
        data = selectors.by_dimension(period, "district")
        return [_("Dzielnica"), _("Użycia"), _("Koszt zniżek (zł)")], [
            [r["district__name"] or _("spoza Krakowa / nieznana"), r["uses"], r["cost"]]
            for r in data
        ]
    if report == "age_band":
        data = selectors.by_dimension(period, "age_band")
        return [_("Wiek"), _("Użycia"), _("Koszt zniżek (zł)")], [
            [labels_age.get(r["age_band"], r["age_band"]), r["uses"], r["cost"]] for r in data
        ]
    if report == "group":
        data = selectors.by_dimension(period, "holder_group")
        return [_("Grupa"), _("Użycia"), _("Koszt zniżek (zł)")], [
            [labels_group.get(r["holder_group"], r["holder_group"]), r["uses"], r["cost"]]
            for r in data
        ]
    data = selectors.cost_by_partner_category(period)
    return [_("Partner"), _("Kategoria"), _("Użycia"), _("Koszt zniżek (zł)")], [
        [
            r["partner__name"],
            labels_category.get(r["category"], r["category"]),
            r["uses"],
            r["cost"],
        ]
        for r in data
    ]


def _bars(rows: list[list[Any]], label_columns: int) -> list[dict[str, Any]]:
    """Horizontal bar geometry for a server-rendered SVG chart (value = uses column)."""
    values = [int(row[label_columns]) for row in rows]
    top = max(values, default=0) or 1
    return [
        {
            "label": " / ".join(str(cell) for cell in row[:label_columns]),
            "value": value,
            "width": round(400 * value / top, 1),
            "y": index * 24,
            "text_y": index * 24 + 15,
        }
        for index, (row, value) in enumerate(zip(rows, values, strict=True))
    ]


@never_cache
def analytics(request: HttpRequest) -> HttpResponse:
    _require_analyst(request)
    try:
        days = int(request.GET.get("days", "365"))
    except ValueError:
        days = 365
    days = min(max(days, 7), 3 * 365)
    period = selectors.Period.last_days(days)
    report = request.GET.get("report", "")
    if report in REPORTS and request.GET.get("format") == "csv":
        header, rows = _report_rows(report, period)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="karta-{report}.csv"'
        response["Cache-Control"] = "no-store"
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(rows)
        return response
    sections = []
    titles = {
        "offers": _("Najczęściej używane oferty"),
        "partners": _("Najczęściej odwiedzani partnerzy"),
        "weekly": _("Trend tygodniowy"),
        "monthly": _("Trend miesięczny"),
        "district": _("Użycia według dzielnicy posiadacza"),
        "age_band": _("Użycia według wieku"),
        "group": _("Użycia według grupy"),
        "cost": _("Koszt zniżek według partnera i kategorii"),
    }
    for key in REPORTS:
        header, rows = _report_rows(key, period)
        label_columns = header.index(_("Użycia"))
        sections.append(
            {
                "key": key,
                "title": titles[key],
                "header": header,
                "rows": rows,
                "bars": _bars(rows[:15], label_columns),
                "height": max(len(rows[:15]), 1) * 24,
            }
        )
    projection_form = ProjectionForm(request.GET if "offer" in request.GET else None)
    projection = None
    if projection_form.is_bound and projection_form.is_valid():
        projection = selectors.projection(
            offer=projection_form.cleaned_data["offer"],
            extend_to_group=projection_form.cleaned_data["extend_to_group"],
            new_percent=projection_form.cleaned_data["new_percent"],
        )
    return render(
        request,
        "karta/analytics.html",
        {
            "sections": sections,
            "days": days,
            "projection_form": projection_form,
            "projection": projection,
        },
    )
