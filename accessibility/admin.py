"""Clerks' screens: buildings, audits, barriers and tasks, websites, audits and scans, the
statement and the residents' requests (answered through the action, which records the clerk)."""

from typing import Any, cast

from django import forms
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
from accounts.models import User
from accounts.permissions import clerk_department_codes


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


class _ReadOnlyInline(admin.TabularInline):
    """Listed for orientation only: each row is written on its own admin page, through the
    actions (an inline formset would save past them)."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BarrierInline(_ReadOnlyInline):
    model = Barrier
    fields = readonly_fields = ("description", "severity", "requirement", "found_on")


class TaskInline(_ReadOnlyInline):
    model = RemediationTask
    fields = readonly_fields = (
        "title",
        "status",
        "planned_start",
        "planned_end",
        "cost",
        "blocker",
    )


def _codes(request: HttpRequest) -> set[str]:
    """The departments whose clerk the user is, once per request."""
    cached = getattr(request, "_a11y_department_codes", None)
    if cached is None:
        cached = clerk_department_codes(request.user) if request.user.is_staff else set()
        request._a11y_department_codes = cached  # type: ignore[attr-defined]
    return cached


def _acting(request: HttpRequest) -> User:
    # the admin only serves signed-in staff: ``request.user`` is never anonymous here
    return cast(User, request.user)


def _form_errors(error: ValidationError | PermissionDenied) -> list[str]:
    return list(getattr(error, "messages", None) or [str(error)])


class _ActionForm(forms.ModelForm):
    """The admin form asks the action's check in ``clean`` so a refusal (a rule or a missing
    right) is an error on the form, answered with 200, and nothing is written."""

    acting_user: Any = None

    def check(self, fields: dict[str, Any]) -> None:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        fields = {name: cleaned[name] for name in self._meta.fields or [] if name in cleaned}
        try:
            self.check(fields)
        except (ValidationError, PermissionDenied) as error:
            raise ValidationError(_form_errors(error)) from error
        return cleaned


class BuildingForm(_ActionForm):
    class Meta:
        model = Building
        fields = [
            "name",
            "slug",
            "address",
            "functions",
            "department",
            "district",
            "heritage_protected",
            "acquired_year",
            "audit_state",
            "summary",
        ]

    def check(self, fields: dict[str, Any]) -> None:
        actions.building_check(
            acting_user=self.acting_user,
            building=self.instance if self.instance.pk else None,
            **fields,
        )


class BarrierForm(_ActionForm):
    class Meta:
        model = Barrier
        fields = ["building", "requirement", "description", "severity", "found_on"]

    def check(self, fields: dict[str, Any]) -> None:
        actions.barrier_check(
            acting_user=self.acting_user,
            barrier=self.instance if self.instance.pk else None,
            **fields,
        )


TASK_FIELDS = [
    "barrier",
    "title",
    "status",
    "planned_start",
    "planned_end",
    "completed_on",
    "cost",
    "blocker",
    "notes",
]


class RemediationTaskForm(_ActionForm):
    class Meta:
        model = RemediationTask
        fields = TASK_FIELDS

    def check(self, fields: dict[str, Any]) -> None:
        values = dict(fields)
        values.pop("notes", None)
        actions.remediation_task_check(
            acting_user=self.acting_user,
            task=self.instance if self.instance.pk else None,
            **values,
        )


class _ThroughActionsAdmin(SimpleHistoryAdmin):
    """Department-scoped (a clerk sees and changes only their department's records; the
    accessibility coordinator all) and writing only through ``accessibility.actions``."""

    #: the lookup from this model to its building's department code
    department_path = ""

    def _scoped(self, request: HttpRequest, obj: Any = None) -> bool:
        codes = _codes(request)
        if not codes:
            return False
        if obj is None or actions.COORDINATOR_DEPARTMENT in codes:
            return True
        department = self._department_of(obj)
        return department is not None and department in codes

    def _department_of(self, obj: Any) -> str | None:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        codes = _codes(request)
        if actions.COORDINATOR_DEPARTMENT in codes:
            return queryset
        return queryset.filter(**{f"{self.department_path}__in": codes})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(_codes(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._scoped(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(_codes(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._scoped(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._scoped(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def _fields(self, form: Any) -> dict[str, Any]:
        return {name: form.cleaned_data[name] for name in form._meta.fields}

    def _write(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            saved = self._write(request, obj, form, change)
        except (ValidationError, PermissionDenied) as error:
            # the form's clean ran the same check; this is a race with another clerk
            self.message_user(request, " ".join(_form_errors(error)), messages.ERROR)
            return
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # the inlines are view-only and the forms hold no many-to-many field: nothing to
        # write here, and a formset's save would bypass the actions
        return None

    def _delete(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            self._delete(request, obj)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, " ".join(_form_errors(error)), messages.ERROR)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def _limit_choices(request: HttpRequest, field: Any, path: str) -> None:
    codes = _codes(request)
    if actions.COORDINATOR_DEPARTMENT not in codes:
        field.queryset = field.queryset.filter(**{f"{path}__in": codes})


@admin.register(Building)
class BuildingAdmin(_ThroughActionsAdmin):
    form = BuildingForm
    department_path = "department__code"
    list_display = ["name", "address", "department", "heritage_protected", "audit_state"]
    list_filter = ["audit_state", "heritage_protected", "department"]
    list_select_related = ["department"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BarrierInline]

    def _department_of(self, obj: Building) -> str | None:
        return obj.department.code if obj.department_id else None  # type: ignore[union-attr]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "department" and field is not None:
            _limit_choices(request, field, "code")
        return field

    def _write(self, request: HttpRequest, obj: Building, form: Any, change: bool) -> Building:
        if change:
            return actions.building_update(
                building=obj,
                acting_user=_acting(request),
                **self._fields(form),
            )
        return actions.building_create(acting_user=_acting(request), **self._fields(form))

    def _delete(self, request: HttpRequest, obj: Building) -> None:
        actions.building_delete(building=obj, acting_user=_acting(request))


@admin.register(BuildingAudit)
class BuildingAuditAdmin(SimpleHistoryAdmin):
    list_display = ["building", "audited_on", "auditor"]
    inlines = [AuditItemInline]


@admin.register(Barrier)
class BarrierAdmin(_ThroughActionsAdmin):
    form = BarrierForm
    department_path = "building__department__code"
    list_display = ["description", "building", "severity", "requirement"]
    list_filter = ["severity", "requirement"]
    list_select_related = ["building"]
    inlines = [TaskInline]

    def _department_of(self, obj: Barrier) -> str | None:
        building = obj.building
        return building.department.code if building.department_id else None  # type: ignore[union-attr]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "building" and field is not None:
            _limit_choices(request, field, "department__code")
        return field

    def _write(self, request: HttpRequest, obj: Barrier, form: Any, change: bool) -> Barrier:
        if change:
            return actions.barrier_update(
                barrier=obj,
                acting_user=_acting(request),
                **self._fields(form),
            )
        return actions.barrier_create(acting_user=_acting(request), **self._fields(form))

    def _delete(self, request: HttpRequest, obj: Barrier) -> None:
        actions.barrier_delete(barrier=obj, acting_user=_acting(request))


@admin.register(RemediationTask)
class RemediationTaskAdmin(_ThroughActionsAdmin):
    form = RemediationTaskForm
    department_path = "barrier__building__department__code"
    list_display = ["title", "barrier", "status", "planned_start", "planned_end", "cost", "blocker"]
    list_filter = ["status", "blocker"]
    list_select_related = ["barrier"]

    def _department_of(self, obj: RemediationTask) -> str | None:
        building = obj.barrier.building
        return building.department.code if building.department_id else None  # type: ignore[union-attr]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "barrier" and field is not None:
            _limit_choices(request, field, "building__department__code")
        return field

    def _write(
        self, request: HttpRequest, obj: RemediationTask, form: Any, change: bool
    ) -> RemediationTask:
        fields = self._fields(form)
        if change:
            return actions.remediation_task_update(
                task=obj,
                acting_user=_acting(request),
                **fields,
            )
        return actions.remediation_task_create(acting_user=_acting(request), **fields)

    def _delete(self, request: HttpRequest, obj: RemediationTask) -> None:
        actions.remediation_task_delete(task=obj, acting_user=_acting(request))


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
                actions.scan_request(website=website, acting_user=_acting(request))
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
                acting_user=_acting(request),
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(
                request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )
