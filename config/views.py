"""Project-level pages: home, health check and the error pages."""

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.api import error_body
from config.sections import available_sections

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"sections": available_sections()})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache and broker status: 200 when all answer, 503 otherwise."""
    checks = {"database": _check_database(), "cache": _check_cache(), "broker": _check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("health check: database unavailable: %s", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_cache() -> dict[str, Any]:
    try:
        cache.set("healthz", "1", timeout=10)
        ok = cache.get("healthz") == "1"
    except Exception as exc:
        logger.warning("health check: cache unavailable: %s", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_broker() -> dict[str, Any]:
    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("health check: broker unavailable: %s", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "mode": "redis"}


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        body = error_body(status_code=403, code="permission_denied", message=_("Brak uprawnień."))
        return JsonResponse(body, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        body = error_body(status_code=404, code="not_found", message=_("Nie znaleziono."))
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        body = error_body(status_code=400, code="bad_request", message=_("Nieprawidłowe żądanie."))
        return JsonResponse(body, status=400)
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        body = error_body(status_code=500, code="server_error", message=_("Błąd serwera."))
        return JsonResponse(body, status=500)
    try:
        return render(request, "500.html", status=500)
    except Exception:
        # The page that reports an error must not fail itself: fall back to a bare template.
        logger.exception("rendering 500.html failed")
        return HttpResponseServerError(loader.get_template("500_plain.html").render())
