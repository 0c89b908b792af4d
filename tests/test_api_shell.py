"""The API shell: root, schema, docs, deny by default, token authentication, error format."""

import pytest
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


class _Private(APIView):
    def get(self, request):  # type: ignore[no-untyped-def]
        return Response({"email": request.user.email})


urlpatterns = [path("api/v1/private/", _Private.as_view())]


def test_api_root_lists_collections_schema_and_docs(client):
    body = client.get("/api/v1/").json()
    assert body["districts"].endswith("/api/v1/districts/")
    assert body["schema"].endswith("/api/schema/")
    assert body["docs"].endswith("/api/docs/")


def test_openapi_schema_and_docs_are_served_with_local_assets(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/districts/" in schema["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


@pytest.mark.urls("tests.test_api_shell")
def test_endpoints_deny_anonymous_callers_by_default():
    response = APIClient().get("/api/v1/private/")
    assert response.status_code in (401, 403)
    assert set(response.json()["error"]) >= {"status", "code", "message"}


@pytest.mark.urls("tests.test_api_shell")
def test_a_personal_token_authenticates_and_a_revoked_one_does_not(user):
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name="skrypt", key_hash=ApiToken.hash(raw), hint=raw[:8]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get("/api/v1/private/").json() == {"email": user.email}
    token.revoked_at = token.created_at
    token.save()
    response = client.get("/api/v1/private/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_list_endpoint_is_paginated_and_throttled_by_settings(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] == "config.api.Pagination"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == [
        "rest_framework.permissions.IsAuthenticated"
    ]
