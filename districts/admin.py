from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from districts.models import District


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["number", "roman", "name", "population", "area_km2", "council_seats"]
    search_fields = ["name", "roman"]
    readonly_fields = ["number", "roman", "slug"]
