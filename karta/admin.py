"""Clerks' screens: the review queue, catalogue and partners (with history), cards, usage."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from karta import actions
from karta.forms import RejectForm
from karta.models import Card, Location, Offer, Partner, StatusApplication, UsageEvent


def _can_review(request: HttpRequest) -> bool:
    return bool(request.user.is_staff and request.user.has_perm("karta.review_statusapplication"))


@admin.register(StatusApplication)
class StatusApplicationAdmin(SimpleHistoryAdmin):
    list_display = [
        "submitted_at",
        "user",
        "document_kind",
        "status",
        "valid_until",
        "decision_link",
    ]
    list_filter = ["status", "document_kind"]
    ordering = ["submitted_at"]
    search_fields = ["user__last_name", "user__email"]
    readonly_fields = [
        "user",
        "document_kind",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
        "valid_until",
        "file_deleted_at",
        "document_link",
        "decision_link",
    ]
    exclude = ["reminder_sent_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusApplication]:
        return super().get_queryset(request).select_related("user", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_review(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decisions go through the decide page (an action), never a raw edit

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _can_review(request) or super().has_module_permission(request)

    @admin.display(description=gettext_lazy("Dokument"))
    def document_link(self, obj: StatusApplication) -> str:
        if not obj.has_file:
            return _("plik usunięty")
        url = reverse("karta:document", args=[obj.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Pobierz dokument"))

    @admin.display(description=gettext_lazy("Decyzja"))
    def decision_link(self, obj: StatusApplication) -> str:
        if obj.status != "pending":
            return obj.get_status_display()
        url = reverse("admin:karta_statusapplication_decide", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Rozpatrz"))

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="karta_statusapplication_decide",
            )
        ]
        return custom + super().get_urls()  # type: ignore[operator]

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not _can_review(request):
            raise PermissionDenied
        application = get_object_or_404(StatusApplication.objects.select_related("user"), pk=pk)
        form = RejectForm()
        if request.method == "POST":
            try:
                if request.POST.get("decision") == "approve":
                    actions.status_application_approve(
                        application=application,
                        acting_user=request.user,  # type: ignore[arg-type]
                    )
                    messages.success(request, _("Wniosek zatwierdzony."))
                    return HttpResponseRedirect(reverse("admin:karta_statusapplication_changelist"))
                form = RejectForm(request.POST)
                if form.is_valid():
                    actions.status_application_reject(
                        application=application,
                        acting_user=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Wniosek odrzucony."))
                    return HttpResponseRedirect(reverse("admin:karta_statusapplication_changelist"))
            except ValidationError as exc:
                form.add_error(None, exc.messages)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            "form": form,
            "document_url": reverse("karta:document", args=[application.public_id])
            if application.has_file
            else "",
            "title": _("Rozpatrz wniosek o status mieszkańca"),
        }
        return render(request, "admin/karta/statusapplication/decide.html", context)


class LocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Location
    extra = 0


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_active", "api_key_hint"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["api_key_hint"]
    inlines = [LocationInline]
    actions = ["issue_api_key"]

    @admin.action(description=gettext_lazy("Wydaj nowy klucz API (poprzedni przestaje działać)"))
    def issue_api_key(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        if not request.user.has_perm("karta.change_partner"):
            raise PermissionDenied
        for partner in queryset:
            key = actions.partner_api_key_issue(partner=partner, acting_user=request.user)  # type: ignore[arg-type]
            messages.warning(
                request,
                _("Klucz dla %(partner)s (pokazany tylko raz): %(key)s")
                % {"partner": partner.name, "key": key},
            )


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "partner",
        "category",
        "kind",
        "valid_from",
        "valid_until",
        "is_active",
    ]
    list_filter = ["category", "kind", "is_active", "partner__kind"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner"]


@admin.register(Card)
class CardAdmin(SimpleHistoryAdmin):
    list_display = ["number", "holder", "holder_group", "carrier", "valid_until", "revoked_at"]
    list_filter = ["holder_group", "carrier"]
    search_fields = ["number"]
    list_select_related = ["holder"]
    readonly_fields = [f.name for f in Card._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Unieważnij wybrane karty"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Card]) -> None:
        if not request.user.has_perm("karta.change_card"):
            raise PermissionDenied
        for card in queryset:
            actions.card_revoke(
                card=card, acting_user=request.user, reason=_("unieważniona przez urzędnika")
            )  # type: ignore[arg-type]
        messages.success(request, _("Karty unieważnione."))


@admin.register(UsageEvent)
class UsageEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "occurred_at",
        "partner",
        "offer",
        "category",
        "holder_group",
        "price",
        "discount",
    ]
    list_filter = ["category", "holder_group"]
    list_select_related = ["partner", "offer"]
    show_full_result_count = False  # COUNT(*) over millions of rows on every page is wasted

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
