"""The web shell: home page, languages, error pages, security headers, health check."""

from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_home_is_polish_at_the_root_and_english_under_en(client):
    polish = client.get("/")
    english = client.get("/en/")
    assert polish.status_code == english.status_code == 200
    assert b'<html lang="pl">' in polish.content
    assert b'<html lang="en">' in english.content
    assert "Miasto bliżej mieszkańców" in polish.content.decode()
    assert "City closer to its residents" in english.content.decode()


def test_every_page_has_a_skip_link_landmarks_and_a_language_switch(client):
    html = client.get("/").content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    assert 'hreflang="en"' in html
    assert 'href="/en/"' in html


def test_home_links_to_the_sections_that_exist(client):
    html = client.get("/").content.decode()
    assert 'href="/dzielnice/"' in html


def test_unknown_page_answers_a_translated_404(client):
    assert "Nie znaleziono strony" in client.get("/nie-ma-takiej-strony/").content.decode()
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_unknown_api_path_answers_404_in_the_api_error_format(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_server_error_page_is_rendered_in_the_portal_layout(rf):
    from config.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Przepraszamy, wystąpił błąd" in response.content.decode()


def test_permission_denied_page_is_translated(rf):
    from django.utils import translation

    from config.views import permission_denied

    with translation.override("en"):
        response = permission_denied(rf.get("/en/"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_responses_carry_csp_frame_denial_and_referrer_policy(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_static_assets_are_local(client):
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_healthz_reports_database_cache_and_real_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "mode": "redis"}


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_log_filter_masks_pesel_and_email():
    from config.logfilters import redact

    assert redact("user 44051401359 jan@example.org") == "user <pesel> <e-mail>"
