"""The accessibility API: public reads of buildings (with barriers and tasks) and websites."""

from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from accessibility import selectors
from accessibility.models import Barrier, Building, RemediationTask, Website


class TaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RemediationTask
        fields = [
            "title",
            "status",
            "planned_start",
            "planned_end",
            "completed_on",
            "cost",
            "blocker",
        ]


class BarrierSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = Barrier
        fields = ["requirement", "description", "severity", "tasks"]


class BuildingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    department = serializers.CharField(source="department.code", default=None)
    district = serializers.IntegerField(source="district.number", default=None)
    barriers = BarrierSerializer(many=True, read_only=True)

    class Meta:
        model = Building
        fields = [
            "slug",
            "name",
            "address",
            "functions",
            "department",
            "district",
            "heritage_protected",
            "acquired_year",
            "audit_state",
            "summary",
            "barriers",
        ]


class WebsiteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Website
        fields = ["slug", "name", "url", "kind"]


class BuildingViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """City buildings in the accessibility programme (public)."""

    permission_classes = [AllowAny]
    serializer_class = BuildingSerializer
    lookup_field = "slug"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.building_list().prefetch_related("barriers__tasks").order_by("name")


class WebsiteViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """City websites and e-services with digital accessibility audits (public)."""

    permission_classes = [AllowAny]
    serializer_class = WebsiteSerializer
    lookup_field = "slug"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.website_list().order_by("name")
