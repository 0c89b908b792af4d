"""The referenda API: public list and detail with the tally once voting has closed."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from consultations.referenda import selectors
from consultations.referenda.models import Referendum, ReferendumStatus


class ReferendumSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    district = serializers.CharField(source="district.name", read_only=True)
    results = serializers.SerializerMethodField()

    class Meta:
        model = Referendum
        fields = [
            "id",
            "district",
            "question",
            "description",
            "opens_at",
            "closes_at",
            "validity_threshold",
            "status",
            "eligible_count",
            "results",
        ]

    def get_results(self, referendum: Referendum) -> dict[str, Any] | None:
        if referendum.status != ReferendumStatus.CLOSED:
            return None
        tally = selectors.tally(referendum=referendum)
        return {
            "voted": tally.voted,
            "yes": tally.yes,
            "no": tally.no,
            "invalid": tally.invalid,
            "turnout_percent": str(tally.turnout_percent),
            "is_valid": tally.is_valid,
            "outcome": tally.outcome,
        }


class ReferendumViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """District referenda (public)."""

    permission_classes = [AllowAny]
    serializer_class = ReferendumSerializer
    lookup_field = "public_id"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.public_referenda()

    def get_object(self) -> Referendum:
        try:
            return super().get_object()  # type: ignore[no-any-return]
        except DjangoValidationError as exc:
            raise Http404 from exc
