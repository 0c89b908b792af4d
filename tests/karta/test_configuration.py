"""Production needs KARTA_SIGNING_KEYS; bad keys fail `manage.py check`; the partner API is
documented in the OpenAPI schema without warnings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from karta.checks import signing_keys_check
from karta.tokens import generate_private_key, private_key_to_pem

ROOT = Path(__file__).resolve().parent.parent.parent
KEYS = json.dumps({"k1": private_key_to_pem(generate_private_key())})
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 30 + "-production-grade-secret-key-0123456789",
    "ALLOWED_HOSTS": "portal.krakow.example",
    "DATABASE_URL": "postgres://portal@db.invalid:5432/portal",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "PERSONAL_DATA_HASH_KEY": "y" * 40,
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    skip = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "KARTA_SIGNING_KEYS"}
    clean = {key: value for key, value in os.environ.items() if key not in skip}
    return subprocess.run(  # noqa: S603 — our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_production_refuses_to_start_without_signing_keys() -> None:
    result = _manage("check", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "KARTA_SIGNING_KEYS" in result.stderr
    empty = _manage("check", env={**PRODUCTION_ENV, "KARTA_SIGNING_KEYS": "{}"})
    assert empty.returncode != 0
    assert "KARTA_SIGNING_KEYS" in empty.stderr


def test_production_starts_with_signing_keys() -> None:
    result = _manage("check", env={**PRODUCTION_ENV, "KARTA_SIGNING_KEYS": KEYS})
    assert result.returncode == 0, result.stderr


def test_check_reports_a_key_that_is_not_ed25519_and_an_unknown_kid() -> None:
    with override_settings(KARTA_SIGNING_KEYS={"k1": "not a pem"}, KARTA_SIGNING_KID="k9"):
        ids = {error.id for error in signing_keys_check()}
    assert ids == {"karta.E002", "karta.E003"}
    with override_settings(KARTA_SIGNING_KEYS=json.loads(KEYS), KARTA_SIGNING_KID="k1"):
        assert signing_keys_check() == []


def test_new_signing_key_command_prints_usable_json() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("karta_signing_key", "k2026", stdout=out)
    keys = json.loads(out.getvalue())
    with override_settings(KARTA_SIGNING_KEYS=keys, KARTA_SIGNING_KID="k2026"):
        assert signing_keys_check() == []


@pytest.mark.django_db
def test_openapi_schema_has_no_karta_warnings() -> None:
    result = _manage(
        "spectacular",
        "--validate",
        "--file",
        os.devnull,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.local"},
    )
    assert result.returncode == 0, result.stderr
    assert "karta" not in result.stderr.lower()
