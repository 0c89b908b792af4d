from decimal import Decimal
from typing import Any

from rest_framework import serializers

from services.models import Case, Service, TaxKind


class ServiceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    department = serializers.CharField(source="department.name")
    statutory_deadline_months = serializers.IntegerField()

    class Meta:
        model = Service
        fields = [
            "slug",
            "name",
            "name_en",
            "summary",
            "summary_en",
            "who_may_apply",
            "who_may_apply_en",
            "documents",
            "documents_en",
            "fee",
            "legal_basis",
            "department",
            "category",
            "life_situations",
            "channels",
            "statutory_deadline_months",
        ]


class CaseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id")
    service = serializers.CharField(source="service.slug")
    department = serializers.CharField(source="department.code")
    definition_version = serializers.IntegerField(source="definition.version")

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "service",
            "department",
            "definition_version",
            "status",
            "submitted_at",
            "deadline",
            "submission_sha256",
        ]


class SubmissionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """``fields``: the form's field names (``f-<section>-<field>``, ``count-<group>``) to values.

    Sent as JSON, or as ``multipart/form-data`` with ``definition_version``, ``fields`` (the
    same object as a JSON string) and each file under its field name (``f-<section>-<field>``).
    Files are checked like on the page (type sniffed from content, extension, size).
    """

    definition_version = serializers.IntegerField(min_value=1)
    fields = serializers.DictField(child=serializers.JSONField(), allow_empty=False)

    def validate_fields(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > 500:
            raise serializers.ValidationError("too many fields")
        return value


class _InstalmentIn(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField(min_value=1, max_value=366)
    due_date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))


class _AccountIn(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField(max_length=64)
    resident = serializers.UUIDField(required=False, allow_null=True)


class _LiabilityIn(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField(max_length=64)
    account = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=TaxKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    instalments = _InstalmentIn(many=True, allow_empty=False)

    def validate_instalments(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        numbers = [i["number"] for i in value]
        if len(numbers) != len(set(numbers)):
            raise serializers.ValidationError("duplicate instalment numbers")
        return value


class _PaymentIn(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField(max_length=64)
    account = serializers.CharField(max_length=64)
    paid_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))


class TaxRecordsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    accounts = _AccountIn(many=True, required=False)
    liabilities = _LiabilityIn(many=True, required=False)
    payments = _PaymentIn(many=True, required=False)
