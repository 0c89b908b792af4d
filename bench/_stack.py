"""Start the production stack on loopback for a benchmark: PostgreSQL, Redis, gunicorn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import PostgresServer, RedisServer, free_port  # noqa: E402

# Benchmarks measure what production would do: every commit flushed to disk. (The test server
# turns durability off for speed; figures taken that way flatter every write path.)
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def _bench_signing_keys() -> str:
    """A throw-away Karta QR signing key (production settings require KARTA_SIGNING_KEYS)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return json.dumps({"bench": pem.decode("ascii")})


BENCH_SIGNING_KEYS = _bench_signing_keys()


def production_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "KARTA_SIGNING_KEYS": os.environ.get("KARTA_SIGNING_KEYS") or BENCH_SIGNING_KEYS,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PERSONAL_DATA_HASH_KEY": "bench-only-hash-key-" + "h" * 20,
        "DEMO_MODE": "true",
        "API_THROTTLE_ANON": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def create_database(postgres: PostgresServer, name: str = "krakow") -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres", "-qc",
         f"CREATE DATABASE {name}"],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


@contextmanager
def django_on_postgres(
    *, redis_url: str = "redis://127.0.0.1:1/0", **extra_env: str
) -> Iterator[PostgresServer]:
    """Set Django up in this process on a fresh, migrated throw-away PostgreSQL.

    For benchmarks that call actions and selectors directly (no HTTP). The settings are
    production's, so what is measured is what runs in production.
    """
    postgres = PostgresServer(extra=DURABLE).start()
    try:
        create_database(postgres)
        os.environ.update(
            {
                **production_env(postgres.url(), redis_url),
                "ALLOWED_HOSTS": "127.0.0.1",
                "DEMO_MODE": "false",
                **extra_env,
            }
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        yield postgres
    finally:
        postgres.stop()


@contextmanager
def running_services() -> Iterator[dict[str, str]]:
    """Yield the environment of a migrated, seeded portal on durable PostgreSQL and Redis."""
    postgres = PostgresServer(extra=DURABLE).start()
    redis = RedisServer().start()
    try:
        create_database(postgres)
        env = production_env(postgres.url(), redis.url())
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "compilemessages", "--ignore", ".venv/*")
        manage(env, "seed_demo")
        yield env
    finally:
        redis.stop()
        postgres.stop()


@contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int = 4, threads: int = 1, worker_class: str = "sync"
) -> Iterator[str]:
    """Serve the portal in ``env`` with gunicorn on loopback; yield its base URL.

    ``sync`` workers close the connection after each response; ``gthread`` keeps it alive.
    """
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            worker_class,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/healthz")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def running_stack(
    *, workers: int = 4, threads: int = 1, worker_class: str = "sync"
) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (base_url, env) of a migrated, seeded portal served by gunicorn."""
    with (
        running_services() as env,
        gunicorn(env, workers=workers, threads=threads, worker_class=worker_class) as base,
    ):
        yield base, env


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")
