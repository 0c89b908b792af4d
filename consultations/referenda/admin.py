"""Clerks' screens for referenda; opening and closing go through actions.

The protocol is approved on its own page (``referenda:protocol_review``), where the clerk reads
what they approve; the admin links there instead of approving in bulk, unseen.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from consultations.referenda import actions
from consultations.referenda.models import Referendum, ReferendumStatus


@admin.register(Referendum)
class ReferendumAdmin(SimpleHistoryAdmin):
    list_display = [
        "question",
        "district",
        "opens_at",
        "closes_at",
        "status",
        "eligible_count",
        "protocol_page",
    ]
    list_filter = ["status", "district"]
    readonly_fields = [
        "status",
        "eligible_count",
        "opened_at",
        "protocol_approved_by",
        "protocol_approved_at",
        "protocol_page",
        "ballots_resealed_at",
    ]
    actions = ["open_voting", "close_voting"]

    @admin.display(description=_("protokół"))
    def protocol_page(self, obj: Referendum) -> SafeString | str:
        if obj.pk is None:
            return "—"
        url = reverse("referenda:protocol_review", kwargs={"public_id": obj.public_id})
        if obj.protocol_approved_at:
            label = _("zatwierdzony — zobacz")
        elif obj.status == ReferendumStatus.CLOSED:
            label = _("sprawdź i zatwierdź")
        else:
            label = _("po zamknięciu głosowania")
        return format_html('<a href="{}">{}</a>', url, label)

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
