"""Local development: no environment variable needed (eager Celery, console e-mail).

`make run` sets DATABASE_URL to a private throw-away PostgreSQL (config/run_local.py).
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-development-only-not-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
PERSONAL_DATA_HASH_KEY = env.str("PERSONAL_DATA_HASH_KEY", default="local-only-hash-key")
DEMO_MODE = env.bool("DEMO_MODE", default=True)

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# WhiteNoise serves straight from the finders, so no collectstatic is needed locally.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# WhiteNoise warns about a missing STATIC_ROOT even when it serves from the finders.
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
SILENCED_SYSTEM_CHECKS = ["models.W047"]  # SQLite only: PostgreSQL enforces NULLS NOT DISTINCT
