"""Clerks' screens: buildings, audits, barriers and tasks, websites, audits and scans, the
statement and the residents' requests (answered through the action, which records the clerk)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accessibility import actions
from accessibility.models import (
    AccessibilityRequest,
    AuditItem,
    Barrier,
    Building,
    BuildingAudit,
    CriterionResult,
    DigitalAudit,
    RemediationTask,
    RequestStatus,
    Requirement,
    Scan,
    ScanViolation,
    Statement,
    Website,
)


class AuditItemFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """An audit assesses every requirement of the checklist exactly once (as the action)."""

    def clean(self) -> None:
        super().clean()
        assessed = sorted(
            form.cleaned_data["requirement"]
            for form in self.forms
            if form.cleaned_data.get("requirement") and not form.cleaned_data.get("DELETE")
        )
        if assessed != sorted(Requirement.values):
            raise ValidationError(
                gettext("Audyt musi ocenić każde wymaganie z listy dokładnie raz.")
            )


class AuditItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AuditItem
    formset = AuditItemFormSet
    extra = 0


class BarrierInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Barrier
    extra = 0


class TaskInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RemediationTask
    extra = 0


@admin.register(Building)
class BuildingAdmin(SimpleHistoryAdmin):
    list_display = ["name", "address", "department", "heritage_protected", "audit_state"]
    list_filter = ["audit_state", "heritage_protected", "department"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BarrierInline]


@admin.register(BuildingAudit)
class BuildingAuditAdmin(SimpleHistoryAdmin):
    list_display = ["building", "audited_on", "auditor"]
    inlines = [AuditItemInline]


@admin.register(Barrier)
class BarrierAdmin(SimpleHistoryAdmin):
    list_display = ["description", "building", "severity", "requirement"]
    list_filter = ["severity", "requirement"]
    inlines = [TaskInline]


@admin.register(RemediationTask)
class RemediationTaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "barrier", "status", "planned_start", "planned_end", "cost", "blocker"]
    list_filter = ["status", "blocker"]


class CriterionResultInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CriterionResult
    extra = 0


@admin.register(Website)
class WebsiteAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "url", "department"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["request_scan"]

    @admin.action(description=_("Zleć automatyczny skan zaznaczonych serwisów"))
    def request_scan(self, request: HttpRequest, queryset: QuerySet[Website]) -> None:
        for website in queryset:
            try:
                actions.scan_request(website=website, acting_user=request.user)  # type: ignore[arg-type]
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{website}: {error}", messages.ERROR)
            else:
                self.message_user(request, gettext("Zlecono skan: %(site)s") % {"site": website})


@admin.register(DigitalAudit)
class DigitalAuditAdmin(SimpleHistoryAdmin):
    list_display = ["website", "year", "status", "performed_on", "auditor"]
    inlines = [CriterionResultInline]


class ScanViolationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ScanViolation
    extra = 0
    can_delete = False
    readonly_fields = ["rule_id", "criterion", "impact", "help", "node_count"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Scan)
class ScanAdmin(SimpleHistoryAdmin):
    list_display = ["url", "website", "status", "requested_at", "violation_count"]
    list_filter = ["status", "website"]
    readonly_fields = [
        "status",
        "finished_at",
        "violation_count",
        "error",
        "requested_by",
        "run_key",
    ]
    inlines = [ScanViolationInline]


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Statement.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessibilityRequest)
class AccessibilityRequestAdmin(SimpleHistoryAdmin):
    list_display = ["submitted_at", "kind", "name", "status", "answer_due"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "email", "subject_url"]
    readonly_fields = [
        "public_id",
        "kind",
        "name",
        "email",
        "phone",
        "subject_url",
        "description",
        "preferred_contact",
        "user",
        "status",
        "submitted_at",
        "answer_due",
        "answered_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(self.readonly_fields)
        if obj is not None and obj.status == RequestStatus.ANSWERED:
            fields.append("answer")
        return fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if "answer" not in form.changed_data:
            return
        try:
            actions.accessibility_request_answer(
                request=obj,
                answer=form.cleaned_data["answer"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(
                request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )
