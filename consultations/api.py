"""Consultations API: public reads (consultations, survey definitions, aggregated results,
meetings) and submitting a survey response with the same rules as the page."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations import actions, selectors
from consultations.forms import ConsultationFilterForm
from consultations.models import AggregateStatus, Survey
from consultations.serializers import (
    ConsultationSerializer,
    MeetingSerializer,
    ResponseInputSerializer,
    SatisfactionIndexSerializer,
    SurveySerializer,
)


class WhitelistOrderingFilter(OrderingFilter):
    """``?ordering=`` over the view's ``ordering_fields`` only (``-`` for descending, commas
    for several); anything else is a 400 with the allowed names, never silently ignored.
    The primary key is always the last key, so pages never overlap."""

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> Any:
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        allowed = list(view.ordering_fields)
        terms = [t.strip() for t in raw.split(",") if t.strip()]
        bad = [t for t in terms if t.lstrip("-") not in allowed]
        if bad or not terms:
            raise serializers.ValidationError(
                {
                    self.ordering_param: [
                        _("Nieznane pole sortowania. Dozwolone: %(fields)s (z „-” malejąco).")
                        % {"fields": ", ".join(allowed)}
                    ]
                }
            )
        return [*terms, "pk"]


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Published consultations; filter with ``?status=``, ``?district=<id>``, ``?topic=``;
    sort with ``?ordering=`` (``starts_on``, ``ends_on``, ``announced_on``, ``title``; ``-``
    for descending; default ``-starts_on``)."""

    permission_classes = [AllowAny]
    serializer_class = ConsultationSerializer
    lookup_field = "public_id"
    filter_backends: list[Any] = [WhitelistOrderingFilter]
    ordering_fields = ["starts_on", "ends_on", "announced_on", "title"]
    ordering = ["-starts_on", "pk"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        form = ConsultationFilterForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise serializers.ValidationError(form.errors)
        data = form.cleaned_data if form.is_bound else {}
        return selectors.consultation_list(
            status=data.get("status") or "",
            district_id=data["district"].pk if data.get("district") else None,
            topic=data.get("topic") or "",
        )


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Upcoming meetings of published consultations."""

    permission_classes = [AllowAny]
    serializer_class = MeetingSerializer
    lookup_field = "public_id"
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.upcoming_meetings()


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Published surveys with their questions; ``results`` gives the stored aggregate and
    ``respond`` (POST, signed in) submits a response. Sort with ``?ordering=`` (``opens_at``,
    ``closes_at``, ``title``; default ``-opens_at``)."""

    permission_classes = [AllowAny]
    serializer_class = SurveySerializer
    lookup_field = "public_id"
    filter_backends: list[Any] = [WhitelistOrderingFilter]
    ordering_fields = ["opens_at", "closes_at", "title"]
    ordering = ["-opens_at", "pk"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.survey_list().prefetch_related("questions")

    def _survey(self, public_id: str) -> Survey:
        try:
            survey = selectors.survey_detail(public_id=public_id)
        except DjangoValidationError:
            survey = None
        if survey is None:
            raise Http404
        return survey

    @action(detail=True, methods=["get"])
    def results(self, request: Request, public_id: str) -> Response:
        survey = self._survey(public_id)
        aggregate = getattr(survey, "aggregate", None)
        if aggregate is None:
            return Response({"status": None, "progress": 0, "result": None})
        return Response(
            {
                "status": aggregate.status,
                "progress": aggregate.progress,
                "computed_at": aggregate.computed_at,
                "population_year": aggregate.population_year,
                "response_count": aggregate.response_count,
                "converged": aggregate.converged,
                "max_margin_error": aggregate.max_margin_error,
                "warnings": [
                    {"code": code, "message": text}
                    for code, text in zip(
                        aggregate.warnings, aggregate.warning_texts(), strict=True
                    )
                ],
                "result": aggregate.result if aggregate.status == AggregateStatus.DONE else None,
            }
        )

    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        serializer_class=ResponseInputSerializer,
    )
    def respond(self, request: Request, public_id: str) -> Response:
        survey = self._survey(public_id)
        payload = ResponseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            actions.survey_respond(
                survey=survey,
                user=request.user,  # type: ignore[arg-type]
                raw_answers=payload.validated_data["answers"],
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise serializers.ValidationError({"answers": error.message_dict}) from error
            raise serializers.ValidationError({"non_field_errors": error.messages}) from error
        return Response({"status": "stored"}, status=status.HTTP_201_CREATED)


class SatisfactionIndexView(APIView):
    """The office's customer-satisfaction index (R-CON-4): per year the overall and
    per-department index (0–100, 95% CI), last year's value and whether the city's rule
    "not lower than the year before" is met, and the improvement actions. Public, read-only,
    like the page ``/konsultacje/satysfakcja/``."""

    permission_classes = [AllowAny]

    @extend_schema(responses=SatisfactionIndexSerializer)
    def get(self, request: Request) -> Response:
        data = {
            "years": selectors.satisfaction_index(),
            "improvement_actions": selectors.improvement_actions(),
        }
        return Response(SatisfactionIndexSerializer(data).data)
