"""JSON API of Karta Krakowska: the mobile app (residents) and partners' terminals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import authentication, exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ErrorSerializer, error_body
from karta import actions, keys, selectors
from karta.models import Category, HolderGroup, Partner, PartnerKind
from karta.serializers import (
    ApplicationSerializer,
    BulkResultSerializer,
    BulkUseSerializer,
    CardSerializer,
    CheckResultSerializer,
    CheckSerializer,
    JwksSerializer,
    LargeFamilySerializer,
    LargeFamilyUploadSerializer,
    OfferSerializer,
    RevocationListSerializer,
    UploadSerializer,
    UseResultSerializer,
    UseSerializer,
)

_PARTNER_ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
}


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Partner kkp_…``: the request acts as the partner (``request.auth``)."""

    keyword = "Partner"

    def authenticate(self, request: Request) -> tuple[Any, Partner] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Nieprawidłowy nagłówek klucza partnera."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Nieprawidłowy klucz partnera.")) from exc
        partner = selectors.partner_by_api_key(raw)
        if partner is None:
            raise exceptions.AuthenticationFailed(_("Nieprawidłowy klucz partnera."))
        return AnonymousUser(), partner

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class PartnerKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents ``Authorization: Partner kkp_…`` in the OpenAPI schema."""

    target_class = "karta.api.PartnerKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Partner kkp_…`: the partner's key, issued by the city in the admin.",
        }


class IsPartner(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.auth, Partner)


class PartnerView(APIView):
    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartner]

    def partner(self, request: Request, slug: str) -> Partner:
        partner: Partner = request.auth  # type: ignore[assignment]
        if partner.slug != slug:
            # A key acts only for its own partner.
            raise exceptions.PermissionDenied(_("Ten klucz nie należy do tego partnera."))
        return partner


def _usage_error(exc: actions.UsageError) -> Response:
    return Response(
        error_body(status_code=exc.status, code=exc.code, message=exc.message),
        status=exc.status,
    )


class KeysView(APIView):
    """The public keys that verify QR tokens offline (JWKS, RFC 8037)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses=JwksSerializer, summary="QR token public keys (JWKS)")
    def get(self, request: Request) -> Response:
        response = Response(keys.jwks())
        response["Cache-Control"] = "public, max-age=3600"
        return response


class OfferListView(APIView):
    """The public discount catalogue (``?q=&category=&group=``)."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=OfferSerializer(many=True),
        parameters=[
            OpenApiParameter("q", str, description="text search"),
            OpenApiParameter("category", str, enum=Category.values),
            OpenApiParameter("group", str, enum=HolderGroup.values),
            OpenApiParameter("kind", str, enum=PartnerKind.values),
        ],
    )
    def get(self, request: Request) -> Response:
        offers = selectors.catalogue_offers(
            query=request.query_params.get("q", "")[:100],
            category=request.query_params.get("category", ""),
            group=request.query_params.get("group", ""),
            partner_kind=request.query_params.get("kind", ""),
        )
        return Response(OfferSerializer(offers, many=True).data)


class ApplicationListView(APIView):
    """The resident's own status applications; POST uploads a PIT/UPO (multipart)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=ApplicationSerializer(many=True))
    def get(self, request: Request) -> Response:
        applications = selectors.applications_of(request.user)  # type: ignore[arg-type]
        return Response(ApplicationSerializer(applications, many=True).data)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: ApplicationSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            application = actions.status_application_submit(
                user=request.user,  # type: ignore[arg-type]
                document_kind=serializer.validated_data["document_kind"],
                data=serializer.validated_data["document"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            raise exceptions.ValidationError({"document": exc.messages}) from exc
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class LargeFamilyListView(APIView):
    """The resident's own large-family requests; POST uploads a Karta Dużej Rodziny scan."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=LargeFamilySerializer(many=True))
    def get(self, request: Request) -> Response:
        entitlements = selectors.large_family_of(request.user)  # type: ignore[arg-type]
        return Response(LargeFamilySerializer(entitlements, many=True).data)

    @extend_schema(
        request={"multipart/form-data": LargeFamilyUploadSerializer},
        responses={201: LargeFamilySerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = LargeFamilyUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entitlement = actions.large_family_submit(
                user=request.user,  # type: ignore[arg-type]
                data=serializer.validated_data["document"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            raise exceptions.ValidationError({"document": exc.messages}) from exc
        return Response(LargeFamilySerializer(entitlement).data, status=status.HTTP_201_CREATED)


class CardListView(APIView):
    """The resident's own cards, each active one with a fresh QR token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CardSerializer(many=True))
    def get(self, request: Request) -> Response:
        cards = list(selectors.cards_of(request.user))  # type: ignore[arg-type]
        now = timezone.now()
        tokens = {
            card.pk: actions.card_token(card=card, now=now) for card in cards if card.is_active
        }
        return Response(CardSerializer(cards, many=True, context={"tokens": tokens}).data)


class RevocationListView(PartnerView):
    """Card numbers revoked or suspended before their end: partners refresh this list for
    offline checks and refuse every number on it."""

    @extend_schema(responses={200: RevocationListSerializer, 401: ErrorSerializer})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "generated_at": timezone.now().isoformat(),
                "revoked": selectors.revoked_card_numbers(),
                "suspended": selectors.suspended_card_numbers(),
            }
        )


