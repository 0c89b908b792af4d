"""Open-data tables at 1,000,000 rows (R-OD-2/3/4): import, filtered datastore_search, CSV export.

Starts a throw-away PostgreSQL, migrates, writes a 1,000,000-row semicolon CSV with decimal
commas (CP1250), then:
- imports it through the real pipeline (upload → inferred schema → table_import_run: stream,
  cast, COPY in batches, index, attach partition): rows/s (target ≥ 50,000);
- runs datastore_search with a one-field filter 200 times on varied values: p50/p95 (target
  p95 < 50 ms), plus a sorted page and a filter with a total of ~1,000 rows;
- streams the CSV export (COPY … TO STDOUT) to nowhere: rows/s (target ≥ 200,000),
  and the JSON export through the server-side cursor.

    .venv/bin/python bench/opendata_tables.py [ROWS]
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import PostgresServer  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
DISTRICTS = ["Stare Miasto", "Grzegórzki", "Prądnik Czerwony", "Nowa Huta", "Dębniki", "Bieżanów"]


def write_csv(path: Path) -> None:
    generator = random.Random(7)  # noqa: S311 — bench data
    with path.open("w", encoding="cp1250", newline="") as handle:
        handle.write("id;stacja;dzielnica;data;pm10;lat;lon\n")
        lines = []
        for number in range(1, ROWS + 1):
            pm10 = f"{generator.uniform(5, 150):.1f}".replace(".", ",")
            lines.append(
                f"{number};S{number % 1000:04d};{DISTRICTS[number % 6]};"
                f"2024-{1 + number % 12:02d}-{1 + number % 28:02d};{pm10};"
                f"{50 + generator.random() / 10:.5f};{19.9 + generator.random() / 10:.5f}\n"
            )
            if len(lines) >= 50_000:
                handle.write("".join(lines))
                lines = []
        handle.write("".join(lines))


def main() -> None:
    postgres = PostgresServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="od-bench-"))
    try:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(postgres.port),
                "-U",
                "postgres",
                "-qc",
                "CREATE DATABASE krakow",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "SECRET_KEY": "bench-only-" + "k" * 50,
                "ALLOWED_HOSTS": "127.0.0.1",
                "DATABASE_URL": postgres.url(),
                "REDIS_URL": "redis://127.0.0.1:1/0",
                "PERSONAL_DATA_HASH_KEY": "bench-only-hash-key-" + "h" * 20,
                "PRIVATE_STORAGE_ROOT": str(workdir / "private"),
                "LOG_LEVEL": "WARNING",
            }
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from opendata import actions, selectors
        from opendata.models import Dataset, ImportStatus, Organization, Resource

        csv_path = workdir / "big.csv"
        started = time.perf_counter()
        write_csv(csv_path)
        size = csv_path.stat().st_size
        print(
            f"wrote {ROWS:,} rows, {size / 1e6:.0f} MB CP1250 in {time.perf_counter() - started:.1f} s"
        )

        organization = Organization.objects.create(slug="bench", title_pl="Bench")
        dataset = Dataset.objects.create(
            slug="bench",
            title_pl="Bench",
            description_pl="b",
            organization=organization,
            contact_email="b@example.org",
        )
        resource = Resource.objects.create(dataset=dataset, name_pl="duża tabela")

        started = time.perf_counter()
        with csv_path.open("rb") as upload:
            table_import = actions.table_upload(
                resource=resource,
                upload=upload,
                original_name="big.csv",
                acting_user=None,  # type: ignore[arg-type]
            )
        uploaded = time.perf_counter() - started
        table_import.status = ImportStatus.QUEUED
        table_import.save(update_fields=["status"])
        started = time.perf_counter()
        table_import = actions.table_import_run(table_import_id=table_import.pk)
        elapsed = time.perf_counter() - started
        assert table_import.status == ImportStatus.SUCCEEDED, table_import.errors
        print(
            f"upload + sniff + schema inference: {uploaded:.1f} s "
            f"({[f['type'] for f in table_import.schema['fields']]})"
        )
        print(
            f"import (validate, cast, COPY, index, attach) {ROWS:,} rows: {elapsed:.1f} s "
            f"= {ROWS / elapsed:,.0f} rows/s (target >= 50,000)"
        )

        resource.refresh_from_db()
        version = resource.current_version
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE opendata_datarow")
        timings = []
        for attempt in range(200):
            station = f"S{(attempt * 37) % 1000:04d}"
            started = time.perf_counter()
            result = selectors.datastore_search(
                version=version, filters={"stacja": station}, limit=100
            )
            timings.append((time.perf_counter() - started) * 1000)
            assert result.total == ROWS // 1000
        timings.sort()
        p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
        print(
            f"datastore_search filter stacja=… (total {result.total:,}, 100 records): "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < 50 ms)"
        )
        timings = []
        for attempt in range(50):
            started = time.perf_counter()
            selectors.datastore_search(
                version=version,
                filters={"stacja": f"S{attempt:04d}", "dzielnica": DISTRICTS[attempt % 6]},
                sort="pm10 desc",
                limit=10,
            )
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(
            f"datastore_search two filters + sort: p50 {timings[25]:.1f} ms, p95 {timings[47]:.1f} ms"
        )

        started = time.perf_counter()
        total = sum(len(chunk) for chunk in selectors.export_csv_chunks(version=version))
        elapsed = time.perf_counter() - started
        print(
            f"CSV export (streamed COPY): {total / 1e6:.0f} MB in {elapsed:.1f} s "
            f"= {ROWS / elapsed:,.0f} rows/s (target >= 200,000)"
        )
        started = time.perf_counter()
        count = sum(1 for _ in selectors.iter_rows(version=version))
        elapsed = time.perf_counter() - started
        print(
            f"JSON/XLSX row stream (server-side cursor): {count:,} rows in {elapsed:.1f} s "
            f"= {count / elapsed:,.0f} rows/s"
        )
    finally:
        postgres.stop()
        subprocess.run(["rm", "-rf", str(workdir)], check=False)


if __name__ == "__main__":
    main()
