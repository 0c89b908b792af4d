"""Open-data tables at 1,000,000 rows (R-OD-2/3/4): import, filtered datastore_search, CSV export.

Runs in-process Django on a fresh migrated PostgreSQL (``bench/_stack.django_on_postgres``),
writes a 1,000,000-row semicolon CSV with decimal commas (CP1250), then:
- imports it through the real pipeline (upload → inferred schema → table_import_run: COPY,
  one validation scan, typed load, indexes, attach): rows/s (target ≥ 50,000);
- runs datastore_search with a one-field filter 200 times on varied values: p50/p95 (target
  p95 < 50 ms), plus two filters with a sort;
- streams the CSV export (COPY … TO STDOUT) to nowhere: rows/s (target ≥ 200,000),
  and the JSON export through the server-side cursor.

The machine this runs on may be shared, so beside wall-clock figures it prints figures that
do not depend on other processes much: the CPU time of this process, the server-side
duration of every SQL statement of the import, and EXPLAIN ANALYZE execution times of the
search queries.

    .venv/bin/python bench/opendata_tables.py [ROWS]
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import django_on_postgres  # noqa: E402

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


@contextmanager
def clock(label: str, rows: int | None = None, target: str = "") -> Iterator[None]:
    """Print wall-clock and this process's CPU time of the block."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = f" = {rows / wall:,.0f} rows/s" if rows else ""
    print(f"{label}: {wall:.2f} s wall{rate} (python CPU {cpu:.2f} s){target}")


def statement_timer() -> tuple[Callable[..., Any], list[tuple[float, str]]]:
    seen: list[tuple[float, str]] = []

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append((time.perf_counter() - started, " ".join(str(sql).split())[:110]))

    return wrapper, seen


def backend_cpu() -> float:
    """CPU seconds (user + system) used so far by this connection's PostgreSQL backend.

    PostgreSQL runs on this machine, so /proc has it: unlike wall-clock time, this barely
    depends on what else the (shared) machine is doing.
    """
    import os

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="od-bench-"))
    try:
        with django_on_postgres(PRIVATE_STORAGE_ROOT=str(workdir / "private")):
            run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path) -> None:
    from django.db import connection

    from opendata import actions, selectors
    from opendata.models import Dataset, ImportStatus, Organization, Resource

    csv_path = workdir / "big.csv"
    with clock(f"wrote {ROWS:,} rows (CP1250, ';', decimal comma)"):
        write_csv(csv_path)
    print(f"  file size {csv_path.stat().st_size / 1e6:.0f} MB")

    organization = Organization.objects.create(slug="bench", title_pl="Bench")
    dataset = Dataset.objects.create(
        slug="bench",
        title_pl="Bench",
        description_pl="b",
        organization=organization,
        contact_email="b@example.org",
    )
    resource = Resource.objects.create(dataset=dataset, name_pl="duża tabela")

    with clock("upload + sniff + schema inference"), csv_path.open("rb") as upload:
        table_import = actions.table_upload(
            resource=resource,
            upload=upload,
            original_name="big.csv",
            acting_user=None,  # type: ignore[arg-type]
        )
    print(f"  inferred types {[f['type'] for f in table_import.schema['fields']]}")
    table_import.status = ImportStatus.QUEUED
    table_import.save(update_fields=["status"])
    wrapper, statements = statement_timer()
    cpu_before = backend_cpu()
    with (
        clock(f"import {ROWS:,} rows", ROWS, " (target >= 50,000 rows/s)"),
        connection.execute_wrapper(wrapper),
    ):
        table_import = actions.table_import_run(table_import_id=table_import.pk)
    assert table_import.status == ImportStatus.SUCCEEDED, table_import.errors
    server_cpu = backend_cpu() - cpu_before
    print(
        f"  PostgreSQL backend CPU for the import: {server_cpu:.2f} s "
        f"= {ROWS / server_cpu:,.0f} rows per CPU-second"
    )
    print("  slowest statements of the import (the COPY itself is not among them):")
    for seconds, text in sorted(statements, reverse=True)[:6]:
        print(f"    {seconds:6.2f} s  {text}")
    print(f"  import reported {table_import.rows_per_second:,.0f} rows/s")

    resource.refresh_from_db()
    version = resource.current_version
    assert version is not None

    timings: list[float] = []
    result = None
    cpu_before, py_before = backend_cpu(), time.process_time()
    for attempt in range(200):
        station = f"S{(attempt * 37) % 1000:04d}"
        started = time.perf_counter()
        result = selectors.datastore_search(version=version, filters={"stacja": station}, limit=100)
        timings.append((time.perf_counter() - started) * 1000)
        assert result.total == ROWS // 1000, result.total
    assert result is not None
    per_query = (backend_cpu() - cpu_before + time.process_time() - py_before) / 200 * 1000
    print(f"  CPU (PostgreSQL backend + Python) per search: {per_query:.2f} ms")
    print(
        f"datastore_search filter stacja=… (total {result.total:,}, 100 records): "
        f"p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms "
        f"(target p95 < 50 ms)"
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
    print(
        f"datastore_search two filters + sort: p50 {percentile(timings, 0.5):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms"
    )
    for label, kwargs in (
        ("filter stacja", {"filters": {"stacja": "S0123"}, "limit": 100}),
        (
            "two filters + sort",
            {"filters": {"stacja": "S0007", "dzielnica": DISTRICTS[1]}, "sort": "pm10 desc"},
        ),
        ("no filter, offset 500,000", {"offset": 500_000, "limit": 100}),
    ):
        plans = selectors.datastore_explain(version=version, **kwargs)  # type: ignore[arg-type]
        shown = ", ".join(f"{name} {ms:.2f} ms" for name, ms in plans)
        print(f"  EXPLAIN ANALYZE {label}: {shown}")

    cpu_before = backend_cpu()
    with clock("CSV export (streamed COPY … TO STDOUT)", ROWS, " (target >= 200,000 rows/s)"):
        total = sum(len(chunk) for chunk in selectors.export_csv_chunks(version=version))
    server_cpu = backend_cpu() - cpu_before
    print(
        f"  {total / 1e6:.0f} MB; PostgreSQL backend CPU {server_cpu:.2f} s "
        f"= {ROWS / server_cpu:,.0f} rows per CPU-second"
    )
    with clock("JSON/XLSX row stream (server-side cursor)", ROWS):
        count = sum(1 for _ in selectors.iter_rows(version=version))
    assert count == ROWS


if __name__ == "__main__":
    main()