class CheckView(PartnerView):
    @extend_schema(
        request=CheckSerializer, responses={200: CheckResultSerializer, **_PARTNER_ERRORS}
    )
    def post(self, request: Request, slug: str) -> Response:
        partner = self.partner(request, slug)
        serializer = CheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = actions.card_check(partner=partner, token=serializer.validated_data["token"])
        except actions.UsageError as exc:
            return _usage_error(exc)
        return Response(
            {
                "valid": True,
                "holder_group": result.card.holder_group,
                "valid_until": result.card.valid_until,
                "offers": OfferSerializer(result.offers, many=True).data,
            }
        )


def _record(partner: Partner, data: dict[str, Any]) -> tuple[Any, bool]:
    return actions.usage_record(
        partner=partner,
        token=data["token"],
        offer_id=data["offer"],
        event_id=data["event_id"],
        occurred_at=data["occurred_at"],
        price=data.get("price"),
        location_id=data.get("location"),
    )


def _event_json(event: Any, created: bool) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "recorded": created,
        "duplicate": not created,
        "discount": str(event.discount),
        "price": str(event.price),
    }


class UseView(PartnerView):
    @extend_schema(
        request=UseSerializer,
        responses={201: UseResultSerializer, 200: UseResultSerializer, **_PARTNER_ERRORS},
    )
    def post(self, request: Request, slug: str) -> Response:
        partner = self.partner(request, slug)
        serializer = UseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            event, created = _record(partner, serializer.validated_data)
        except actions.UsageError as exc:
            return _usage_error(exc)
        return Response(
            _event_json(event, created),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class BulkUseView(PartnerView):
    """Offline terminals upload up to 1000 events; each is answered on its own."""

    @extend_schema(
        request=BulkUseSerializer, responses={200: BulkResultSerializer, **_PARTNER_ERRORS}
    )
    def post(self, request: Request, slug: str) -> Response:
        partner = self.partner(request, slug)
        envelope = BulkUseSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        results = []
        for index, raw in enumerate(envelope.validated_data["events"]):
            item = UseSerializer(data=raw)
            if not item.is_valid():
                results.append(
                    {
                        "index": index,
                        "event_id": str(raw.get("event_id", ""))[:64],
                        "error": {
                            "code": "invalid",
                            "message": _("Przesłane dane są nieprawidłowe."),
                            "fields": item.errors,
                        },
                    }
                )
                continue
            try:
                event, created = _record(partner, item.validated_data)
            except actions.UsageError as exc:
                results.append(
                    {
                        "index": index,
                        "event_id": item.validated_data["event_id"],
                        "error": {"code": exc.code, "message": exc.message},
                    }
                )
                continue
            results.append({"index": index, **_event_json(event, created)})
        return Response({"results": results})
