"""``make run``: the portal with demo data on a throw-away PostgreSQL in this directory's user space.

Several parts of the portal rely on PostgreSQL itself (open-data tables loaded with ``COPY``,
full-text search, array fields, exact ``numeric`` checks), so the embedded default is a private
PostgreSQL started from the Debian package's binaries — nothing to configure, no system service —
with Celery eager and e-mail to the console (``config.settings.local``). It is removed on exit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import PostgresServer  # noqa: E402  (the same throw-away server the tests use)


def main() -> int:
    # A plain `kill` must also remove the server (Ctrl+C arrives as KeyboardInterrupt).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    postgres = PostgresServer().start()
    try:
        import psycopg

        with psycopg.connect(postgres.url("postgres"), autocommit=True) as connection:
            connection.execute("CREATE DATABASE krakow")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": postgres.url(),
        }

        def manage(*args: str) -> subprocess.CompletedProcess[bytes]:
            # Fixed arguments, this interpreter: nothing from outside reaches the command line.
            return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env)  # noqa: S603

        for step in (("migrate", "--noinput"), ("seed_demo",)):
            if manage(*step).returncode != 0:
                return 1
        print("\n  Portal: http://127.0.0.1:8000/  (English: http://127.0.0.1:8000/en/)")
        print("  Demo logins are listed above (seed_demo). Ctrl+C stops the portal.\n")
        return manage("runserver", "127.0.0.1:8000").returncode
    except KeyboardInterrupt:
        return 0
    finally:
        postgres.stop()


if __name__ == "__main__":
    raise SystemExit(main())
