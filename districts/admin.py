from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from districts import actions
from districts.models import (
    Allocation,
    CouncilMember,
    CouncilOffice,
    CouncilSession,
    DeadlineOverride,
    District,
    DistrictYearInput,
    FormulaComponent,
    FundsPlanYear,
    Resolution,
    ResolutionTask,
    TaskAttachment,
)
from districts.selectors import office_choices


class _DryRun(Exception):
    """Rolls back the savepoint in which an admin form tries its action."""


class ActionAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """A clerk's form whose save is a ``districts.actions`` call.

    ``clean`` tries the action inside a savepoint that is always rolled back, so a refusal
    (``ValidationError`` or a missing right) becomes a form error on the page — never a 500 —
    and nothing is written; the admin's ``save_model`` then runs it for real, in the same
    transaction, through ``perform``.
    """

    acting_user: Any = None  # set per request by ``ActionAdminMixin.get_form``

    def value(self, name: str) -> Any:
        """A field's cleaned value, or the instance's for fields shown read-only."""
        if name in self.fields:
            return self.cleaned_data.get(name)
        return getattr(self.instance, name)

    def perform(self, *, acting_user: Any) -> Model:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self._errors:
            return cleaned
        try:
            with transaction.atomic():
                self.perform(acting_user=self.acting_user)
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return cleaned


class ActionAdminMixin:
    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]
        return type(form.__name__, (form,), {"acting_user": request.user})

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = form.perform(acting_user=request.user)
        # The admin logs and redirects with ``obj``: make it the row the action wrote.
        obj.pk = saved.pk
        obj._state.adding = False


class FundsPlanYearForm(ActionAdminForm):
    class Meta:
        model = FundsPlanYear
        fields = ["year", "total", "filing_deadline"]

    def perform(self, *, acting_user: Any) -> Model:
        return actions.funds_plan_set(
            year=self.value("year"),
            total=self.value("total"),
            filing_deadline=self.value("filing_deadline"),
            acting_user=acting_user,
        )


class DistrictYearInputForm(ActionAdminForm):
    class Meta:
        model = DistrictYearInput
        fields = ["district", "year", "residents", "land_area", "is_demo"]

    def perform(self, *, acting_user: Any) -> Model:
        return actions.district_input_set(
            district=self.value("district"),
            year=self.value("year"),
            residents=self.value("residents"),
            land_area=self.value("land_area"),
            is_demo=bool(self.value("is_demo")),
            acting_user=acting_user,
        )


class DeadlineOverrideForm(ActionAdminForm):
    class Meta:
        model = DeadlineOverride
        fields = ["district", "year", "reason", "valid_until"]

    def perform(self, *, acting_user: Any) -> Model:
        return actions.deadline_override_grant(
            district=self.value("district"),
            year=self.value("year"),
            reason=self.value("reason") or "",
            valid_until=self.value("valid_until"),
            acting_user=acting_user,
        )


class CouncilOfficeForm(forms.ModelForm):  # type: ignore[type-arg]
    services_office_slug = forms.ChoiceField(
        label=_("lokalizacja w e-usługach"),
        required=False,
        choices=lambda: [("", "—"), *office_choices()],
        help_text=_("Lokalizacja z listy urzędów e-usług: jej adres i godziny otwarcia."),
    )

    class Meta:
        model = CouncilOffice
        fields = [
            "district",
            "services_office_slug",
            "seat_address",
            "office_hours",
            "phone",
            "email",
            "is_demo",
        ]


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["number", "roman", "name", "population", "area_km2", "council_seats"]
    search_fields = ["name", "roman"]
    readonly_fields = ["number", "roman", "slug"]


@admin.register(CouncilOffice)
class CouncilOfficeAdmin(SimpleHistoryAdmin):
    form = CouncilOfficeForm
    list_display = ["district", "services_office_slug", "seat_address", "phone", "email"]


@admin.register(CouncilSession)
class CouncilSessionAdmin(SimpleHistoryAdmin):
    list_display = ["district", "number", "starts_at", "place"]
    list_filter = ["district"]
    date_hierarchy = "starts_at"


@admin.register(CouncilMember)
class CouncilMemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "district", "function", "term_start", "term_end"]
    list_filter = ["district", "function"]
    search_fields = ["full_name"]


@admin.action(description=_("Oblicz podział środków dla zaznaczonych lat"))
def compute_allocations(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[FundsPlanYear]
) -> None:
    for plan in queryset.order_by("year"):
        try:
            actions.allocations_compute(year=plan.year, acting_user=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            modeladmin.message_user(
                request, f"{plan.year}: {' '.join(error.messages)}", messages.ERROR
            )
        else:
            modeladmin.message_user(
                request, gettext("Obliczono podział na %(year)s r.") % {"year": plan.year}
            )


@admin.register(FundsPlanYear)
class FundsPlanYearAdmin(ActionAdminMixin, SimpleHistoryAdmin):
    form = FundsPlanYearForm
    list_display = ["year", "total", "filing_deadline"]
    actions = [compute_allocations]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The year is the row's identity: another year is another row.
        return ["year"] if obj is not None else []


@admin.register(FormulaComponent)
class FormulaComponentAdmin(SimpleHistoryAdmin):
    list_display = ["key", "share", "basis", "order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One component changed alone would break the sum of shares: the formula is replaced
        # as a whole with ``districts.actions.formula_set``.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DistrictYearInput)
class DistrictYearInputAdmin(ActionAdminMixin, SimpleHistoryAdmin):
    form = DistrictYearInputForm
    list_display = ["district", "year", "residents", "land_area", "is_demo"]
    list_filter = ["year", "is_demo"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["district", "year"] if obj is not None else []


@admin.register(Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    list_display = ["district", "year", "amount", "base_amount", "increase"]
    list_filter = ["year"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TaskInline(admin.TabularInline):
    model = ResolutionTask
    extra = 0
    readonly_fields = [
        "title",
        "category",
        "amount",
        "implementing_unit",
        "status",
        "committed",
        "spent",
    ]
    can_delete = False


@admin.register(Resolution)
class ResolutionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "district", "year", "version", "status", "filed_at"]
    list_filter = ["status", "year", "district"]
    inlines = [TaskInline]
    readonly_fields = [f.name for f in Resolution._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Filed resolutions are official records; drafts are the council's to change.
        return False


@admin.register(DeadlineOverride)
class DeadlineOverrideAdmin(ActionAdminMixin, SimpleHistoryAdmin):
    form = DeadlineOverrideForm
    list_display = ["district", "year", "valid_until", "granted_by", "granted_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = ["granted_by", "granted_at"]
        return ["district", "year", *fixed] if obj is not None else fixed

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        actions.deadline_override_revoke(override=obj, acting_user=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DeadlineOverride]) -> None:
        for override in queryset:
            self.delete_model(request, override)


@admin.register(TaskAttachment)
class TaskAttachmentAdmin(SimpleHistoryAdmin):
    """Uploaded through the task's progress page (type checked from the content there)."""

    list_display = ["title", "task", "kind", "content_type", "size", "uploaded_at"]
    readonly_fields = [f.name for f in TaskAttachment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Removed from the task's progress page or the API, where the action checks the task
        # and the file is removed from storage too.
        return False
