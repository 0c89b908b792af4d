from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from districts import actions
from districts.models import (
    Allocation,
    CouncilMember,
    CouncilOffice,
    DeadlineOverride,
    District,
    DistrictYearInput,
    FormulaComponent,
    FundsPlanYear,
    Resolution,
    ResolutionTask,
    TaskAttachment,
)


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["number", "roman", "name", "population", "area_km2", "council_seats"]
    search_fields = ["name", "roman"]
    readonly_fields = ["number", "roman", "slug"]


@admin.register(CouncilOffice)
class CouncilOfficeAdmin(SimpleHistoryAdmin):
    list_display = ["district", "seat_address", "phone", "email"]


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
class FundsPlanYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "total", "filing_deadline"]
    actions = [compute_allocations]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actions.funds_plan_set(
            year=obj.year,
            total=obj.total,
            filing_deadline=obj.filing_deadline,
            acting_user=request.user,  # type: ignore[arg-type]
        )


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
class DistrictYearInputAdmin(SimpleHistoryAdmin):
    list_display = ["district", "year", "residents", "land_area", "is_demo"]
    list_filter = ["year", "is_demo"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actions.district_input_set(
            district=obj.district,
            year=obj.year,
            residents=obj.residents,
            land_area=obj.land_area,
            is_demo=obj.is_demo,
            acting_user=request.user,  # type: ignore[arg-type]
        )


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


@admin.register(DeadlineOverride)
class DeadlineOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["district", "year", "valid_until", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actions.deadline_override_grant(
            district=obj.district,
            year=obj.year,
            reason=obj.reason,
            valid_until=obj.valid_until,
            acting_user=request.user,  # type: ignore[arg-type]
        )


@admin.register(TaskAttachment)
class TaskAttachmentAdmin(SimpleHistoryAdmin):
    """Uploaded through the task's progress page (type checked from the content there)."""

    list_display = ["title", "task", "kind", "content_type", "size", "uploaded_at"]
    readonly_fields = [f.name for f in TaskAttachment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
