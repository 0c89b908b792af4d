from django.urls import reverse
from rest_framework import serializers

from opendata import filetypes
from opendata.models import Dataset, Group, Organization, Resource, ResourceKind


class OrganizationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "slug", "title_pl", "title_en", "description_pl", "description_en"]


class GroupSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Group
        fields = ["id", "slug", "title_pl", "title_en", "description_pl", "description_en"]


class ResourceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    version = serializers.SerializerMethodField()
    row_count = serializers.SerializerMethodField()
    table_schema = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = [
            "id",
            "name_pl",
            "name_en",
            "kind",
            "format",
            "version",
            "row_count",
            "table_schema",
            "file",
        ]

    def get_file(self, resource: Resource) -> dict[str, object] | None:
        """A file resource's current file (as in DCAT-AP and datapackage.json); null for tables."""
        version = resource.current_version
        if resource.kind != ResourceKind.FILE or version is None or not version.file:
            return None
        extension = version.file_extension
        path = reverse(
            "opendata:version-download", args=[resource.public_id, version.number, extension]
        )
        request = self.context.get("request")
        return {
            "url": request.build_absolute_uri(path) if request is not None else path,
            "name": version.original_name,
            "media_type": filetypes.media_type(extension),
            "bytes": version.size,
            "sha256": version.sha256 or None,
            "modified": version.created_at,
        }

    def get_version(self, resource: Resource) -> int | None:
        return resource.current_version.number if resource.current_version else None

    def get_row_count(self, resource: Resource) -> int | None:
        return resource.current_version.row_count if resource.current_version else None

    def get_table_schema(self, resource: Resource) -> dict[str, object] | None:
        return resource.current_version.schema if resource.current_version else None


class DatasetSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    organization = OrganizationSerializer(read_only=True)
    groups = GroupSerializer(many=True, read_only=True)
    resources = ResourceSerializer(many=True, read_only=True)

    class Meta:
        model = Dataset
        fields = [
            "id",
            "slug",
            "title_pl",
            "title_en",
            "description_pl",
            "description_en",
            "organization",
            "groups",
            "keywords",
            "licence",
            "frequency",
            "temporal_start",
            "temporal_end",
            "spatial",
            "contact_name",
            "contact_email",
            "is_demo",
            "created_at",
            "modified_at",
            "resources",
        ]
