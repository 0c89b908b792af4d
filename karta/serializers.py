from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from karta.documents import MAX_BYTES
from karta.models import Card, DocumentKind, Location, Offer, Partner, StatusApplication


class LocationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Location
        fields = ["id", "name", "address", "latitude", "longitude"]


class OfferSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    groups = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "title",
            "description",
            "category",
            "kind",
            "percent",
            "fixed_price",
            "regular_price",
            "conditions",
            "groups",
            "valid_from",
            "valid_until",
            "partner",
            "partner_name",
        ]


class PartnerSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    locations = LocationSerializer(many=True, read_only=True)

    class Meta:
        model = Partner
        fields = ["slug", "name", "kind", "description", "website", "locations"]


class ApplicationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = StatusApplication
        fields = [
            "id",
            "document_kind",
            "status",
            "submitted_at",
            "decided_at",
            "rejection_reason",
            "valid_until",
        ]


class UploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    document_kind = serializers.ChoiceField(choices=DocumentKind.choices)
    document = serializers.FileField()

    def validate_document(self, value: Any) -> bytes:
        if value.size > MAX_BYTES:
            raise serializers.ValidationError(_("Plik jest większy niż 10 MB."))
        return bytes(value.read())


class CardSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    token = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = [
            "id",
            "number",
            "holder_group",
            "carrier",
            "child_first_name",
            "valid_from",
            "valid_until",
            "revoked_at",
            "token",
        ]

    def get_token(self, card: Card) -> str | None:
        return self.context.get("tokens", {}).get(card.pk)


class CheckSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(max_length=200, trim_whitespace=True)


class UseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(max_length=200)
    offer = serializers.IntegerField(min_value=1)
    event_id = serializers.CharField(max_length=64)
    occurred_at = serializers.DateTimeField()
    price = serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=Decimal(0), required=False
    )
    location = serializers.IntegerField(min_value=1, required=False)

    def validate_occurred_at(self, value: datetime) -> datetime:
        return value


class BulkUseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    events = serializers.ListField(
        child=serializers.DictField(), allow_empty=False, max_length=1000
    )
