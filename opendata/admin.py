from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from opendata import actions
from opendata.models import Dataset, Group, Organization, Resource, TableImport


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["slug", "title_pl", "title_en"]
    prepopulated_fields = {"slug": ["title_pl"]}


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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
        "source_url",
    ]


@admin.register(Dataset)
class DatasetAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["title_pl", "organization", "frequency", "modified_at", "is_demo"]
    list_filter = ["organization", "groups", "frequency", "is_demo"]
    search_fields = ["title_pl", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_pl"]}
    filter_horizontal = ["groups"]
    inlines = [ResourceInline]
    readonly_fields = ["own_slug"]

    def save_model(self, request: HttpRequest, obj: Dataset, form: Any, change: bool) -> None:
        actions.dataset_save(dataset=obj, acting_user=request.user)  # type: ignore[arg-type]


@admin.register(TableImport)
class TableImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["resource", "original_name", "status", "rows_done", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in TableImport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
