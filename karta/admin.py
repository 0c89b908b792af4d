"""Clerks' screens: the review queue, catalogue and partners (with history), cards, usage."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from simple_history.admin import SimpleHistoryAdmin

from karta import actions, selectors
from karta.forms import (
    ClerkCardForm,
    LargeFamilyGrantForm,
    ReasonForm,
    RejectForm,
    VerifyInPersonForm,
)
from karta.models import (
    Card,
    EntitlementStatus,
    LargeFamilyEntitlement,
    Location,
    Offer,
    Partner,
    StatusApplication,
    UsageEvent,
)


def _has(request: HttpRequest, permission: str) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_perm(permission))


def _can_review(request: HttpRequest) -> bool:
    return _has(request, "karta.review_statusapplication")


def _render(
    admin_obj: admin.ModelAdmin,  # type: ignore[type-arg]
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    full = {**admin_obj.admin_site.each_context(request), "opts": admin_obj.model._meta, **context}
    return render(request, template, full, status=status)


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


@admin.register(LargeFamilyEntitlement)
class LargeFamilyEntitlementAdmin(SimpleHistoryAdmin):
    """The large-family queue: review uploaded KDR scans, record a check at the office,
    revoke. Every decision goes through ``karta.actions`` (with history)."""

    list_display = [
        "submitted_at",
        "user",
        "method",
        "status",
        "valid_until",
        "decision_link",
    ]
    list_filter = ["status", "method"]
    ordering = ["submitted_at"]
    search_fields = ["user__last_name", "user__email"]
    readonly_fields = [
        "user",
        "method",
        "status",
        "children_count",
        "submitted_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
        "valid_until",
        "file_deleted_at",
        "document_link",
        "decision_link",
    ]
    change_list_template = "admin/karta/largefamilyentitlement/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[LargeFamilyEntitlement]:
        return super().get_queryset(request).select_related("user", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _has(request, "karta.verify_largefamily")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _has(request, "karta.verify_largefamily") or super().has_module_permission(request)

    @admin.display(description=gettext_lazy("Dokument"))
    def document_link(self, obj: LargeFamilyEntitlement) -> str:
        if not obj.has_file:
            return _("brak pliku")
        url = reverse("karta:document", args=[obj.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Pobierz dokument"))

    @admin.display(description=gettext_lazy("Decyzja"))
    def decision_link(self, obj: LargeFamilyEntitlement) -> str:
        if obj.status == EntitlementStatus.PENDING:
            url = reverse("admin:karta_largefamilyentitlement_decide", args=[obj.pk])
            return format_html('<a href="{}">{}</a>', url, _("Rozpatrz"))
        if obj.status == EntitlementStatus.APPROVED:
            url = reverse("admin:karta_largefamilyentitlement_revoke", args=[obj.pk])
            return format_html('<a href="{}">{}</a>', url, _("Cofnij uprawnienie"))
        return obj.get_status_display()

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        custom = [
            path(
                "weryfikacja/",
                view(self.verify_view),
                name="karta_largefamilyentitlement_verify",
            ),
            path(
                "<int:pk>/decide/",
                view(self.decide_view),
                name="karta_largefamilyentitlement_decide",
            ),
            path(
                "<int:pk>/revoke/",
                view(self.revoke_view),
                name="karta_largefamilyentitlement_revoke",
            ),
        ]
        return custom + super().get_urls()  # type: ignore[operator]

    def _require(self, request: HttpRequest) -> None:
        if not _has(request, "karta.verify_largefamily"):
            raise PermissionDenied

    def _done(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:karta_largefamilyentitlement_changelist"))

    def verify_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request)
        form = VerifyInPersonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.large_family_verify_in_person(
                    user=form.cleaned_data["resident"],
                    valid_until=form.cleaned_data["valid_until"],
                    children_count=form.cleaned_data["children_count"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Uprawnienie rodziny wielodzietnej zapisane."))
                return self._done()
        return _render(
            self,
            request,
            "admin/karta/form_page.html",
            {"title": _("Weryfikacja Karty Dużej Rodziny w urzędzie"), "form": form},
            status=400 if form.errors else 200,
        )

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request)
        entitlement = get_object_or_404(
            LargeFamilyEntitlement.objects.select_related("user"), pk=pk
        )
        grant = LargeFamilyGrantForm(prefix="grant")
        reject = RejectForm(prefix="reject")
        if request.method == "POST":
            try:
                if request.POST.get("decision") == "approve":
                    grant = LargeFamilyGrantForm(request.POST, prefix="grant")
                    if grant.is_valid():
                        actions.large_family_approve(
                            entitlement=entitlement,
                            valid_until=grant.cleaned_data["valid_until"],
                            children_count=grant.cleaned_data["children_count"],
                            acting_user=request.user,  # type: ignore[arg-type]
                        )
                        messages.success(request, _("Uprawnienie zatwierdzone."))
                        return self._done()
                else:
                    reject = RejectForm(request.POST, prefix="reject")
                    if reject.is_valid():
                        actions.large_family_reject(
                            entitlement=entitlement,
                            reason=reject.cleaned_data["reason"],
                            acting_user=request.user,  # type: ignore[arg-type]
                        )
                        messages.success(request, _("Wniosek odrzucony."))
                        return self._done()
            except ValidationError as exc:
                grant.add_error(None, exc.messages)
        return _render(
            self,
            request,
            "admin/karta/largefamilyentitlement/decide.html",
            {
                "title": _("Rozpatrz uprawnienie rodziny wielodzietnej"),
                "entitlement": entitlement,
                "grant": grant,
                "reject": reject,
                "document_url": reverse("karta:document", args=[entitlement.public_id])
                if entitlement.has_file
                else "",
            },
            status=400 if grant.errors or reject.errors else 200,
        )

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request)
        entitlement = get_object_or_404(
            LargeFamilyEntitlement.objects.select_related("user"), pk=pk
        )
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.large_family_revoke(
                    entitlement=entitlement,
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("Uprawnienie cofnięte; karty rodziny wielodzietnej unieważnione.")
                )
                return self._done()
        return _render(
            self,
            request,
            "admin/karta/form_page.html",
            {
                "title": _("Cofnij uprawnienie rodziny wielodzietnej"),
                "subject": entitlement.user,
                "form": form,
            },
            status=400 if form.errors else 200,
        )


class LocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Location
    extra = 0


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_active", "api_key_status"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["api_key_status"]
    inlines = [LocationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return (
            super()
            .get_queryset(request)
            .annotate(live_key_hint=Max("api_keys__hint", filter=Q(api_keys__revoked_at=None)))
        )

    @admin.display(description=gettext_lazy("Klucz API"))
    def api_key_status(self, obj: Partner) -> str:
        hint = getattr(obj, "live_key_hint", None)
        label = f"{hint}…" if hint else _("brak ważnego klucza")
        if obj.pk is None:
            return label
        url = reverse("admin:karta_partner_api_keys", args=[obj.pk])
        return format_html('{} — <a href="{}">{}</a>', label, url, _("zarządzaj kluczami"))

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:pk>/klucze-api/",
                self.admin_site.admin_view(self.api_keys_view),
                name="karta_partner_api_keys",
            )
        ]
        return custom + super().get_urls()  # type: ignore[operator]

    @method_decorator(never_cache)
    def api_keys_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Create, rotate or revoke the partner's key. A new key appears once, in the answer
        to the POST that made it (never in a message, a URL or a log), then only its hint."""
        if not _has(request, "karta.manage_partner_keys"):
            raise PermissionDenied
        partner = get_object_or_404(Partner, pk=pk)
        new_key = ""
        error = ""
        if request.method == "POST":
            try:
                if request.POST.get("operation") == "revoke":
                    actions.partner_api_key_revoke(
                        partner=partner,
                        acting_user=request.user,  # type: ignore[arg-type]
                    )
                    messages.success(request, _("Klucz API unieważniony."))
                    return HttpResponseRedirect(request.path)
                new_key = actions.partner_api_key_issue(
                    partner=partner,
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
        keys = list(selectors.partner_keys(partner))
        response = _render(
            self,
            request,
            "admin/karta/partner/api_keys.html",
            {
                "title": _("Klucze API partnera %(partner)s") % {"partner": partner.name},
                "partner": partner,
                "keys": keys,
                "has_live_key": any(key.revoked_at is None for key in keys),
                "new_key": new_key,
                "error": error,
            },
            status=400 if error else 200,
        )
        response["Cache-Control"] = "no-store, private"
        return response


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
    """Cards: issued, suspended, reinstated and revoked by a clerk with ``manage_card``
    through ``karta.actions`` (history records the clerk); no raw edits."""

    list_display = [
        "number",
        "holder",
        "holder_group",
        "carrier",
        "valid_until",
        "suspended_at",
        "revoked_at",
        "card_operations",
    ]
    list_filter = ["holder_group", "carrier"]
    search_fields = ["number"]
    list_select_related = ["holder"]
    readonly_fields = [f.name for f in Card._meta.fields] + ["card_operations"]
    actions = ["revoke"]
    change_list_template = "admin/karta/card/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _has(request, "karta.manage_card") or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _has(request, "karta.manage_card") or super().has_module_permission(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        found = super().get_actions(request)
        if not _has(request, "karta.manage_card"):
            found.pop("revoke", None)
        return found

    @admin.display(description=gettext_lazy("Operacje"))
    def card_operations(self, obj: Card) -> str:
        if obj.pk is None or obj.revoked_at is not None:
            return "—"
        links = []
        if obj.suspended_at is None:
            links.append(("suspend", _("Zawieś")))
        else:
            links.append(("reinstate", _("Przywróć")))
        links.append(("revoke", _("Unieważnij")))
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:karta_card_operation", args=[obj.pk, operation]), label)
                for operation, label in links
            ),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        custom = [
            path("wydaj/", view(self.issue_view), name="karta_card_issue"),
            path(
                "<int:pk>/operacja/<str:operation>/",
                view(self.operation_view),
                name="karta_card_operation",
            ),
        ]
        return custom + super().get_urls()  # type: ignore[operator]

    def _require(self, request: HttpRequest) -> None:
        if not _has(request, "karta.manage_card"):
            raise PermissionDenied

    def issue_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request)
        form = ClerkCardForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                card = actions.card_issue(
                    holder=form.cleaned_data["resident"],
                    carrier=form.cleaned_data["carrier"],
                    child_first_name=form.cleaned_data["child_first_name"],
                    child_birth_date=form.cleaned_data["child_birth_date"],
                    large_family=form.cleaned_data["large_family"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("Karta %(number)s wydana.") % {"number": card.display_number}
                )
                return HttpResponseRedirect(reverse("admin:karta_card_change", args=[card.pk]))
        return _render(
            self,
            request,
            "admin/karta/form_page.html",
            {"title": _("Wydaj kartę"), "form": form},
            status=400 if form.errors else 200,
        )

    def operation_view(self, request: HttpRequest, pk: int, operation: str) -> HttpResponse:
        self._require(request)
        if operation not in ("suspend", "reinstate", "revoke"):
            raise Http404
        card = get_object_or_404(Card.objects.select_related("holder"), pk=pk)
        titles = {
            "suspend": _("Zawieś kartę %(number)s"),
            "reinstate": _("Przywróć kartę %(number)s"),
            "revoke": _("Unieważnij kartę %(number)s"),
        }
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if operation == "reinstate":
            del form.fields["reason"]
        if request.method == "POST" and form.is_valid():
            user = request.user
            try:
                if operation == "suspend":
                    actions.card_suspend(
                        card=card,
                        reason=form.cleaned_data["reason"],
                        acting_user=user,  # type: ignore[arg-type]
                    )
                elif operation == "reinstate":
                    actions.card_reinstate(card=card, acting_user=user)  # type: ignore[arg-type]
                else:
                    actions.card_revoke(
                        card=card,
                        reason=form.cleaned_data["reason"],
                        acting_user=user,  # type: ignore[arg-type]
                    )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Zapisano."))
                return HttpResponseRedirect(reverse("admin:karta_card_change", args=[card.pk]))
        return _render(
            self,
            request,
            "admin/karta/form_page.html",
            {
                "title": titles[operation] % {"number": card.display_number},
                "subject": card.holder,
                "form": form,
            },
            status=400 if form.errors else 200,
        )

    @admin.action(description=gettext_lazy("Unieważnij wybrane karty"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Card]) -> None:
        self._require(request)
        for card in queryset:
            actions.card_revoke(
                card=card,
                acting_user=request.user,  # type: ignore[arg-type]
                reason=_("unieważniona przez urzędnika"),
            )
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
