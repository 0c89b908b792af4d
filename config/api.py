"""The API shell: one error format, pagination, the API root."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    # The body's key is "fields" (shadows Serializer.fields; this class only describes a schema).
    fields = serializers.DictField(required=False)  # type: ignore[assignment]


class ErrorSerializer(serializers.Serializer):
    """The error format (``error_body``), for the OpenAPI schema."""

    error = ErrorDetailSerializer()


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def error_body(*, status_code: int, code: str, message: str, fields: Any = None) -> dict[str, Any]:
    """The one error format of the API: ``{"error": {status, code, message, fields?}}``."""
    body: dict[str, Any] = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's 500 handler answers (in JSON under /api/)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = {key: _flatten(value) for key, value in detail.items()}
            non_field = fields.pop("non_field_errors", None)
            message = non_field[0] if non_field else _("Przesłane dane są nieprawidłowe.")
        else:
            fields, message = None, _flatten(detail)[0]
        response.data = error_body(
            status_code=response.status_code, code="invalid", message=str(message), fields=fields
        )
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = error_body(
            status_code=response.status_code,
            code=codes if isinstance(codes, str) else "error",
            message=str(exc.detail),
        )
    else:  # Http404 and PermissionDenied converted by DRF
        code = (
            "not_found"
            if response.status_code == status.HTTP_404_NOT_FOUND
            else "permission_denied"
        )
        message = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = error_body(
            status_code=response.status_code, code=code, message=str(message)
        )
    return response


def _flatten(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, inner in value.items() for item in _flatten(inner)]
    if isinstance(value, list):
        return [item for inner in value for item in _flatten(inner)]
    return [str(value)]


class ApiRoot(APIView):
    """The entry point of the API: links to every public collection and to the docs."""

    permission_classes = [AllowAny]

    schema = None  # not an endpoint of its own: excluded from the OpenAPI schema

    def get(self, request: Request) -> Response:
        from config.api_registry import api_links

        links = {name: reverse(url_name, request=request) for name, url_name in api_links()}
        links["schema"] = reverse("api-schema", request=request)
        links["docs"] = reverse("api-docs", request=request)
        return Response(links)
