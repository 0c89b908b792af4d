from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from opendata import selectors
from opendata.models import Dataset, Group, Organization
from opendata.serializers import DatasetSerializer, GroupSerializer, OrganizationSerializer


class DatasetViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The open-data catalogue (public): datasets with their resources."""

    permission_classes = [AllowAny]
    serializer_class = DatasetSerializer
    lookup_field = "slug"

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="full-text query"),
            OpenApiParameter("group", str, many=True),
            OpenApiParameter("publisher", str, many=True),
            OpenApiParameter("format", str, many=True),
            OpenApiParameter("keyword", str, many=True),
        ]
    )
    def list(self, request: Request, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Dataset]:
        params = self.request.query_params
        return selectors.catalogue_search(
            q=params.get("q", "")[:200],
            groups=params.getlist("group")[:10],
            publishers=params.getlist("publisher")[:10],
            formats=params.getlist("format")[:10],
            keywords=params.getlist("keyword")[:10],
        )


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Publishers of the catalogue (public)."""

    permission_classes = [AllowAny]
    serializer_class = OrganizationSerializer
    lookup_field = "slug"
    queryset = Organization.objects.order_by("slug")


class GroupViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Thematic groups of the catalogue (public)."""

    permission_classes = [AllowAny]
    serializer_class = GroupSerializer
    lookup_field = "slug"
    queryset = Group.objects.order_by("slug")
