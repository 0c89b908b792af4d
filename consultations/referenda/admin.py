"""Clerks' screens for referenda; opening, closing and protocol approval go through actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from consultations.referenda import actions
from consultations.referenda.models import Referendum


@admin.register(Referendum)
class ReferendumAdmin(SimpleHistoryAdmin):
    list_display = ["question", "district", "opens_at", "closes_at", "status", "eligible_count"]
    list_filter = ["status", "district"]
    readonly_fields = [
        "status",
        "eligible_count",
        "opened_at",
        "protocol_approved_by",
        "protocol_approved_at",
    ]
    actions = ["open_voting", "close_voting", "approve_protocol"]

    def _run(self, request: HttpRequest, queryset: QuerySet[Referendum], action: object) -> None:
        for referendum in queryset:
            try:
                action(referendum=referendum, acting_user=request.user)  # type: ignore[operator]
            except PermissionDenied:
                self.message_user(request, _("Brak uprawnienia."), messages.ERROR)
                return
            except ValidationError as exc:
                self.message_user(request, f"{referendum}: {exc.message}", messages.WARNING)

    @admin.action(description=_("Otwórz głosowanie (spis uprawnionych)"))
    def open_voting(self, request: HttpRequest, queryset: QuerySet[Referendum]) -> None:
        self._run(request, queryset, actions.referendum_open)

    @admin.action(description=_("Zamknij głosowanie"))
    def close_voting(self, request: HttpRequest, queryset: QuerySet[Referendum]) -> None:
        self._run(request, queryset, actions.referendum_close)

    @admin.action(description=_("Zatwierdź protokół"))
    def approve_protocol(self, request: HttpRequest, queryset: QuerySet[Referendum]) -> None:
        self._run(request, queryset, actions.referendum_protocol_approve)
