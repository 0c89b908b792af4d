"""Clerks' screens for the budget. Admin actions call actions.py; ballots are never editable."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from consultations.budget import actions
from consultations.budget.models import (
    CostItem,
    Edition,
    PaperBallotRejection,
    Pool,
    PoolResult,
    Project,
)
from districts.models import District


class PoolInline(admin.TabularInline):
    model = Pool
    extra = 0
    fields = [
        "kind",
        "district",
        "amount",
        "ballot_type",
        "min_choices",
        "max_choices",
        "ordinal_points",
        "cumulative_points",
        "rule",
    ]


class PabulibImportForm(forms.Form):
    file = forms.FileField(label=_("Plik .pb"))
    district = forms.ModelChoiceField(
        label=_("Dzielnica (puste: pula ogólnomiejska)"),
        queryset=District.objects.all(),
        required=False,
    )


@admin.register(Edition)
class EditionAdmin(SimpleHistoryAdmin):
    list_display = ["year", "title", "is_published", "voting_start", "voting_end"]
    # Set by the results task once voting closes (ballots rewritten in random order).
    readonly_fields = ["ballots_resealed_at"]
    inlines = [PoolInline]

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:edition_id>/import-pb/",
                self.admin_site.admin_view(self.import_pb),
                name="budget_edition_import_pb",
            )
        ]
        return own + super().get_urls()

    def import_pb(self, request: HttpRequest, edition_id: int) -> HttpResponse:
        """Upload a pabulib ``.pb`` file as a pool of this edition."""
        edition = Edition.objects.get(pk=edition_id)
        form = PabulibImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read()
            try:
                text = raw.decode("utf-8-sig")
                pool = actions.pabulib_import(
                    edition=edition,
                    district_id=form.cleaned_data["district"].pk
                    if form.cleaned_data["district"]
                    else None,
                    text=text,
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except UnicodeDecodeError:
                form.add_error("file", _("Plik nie jest zapisany w UTF-8."))
            except PermissionDenied:
                raise
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                self.message_user(request, _("Zaimportowano pulę: %s") % pool, messages.SUCCESS)
                return redirect("admin:budget_edition_change", edition.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "edition": edition,
            "title": _("Import pliku pabulib"),
        }
        return render(request, "budget/admin_import.html", context)


class CostItemInline(admin.TabularInline):
    model = CostItem
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "pool", "cost", "status"]
    list_filter = ["status", "pool__edition", "pool__kind"]
    search_fields = ["title", "location"]
    readonly_fields = ["status", "decision_reason", "appeal_text", "submitted_by", "submitted_at"]
    inlines = [CostItemInline]
    actions = ["accept"]

    @admin.action(description=_("Zweryfikuj pozytywnie zaznaczone projekty"))
    def accept(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        for project in queryset:
            try:
                actions.project_verify(
                    project=project,
                    accepted=True,
                    reason="",
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except PermissionDenied:
                self.message_user(request, _("Brak uprawnienia do weryfikacji."), messages.ERROR)
                return
            except ValidationError as exc:
                self.message_user(request, f"{project}: {exc.messages[0]}", messages.WARNING)


@admin.register(PoolResult)
class PoolResultAdmin(SimpleHistoryAdmin):
    list_display = ["pool", "status", "voters", "computed_at", "approved_by", "published_at"]
    readonly_fields = [
        "pool",
        "status",
        "greedy",
        "mes",
        "voters",
        "invalid_ballots",
        "greedy_satisfied",
        "mes_satisfied",
        "computed_at",
        "approved_by",
        "published_at",
    ]
    actions = ["publish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Zatwierdź i opublikuj wyniki"))
    def publish(self, request: HttpRequest, queryset: QuerySet[PoolResult]) -> None:
        for result in queryset:
            try:
                actions.pool_results_publish(result=result, acting_user=request.user)  # type: ignore[arg-type]
            except PermissionDenied:
                self.message_user(request, _("Brak uprawnienia do publikacji."), messages.ERROR)
                return
            except ValidationError as exc:
                self.message_user(request, f"{result}: {exc.message}", messages.WARNING)


@admin.register(PaperBallotRejection)
class PaperBallotRejectionAdmin(admin.ModelAdmin):
    list_display = ["edition", "pool_kind", "reason", "entered_by", "entered_at"]
    list_filter = ["reason", "edition"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
