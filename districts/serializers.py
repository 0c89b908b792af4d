from decimal import Decimal

from rest_framework import serializers

from districts.models import (
    Allocation,
    AttachmentKind,
    DeadlineOverride,
    District,
    Resolution,
    ResolutionTask,
    TaskAttachment,
    TaskCategory,
    TaskStatus,
)


class DistrictSerializer(serializers.ModelSerializer[District]):
    class Meta:
        model = District
        fields = [
            "number",
            "roman",
            "name",
            "slug",
            "area_km2",
            "population",
            "population_year",
            "council_seats",
        ]


class AllocationSerializer(serializers.ModelSerializer[Allocation]):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Allocation
        fields = ["year", "district", "amount", "base_amount", "increase"]


class TaskSerializer(serializers.ModelSerializer[ResolutionTask]):
    resolution = serializers.UUIDField(source="resolution.public_id", read_only=True)
    district = serializers.CharField(source="resolution.district.slug", read_only=True)
    year = serializers.IntegerField(source="resolution.year", read_only=True)

    class Meta:
        model = ResolutionTask
        fields = [
            "id",
            "resolution",
            "district",
            "year",
            "title",
            "category",
            "amount",
            "implementing_unit",
            "status",
            "committed",
            "spent",
        ]


class ResolutionTaskInlineSerializer(serializers.ModelSerializer[ResolutionTask]):
    class Meta:
        model = ResolutionTask
        fields = [
            "id",
            "title",
            "category",
            "amount",
            "implementing_unit",
            "status",
            "committed",
            "spent",
        ]


class ResolutionSerializer(serializers.ModelSerializer[Resolution]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tasks = ResolutionTaskInlineSerializer(many=True, read_only=True)
    previous = serializers.UUIDField(source="previous.public_id", read_only=True, default=None)

    class Meta:
        model = Resolution
        fields = [
            "id",
            "district",
            "year",
            "version",
            "previous",
            "number",
            "adopted_on",
            "status",
            "filed_at",
            "reviewed_at",
            "review_comment",
            "tasks",
        ]


class ResolutionCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    district = serializers.SlugRelatedField(slug_field="slug", queryset=District.objects.all())
    year = serializers.IntegerField(min_value=2024, max_value=2100)
    number = serializers.CharField(max_length=30)
    adopted_on = serializers.DateField()


class TaskCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=300)
    category = serializers.ChoiceField(choices=TaskCategory.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    implementing_unit = serializers.CharField(max_length=200)


class ReviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressSerializer(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"))
    spent = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"))


class AttachmentSerializer(serializers.ModelSerializer[TaskAttachment]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = TaskAttachment
        fields = ["id", "kind", "title", "content_type", "size", "url", "uploaded_at"]

    def get_url(self, obj: TaskAttachment) -> str:
        return obj.file.url


class AttachmentCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()


class DeadlineOverrideSerializer(serializers.ModelSerializer[DeadlineOverride]):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = DeadlineOverride
        fields = ["id", "district", "year", "reason", "valid_until", "granted_at"]


class DeadlineOverrideCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    district = serializers.SlugRelatedField(slug_field="slug", queryset=District.objects.all())
    year = serializers.IntegerField(min_value=2024, max_value=2100)
    reason = serializers.CharField()
    valid_until = serializers.DateField()
