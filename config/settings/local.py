"""Local development (`make run`): no environment variable and no server needed.

The embedded default: the SQLite file ``var/demo.sqlite3`` (kept between runs; DATABASE_URL
may name another database), Celery tasks run eagerly in-process, e-mail is printed to the console.
PostgreSQL stays the only database of the tests and of production; on SQLite the portal uses
portable stand-ins for its PostgreSQL speed paths (``config.pgcompat``; open-data imports
without COPY, catalogue search without ranking — see README).
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES["default"].update(
    env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}")
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # runserver answers from several threads: writers queue for the lock (IMMEDIATE, up to
    # 20 s) instead of failing with "database is locked"; WAL lets readers run meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }

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
