from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from karta.documents import MAX_BYTES
from karta.models import (
    Card,
    DocumentKind,
    LargeFamilyEntitlement,
    Location,
    Offer,
    Partner,
    StatusApplication,
)


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


class LargeFamilySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = LargeFamilyEntitlement
        fields = [
            "id",
            "method",
            "status",
            "submitted_at",
            "decided_at",
            "rejection_reason",
            "valid_until",
        ]


class LargeFamilyUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    document = serializers.FileField(help_text="a scan of the Karta Dużej Rodziny or decision")

    def validate_document(self, value: Any) -> bytes:
        if value.size > MAX_BYTES:
            raise serializers.ValidationError(_("Plik jest większy niż 10 MB."))
        return bytes(value.read())


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
            "suspended_at",
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


# --------------------------------------------------------------------------------------------
# Response shapes (for the OpenAPI schema; the views build these dicts themselves)
# --------------------------------------------------------------------------------------------


class JwkSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kid = serializers.CharField()
    kty = serializers.CharField(help_text="OKP")
    crv = serializers.CharField(help_text="Ed25519")
    x = serializers.CharField(help_text="the raw public key, base64url")
    use = serializers.CharField(help_text="sig")
    alg = serializers.CharField(help_text="EdDSA")


class JwksSerializer(serializers.Serializer):  # type: ignore[type-arg]
    keys = JwkSerializer(many=True)


class RevocationListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    generated_at = serializers.DateTimeField()
    revoked = serializers.ListField(child=serializers.CharField(), help_text="card numbers")
    suspended = serializers.ListField(child=serializers.CharField(), help_text="card numbers")


class CheckResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    valid = serializers.BooleanField()
    holder_group = serializers.CharField()
    valid_until = serializers.DateField()
    offers = OfferSerializer(many=True)


class UseResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    event_id = serializers.CharField()
    recorded = serializers.BooleanField(help_text="false for a replay of a recorded event")
    duplicate = serializers.BooleanField()
    discount = serializers.DecimalField(max_digits=9, decimal_places=2)
    price = serializers.DecimalField(max_digits=9, decimal_places=2)


class ItemErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False)


class BulkItemResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    index = serializers.IntegerField()
    event_id = serializers.CharField()
    recorded = serializers.BooleanField(required=False)
    duplicate = serializers.BooleanField(required=False)
    discount = serializers.DecimalField(max_digits=9, decimal_places=2, required=False)
    price = serializers.DecimalField(max_digits=9, decimal_places=2, required=False)
    error = ItemErrorSerializer(required=False)


class BulkResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = BulkItemResultSerializer(many=True)
