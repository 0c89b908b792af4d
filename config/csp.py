"""django-csp's middleware with the portal's policy built once per process.

django-csp builds the Content-Security-Policy header from the settings twice per response
(enforced and report-only), about 0.15 ms of CPU each time, although the portal's policy is the
same for every response: no nonces, no per-view decorators. This subclass keeps the built
headers and falls back to django-csp unchanged whenever a response could differ: a nonce was
used, a view set its own policy or exemption, or the DEBUG error pages.
"""

from __future__ import annotations

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What django-csp's decorators (csp_update, csp_replace, csp, csp_exempt) leave on a response.
_PER_VIEW = tuple(
    f"_csp_{kind}{suffix}"
    for kind in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


@cache
def _default_headers() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, value, excluded path prefixes) for the enforced and the report-only policy."""
    headers = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        value = build_policy(report_only=report_only)
        if value:
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            headers.append((header, value, tuple(prefixes)))
    return tuple(headers)


@receiver(setting_changed)
def _policy_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _default_headers.cache_clear()


class CSPMiddleware(_DjangoCSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_VIEW)
        ):
            return super().process_response(request, response)
        for header, value, prefixes in _default_headers():
            if header not in response and not request.path_info.startswith(prefixes):
                response[header] = value
        # As django-csp: a nonce asked for after the header was written is an error, not a
        # silently missing nonce.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
