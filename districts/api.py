from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from districts.selectors import district_list
from districts.serializers import DistrictSerializer


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The 18 districts of Kraków (public)."""

    permission_classes = [AllowAny]
    serializer_class = DistrictSerializer
    lookup_field = "slug"
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return district_list()
