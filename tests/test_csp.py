"""config.csp: the portal's policy built once, and django-csp's behaviour wherever it differs."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from config.csp import CSPMiddleware


def _headers(view, middleware_class=CSPMiddleware, path="/"):
    request = RequestFactory().get(path)
    middleware = middleware_class(view)
    response = middleware(request)
    return response.get(HEADER), response.get(HEADER_REPORT_ONLY)


def plain(request):
    return HttpResponse("ok")


def test_same_header_as_django_csp_for_a_plain_response():
    ours = _headers(plain)
    assert ours == _headers(plain, DjangoCSPMiddleware)
    assert "frame-ancestors 'none'" in ours[0]
    assert ours[1] is None


def test_a_view_that_uses_a_nonce_gets_it_in_the_header():
    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}}):
        request = RequestFactory().get("/")
        response = CSPMiddleware(with_nonce)(request)
        nonce = response.content.decode()
        assert f"script-src 'self' 'nonce-{nonce}'" in response[HEADER]
        assert "nonce-" not in _headers(plain)[0]


def test_per_view_decorators_still_apply():
    updated = csp_update({"img-src": ["https://tiles.example"]})(plain)
    header, _ro = _headers(updated)
    assert "https://tiles.example" in header
    assert "https://tiles.example" not in _headers(plain)[0]
    assert _headers(csp_exempt()(plain))[0] is None


def test_settings_changes_are_picked_up():
    policy = {"DIRECTIVES": {"default-src": [SELF]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy,
        CONTENT_SECURITY_POLICY_REPORT_ONLY={
            "DIRECTIVES": {"default-src": [SELF]},
            "EXCLUDE_URL_PREFIXES": ["/api/"],
        },
    ):
        assert _headers(plain) == ("default-src 'self'", "default-src 'self'")
        assert _headers(plain, path="/api/v1/") == ("default-src 'self'", None)
    assert "frame-ancestors 'none'" in _headers(plain)[0]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    request = RequestFactory().get("/")
    CSPMiddleware(plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
