"""Tests: real PostgreSQL and Redis, started by tests/plugins/services.py before this loads."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, REST_FRAMEWORK, env

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    raise RuntimeError(
        "Tests run against PostgreSQL only: run them with `make test` (the test plugin starts "
        "PostgreSQL and Redis) or set DATABASE_URL and REDIS_URL yourself."
    )

DEBUG = False
SECRET_KEY = "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PERSONAL_DATA_HASH_KEY = "tests-only-hash-key"

# Hashing with Argon2 on every test user would dominate the run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default="/tmp/krakow-test-private")  # noqa: S108
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
}
WHITENOISE_USE_FINDERS = True
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min"},
}

# WhiteNoise warns about a missing STATIC_ROOT even when it serves from the finders.
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
