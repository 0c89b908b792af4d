"""Start real PostgreSQL and Redis before pytest-django reads the settings.

Loaded with ``-p tests.plugins.services`` (pyproject addopts). ``tryfirst`` makes this hook run
before pytest-django's, which imports ``config.settings.test`` and reads DATABASE_URL and
REDIS_URL from the environment. Set both yourself to use servers you already run.
"""

import os

import pytest

from tests.servers import PostgresServer, RedisServer

_started: list[PostgresServer | RedisServer] = []


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):  # type: ignore[no-untyped-def]
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        postgres = PostgresServer().start()
        _started.append(postgres)
        os.environ["DATABASE_URL"] = postgres.url()
    if not os.environ.get("REDIS_URL"):
        redis = RedisServer().start()
        _started.append(redis)
        os.environ["REDIS_URL"] = redis.url()
    # Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
    # tests themselves in that thread are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_unconfigure(config):  # type: ignore[no-untyped-def]
    while _started:
        _started.pop().stop()
