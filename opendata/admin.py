"""Clerks' screens for the catalogue, scoped to their department.

A clerk sees and edits only the datasets (and imports) of publishers whose ``department_code``
is one of their clerk departments; publishers and groups are edited by administrators only.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.permissions import clerk_department_codes
from opendata import actions
from opendata.models import Dataset, Group, Organization, Resource, TableImport
from opendata.permissions import can_manage_organization


class SuperuserEditsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Readable by staff with the view permission; changed by administrators only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Group)
class GroupAdmin(SuperuserEditsAdmin):
    list_display = ["slug", "title_pl", "title_en"]
    prepopulated_fields = {"slug": ["title_pl"]}


@admin.register(Organization)
class OrganizationAdmin(SuperuserEditsAdmin):
    list_display = ["slug", "title_pl", "department_code"]
    prepopulated_fields = {"slug": ["title_pl"]}


class ResourceInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Resource
    extra = 0
    fields = [
        "name_pl",
        "name_en",
        "kind",
        "format",
        "chart_type",
        "chart_x",
        "chart_y",
        "map_lat",
        "map_lon",
        "map_geojson",
        "source_url",
    ]


def _own_organizations(request: HttpRequest) -> QuerySet[Organization]:
    if request.user.is_superuser:
        return Organization.objects.all()
    codes = clerk_department_codes(request.user)
    return Organization.objects.filter(department_code__in=codes).exclude(department_code="")


@admin.register(Dataset)
class DatasetAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["title_pl", "organization", "frequency", "modified_at", "is_demo"]
    list_filter = ["organization", "groups", "frequency", "is_demo"]
    search_fields = ["title_pl", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_pl"]}
    filter_horizontal = ["groups"]
    inlines = [ResourceInline]
    readonly_fields = ["own_slug"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dataset]:
        queryset = super().get_queryset(request).select_related("organization")
        return queryset.filter(organization__in=_own_organizations(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage_organization(request.user, obj.organization))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_manage_organization(request.user, obj.organization))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organization":
            kwargs["queryset"] = _own_organizations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Dataset, form: Any, change: bool) -> None:
        actions.dataset_save(dataset=obj, acting_user=request.user)  # type: ignore[arg-type]


@admin.register(TableImport)
class TableImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["resource", "original_name", "status", "rows_done", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in TableImport._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TableImport]:
        queryset = super().get_queryset(request).select_related("resource__dataset")
        return queryset.filter(resource__dataset__organization__in=_own_organizations(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
