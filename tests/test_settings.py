"""Settings per environment: local needs nothing, production needs everything."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_SIGNING_KEY = (  # test-only Ed25519 PKCS#8 key, signs nothing real
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIBl2n7J4ZL5u9OEb9KBnUk+wvQMObamHp5+g+z/fV5MU\n"
    "-----END PRIVATE KEY-----\n"
)
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 30 + "-production-grade-secret-key-0123456789",
    "ALLOWED_HOSTS": "portal.krakow.example",
    "DATABASE_URL": "postgres://portal@db.invalid:5432/portal",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "PERSONAL_DATA_HASH_KEY": "y" * 40,
    # A fixed test-only Ed25519 key (tests/karta/test_configuration.py checks its absence).
    "KARTA_SIGNING_KEYS": json.dumps({"t1": TEST_SIGNING_KEY}),
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_check_deploy_reports_no_issues():
    # given every required variable
    # when Django's deployment checklist runs under production settings
    result = _manage("check", "--deploy", env=PRODUCTION_ENV)
    # then it finds nothing
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "PERSONAL_DATA_HASH_KEY"],
)
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_a_non_postgresql_database():
    result = _manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////tmp/x.db"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_local_settings_need_no_variable_at_all():
    result = _manage("check", env={"DJANGO_SETTINGS_MODULE": "config.settings.local"})
    assert result.returncode == 0, result.stderr


def test_argon2_is_the_first_password_hasher_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_production_cookies_use_the_host_prefix_and_are_secure():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = _manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "True"]
