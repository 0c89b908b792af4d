"""The e-services API: catalogue and forms (public), cases (own / department), submission."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import clerk_department_codes
from services import actions, selectors
from services.formengine import DefinitionForm
from services.models import Case, Service
from services.serializers import (
    CaseSerializer,
    ServiceSerializer,
    SubmissionSerializer,
    TaxRecordsSerializer,
)


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The service catalogue (public). ``?q=``, ``?category=``, ``?life_situation=``."""

    permission_classes = [AllowAny]
    serializer_class = ServiceSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Service]:
        params = self.request.query_params
        return selectors.service_catalogue(
            query=params.get("q", "")[:100],
            category=params.get("category", ""),
            life_situation=params.get("life_situation", ""),
        )

    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def form(self, request: Request, slug: str | None = None) -> Response:
        """The current form definition (see services/formschema.py for the format)."""
        service = self.get_object()
        definition = selectors.service_definition(service=service)
        if definition is None:
            raise exceptions.NotFound(_("Ta usługa nie ma formularza online."))
        return Response({"version": definition.version, "schema": definition.schema})

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated], url_path="submit")
    def submit(self, request: Request, slug: str | None = None) -> Response:
        """Submit an application: the same validation as the page."""
        service = self.get_object()
        user = request.user
        assert isinstance(user, User)  # noqa: S101 — IsAuthenticated
        definition = selectors.service_definition(service=service)
        if definition is None:
            raise exceptions.NotFound(_("Ta usługa nie ma formularza online."))
        raw: Any = request.data
        if isinstance(raw, dict) and (request.FILES or isinstance(raw.get("fields"), str)):
            # multipart: the fields object arrives as a JSON string beside the files
            try:
                fields = json.loads(raw.get("fields") or "{}")
            except ValueError as exc:
                raise exceptions.ValidationError(
                    {"fields": [_("Pole „fields” musi być obiektem JSON.")]}
                ) from exc
            raw = {"definition_version": raw.get("definition_version"), "fields": fields}
        payload = SubmissionSerializer(data=raw)
        payload.is_valid(raise_exception=True)
        if payload.validated_data["definition_version"] != definition.version:
            raise exceptions.ValidationError(
                {"definition_version": [_("Formularz został zmieniony; pobierz nową wersję.")]}
            )
        data = QueryDict(mutable=True)
        for key, value in payload.validated_data["fields"].items():
            if isinstance(value, list):
                data.setlist(key, [str(v) for v in value])
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)
        form = DefinitionForm(definition.schema, data, request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {k: [str(m) for m in v] for k, v in form.errors.items()}
            )
        try:
            case = actions.case_submit(
                service=service,
                definition=definition,
                applicant=user,
                data=form.submission(),
                uploads=form.uploads,
                acting_user=user,
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"non_field_errors": exc.messages}) from exc
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Cases the caller may see: their own, and (for clerks) their departments'.

    ``?scope=own`` or ``?scope=department`` narrows the list.
    """

    permission_classes = [IsAuthenticated]
    serializer_class = CaseSerializer
    lookup_field = "public_id"

    def get_queryset(self) -> QuerySet[Case]:
        user = self.request.user
        codes = clerk_department_codes(user)
        scope = self.request.query_params.get("scope", "")
        own = Q(applicant=user)
        department = Q(department__code__in=codes)
        condition = {"own": own, "department": department}.get(scope, own | department)
        return (
            Case.objects.filter(condition)
            .select_related("service", "department", "definition")
            .order_by("-submitted_at")
        )

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except (DjangoValidationError, ValueError) as exc:  # a malformed UUID
            raise exceptions.NotFound() from exc


class CanLoadTaxData(BasePermission):
    """The finance system's service account: the ``services.load_tax_data`` permission."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(
            request.user.is_authenticated and request.user.has_perm("services.load_tax_data")
        )


class TaxRecordsView(APIView):
    """POST the finance system's accounts, liabilities and payments (idempotent by its ids)."""

    permission_classes = [CanLoadTaxData]

    def post(self, request: Request) -> Response:
        payload = TaxRecordsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)  # noqa: S101 — CanLoadTaxData
        try:
            counts = actions.tax_records_load(payload=payload.validated_data, acting_user=user)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"non_field_errors": exc.messages}) from exc
        return Response(counts, status=status.HTTP_200_OK)
