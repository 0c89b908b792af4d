from typing import Any

from rest_framework import serializers

from consultations.models import (
    Consultation,
    ImprovementAction,
    Meeting,
    Survey,
    SurveyQuestion,
)


class MeetingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    consultation = serializers.UUIDField(source="consultation.public_id", read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "consultation",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "places_left",
        ]


class ConsultationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    phase = serializers.SerializerMethodField()
    department = serializers.CharField(source="department.name", read_only=True)
    districts = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "summary",
            "topic",
            "phase",
            "department",
            "city_wide",
            "districts",
            "level",
            "forms",
            "channels",
            "announced_on",
            "starts_on",
            "ends_on",
            "report_due_on",
            "report_published_at",
        ]

    def get_phase(self, obj: Consultation) -> str | None:
        return obj.phase()

    def get_districts(self, obj: Consultation) -> list[int]:
        return [d.number for d in obj.districts.all()]

    def get_level(self, obj: Consultation) -> str | None:
        level = obj.decision.get("level")
        return str(level) if level else None


class QuestionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    key = serializers.CharField(read_only=True)
    scale = serializers.SerializerMethodField()

    class Meta:
        model = SurveyQuestion
        fields = [
            "key",
            "order",
            "text",
            "help_text",
            "kind",
            "required",
            "options",
            "scale",
            "min_value",
            "max_value",
        ]

    def get_scale(self, obj: SurveyQuestion) -> list[int]:
        return obj.scale()


class SurveySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    consultation = serializers.SerializerMethodField()
    districts = serializers.SerializerMethodField()
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "description",
            "purpose",
            "audience",
            "anonymous",
            "consultation",
            "districts",
            "opens_at",
            "closes_at",
            "closed_at",
            "questions",
        ]

    def get_consultation(self, obj: Survey) -> str | None:
        return str(obj.consultation.public_id) if obj.consultation else None

    def get_districts(self, obj: Survey) -> list[int]:
        return [d.number for d in obj.districts.all()]


class ResponseInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    answers = serializers.DictField(
        help_text='{"q<question id>": option index | [indices] | number | text}'
    )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"answers": ["Expected an object."]})
        return super().to_internal_value(data)


class IndexValueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    department = serializers.CharField(help_text="Empty for the overall index.")
    value = serializers.FloatField(help_text="0–100")
    ci_low = serializers.FloatField(help_text="95% confidence interval, lower bound")
    ci_high = serializers.FloatField(help_text="95% confidence interval, upper bound")
    n = serializers.IntegerField(help_text="Answers behind the value")


class SatisfactionYearSerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField()
    overall = IndexValueSerializer()
    departments = IndexValueSerializer(many=True)
    previous = serializers.FloatField(
        allow_null=True, help_text="Last year's overall index (null for the first year)."
    )
    rule_met = serializers.BooleanField(
        allow_null=True,
        help_text="The city's rule: this year's index is not lower than last year's.",
    )


class ImprovementActionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    department = serializers.CharField(source="department.name", read_only=True)
    survey = serializers.SerializerMethodField()

    class Meta:
        model = ImprovementAction
        fields = ["year", "department", "survey", "finding", "action", "owner", "status"]

    def get_survey(self, obj: ImprovementAction) -> str | None:
        return str(obj.survey.public_id) if obj.survey else None


class SatisfactionIndexSerializer(serializers.Serializer):  # type: ignore[type-arg]
    years = SatisfactionYearSerializer(many=True)
    improvement_actions = ImprovementActionSerializer(many=True)
