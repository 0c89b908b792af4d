"""Ballots/s cast through the real HTTP endpoint, beside the raw rate of the same inserts.

gunicorn (sync workers) + durable PostgreSQL + Redis on loopback (bench/_stack.py), set up
once. Distinct verified residents with personal API tokens are created beforehand. For each
worker count in PB_BENCH_WORKERS a gunicorn is started and wrk (or, with ``--aiohttp`` or
without wrk, an asyncio client) keeps CONCURRENCY connections busy against
``POST /api/v1/pb-pools/<id>/ballot/``, each request a different voter's first ballot: WARMUP
seconds unmeasured, then a fixed window; the ballots counted are read from the register. The
first worker count is measured once more right after a CHECKPOINT. Then the same rows (register
entry + ballot + 3 choices, one transaction per ballot) are inserted straight into PostgreSQL
with psycopg, so the cost of the web stack can be read off. Run: `python bench/pb_voting.py`
(or `make bench`); `--profile` for the queries and a cProfile of one vote request in-process.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _stack
import aiohttp
import psycopg
from _stack import ROOT, gunicorn, running_services

_manage = _stack.manage


def _manage_tolerant(env: dict[str, str], *args: str) -> None:
    # The ballot endpoint needs no static files, translations or demo data: a failure of those
    # steps elsewhere in the portal (a missing source map, a demo module mid-change) must not
    # stop this measurement.
    try:
        _manage(env, *args)
    except subprocess.CalledProcessError:
        if args[0] not in ("collectstatic", "compilemessages", "seed_demo"):
            raise
        print(f"note: {args[0]} failed (not needed by the ballot endpoint); continuing")


_stack.manage = _manage_tolerant
_wait_for = _stack._wait_for


def _wait_patiently(url: str) -> None:
    # On a shared, loaded machine gunicorn's workers can take longer than _stack's 60 s to boot.
    for _attempt in range(5):
        try:
            _wait_for(url)
            return
        except RuntimeError:
            print("note: gunicorn not up yet; waiting longer")
    raise RuntimeError(f"{url} did not come up")


_stack._wait_for = _wait_patiently


# Voters per measuring window; each window (one per worker count) has its own.
VOTERS = int(os.environ.get("PB_BENCH_VOTERS", "10000"))
# wrk: the measuring window (s); VOTERS must outlast it (the script says when they did not).
DURATION = int(os.environ.get("PB_BENCH_SECONDS", "10"))
# Before each window, wrk votes for WARMUP seconds with voters of its own, unmeasured: the
# workers start, connect and prepare their statements outside the window.
WARMUP = int(os.environ.get("PB_BENCH_WARMUP_SECONDS", "3"))
WARMUP_VOTERS = int(os.environ.get("PB_BENCH_WARMUP_VOTERS", "3000"))
CONCURRENCY = int(os.environ.get("PB_BENCH_CONCURRENCY", "32"))
# gunicorn sync workers, one window per count. On a long-lived stack (a new gunicorn per window)
# 2 workers served more ballots than 3 in each of 3 paired runs: fewer processes share the two
# cores with PostgreSQL, Redis and wrk; within this script 3 did slightly better than 2
# (README), so compare worker counts over several runs. 4 gthread workers × 2 threads
# served fewer than either (the thread pool costs more CPU than re-opening the TCP connection).
WORKERS = [int(w) for w in os.environ.get("PB_BENCH_WORKERS", "2,3").split(",")]
THREADS = int(os.environ.get("PB_BENCH_THREADS", "1"))
HEADERS = {"X-Forwarded-Proto": "https"}

SETUP = r"""
import json, sys
from datetime import timedelta
from decimal import Decimal
from django.db import transaction
from django.utils import timezone
from accounts.models import ApiToken, User
from accounts.validators import pesel_check_digit
from consultations.budget.models import Edition, Pool, Project
from districts.models import District

n = int(sys.argv[1])
now = timezone.now()
day = timedelta(days=1)
edition = Edition.objects.create(
    year=2099, title="Bench (DEMO)", is_published=True,
    submission_start=now - 10 * day, submission_end=now - 8 * day,
    verification_end=now - 6 * day, appeals_end=now - 4 * day,
    voting_start=now - day, voting_end=now + day, results_date=now + 2 * day,
)
pool = Pool.objects.create(edition=edition, kind="city", amount=Decimal("10000000"))
projects = [
    Project.objects.create(pool=pool, number=i, title=f"Bench {i} (DEMO)", description="-",
                           location="-", cost=Decimal("100000"), status="accepted")
    for i in range(1, 41)
]
district = District.objects.get(number=1)
tokens = []
with transaction.atomic():
    users = []
    for i in range(n):
        first_ten = f"{50 + i // 10000:02d}0101{i % 10000:04d}"
        users.append(User(email=f"bench{i}@bench.example", last_name="(DEMO)", district=district,
                          resident_verified_at=now,
                          pesel=first_ten + str(pesel_check_digit(first_ten))))
    users = User.objects.bulk_create(users, batch_size=1000)
    rows = []
    for user in users:
        raw = ApiToken.new_secret()
        rows.append(ApiToken(user=user, name="bench", key_hash=ApiToken.hash(raw), hint=raw[:8]))
        tokens.append(raw)
    ApiToken.objects.bulk_create(rows, batch_size=1000)
print(json.dumps({"pool": str(pool.public_id), "pool_pk": pool.pk,
                  "edition_pk": edition.pk,
                  "projects": [str(p.public_id) for p in projects],
                  "project_pks": [p.pk for p in projects], "tokens": tokens}))
"""


def _setup(env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            SETUP.replace("sys.argv[1]", str((WARMUP_VOTERS + VOTERS) * len(WORKERS) + VOTERS)),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


async def _cast(
    base: str, pool: str, projects: list[str], tokens: list[str]
) -> tuple[int, int, float]:
    queue = list(tokens)
    statuses: dict[int, int] = {}
    ok = 0
    errors = 0
    rng = random.Random(5)  # noqa: S311 - bench data
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector, headers=HEADERS) as session:

        async def worker() -> None:
            nonlocal ok, errors
            while queue:
                token = queue.pop()
                body = {"projects": rng.sample(projects, 3)}
                async with session.post(
                    f"{base}/api/v1/pb-pools/{pool}/ballot/",
                    json=body,
                    headers={"Authorization": f"Token {token}"},
                ) as response:
                    await response.read()
                    if response.status == 201:
                        ok += 1
                    else:
                        errors += 1
                        statuses[response.status] = statuses.get(response.status, 0) + 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.monotonic() - began
    if statuses:
        print(f"errors by HTTP status: {statuses}")
    return ok, errors, elapsed


# wrk (C, one event loop per thread) drives the endpoint when installed (`make bench` installs
# it): a Python client on the same two cores takes CPU from the server it measures. Each wrk
# thread takes every n-th voter's token and stops when its share is spent, so every request is a
# distinct voter's first ballot.
_WRK_SCRIPT = r"""
local tokens, projects, n, answered = {}, {}, 0, 0
id = 0  -- set per thread by setup() (a global: thread:set writes globals)
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  local i = 0
  for line in io.lines(args[1]) do
    if i %% tonumber(args[3]) == id then table.insert(tokens, line) end
    i = i + 1
  end
  for line in io.lines(args[2]) do table.insert(projects, line) end
  math.randomseed(id + 5)
end
function response(status, headers, body)
  answered = answered + 1
  if answered >= #tokens then wrk.thread:stop() end
end
function request()
  n = math.min(n + 1, #tokens)
  local a, b, c = math.random(#projects), 0, 0
  repeat b = math.random(#projects) until b ~= a
  repeat c = math.random(#projects) until c ~= a and c ~= b
  local body = string.format('{"projects": ["%%s", "%%s", "%%s"]}', projects[a], projects[b], projects[c])
  return wrk.format("POST", "%(path)s", {
    ["Authorization"] = "Token " .. tokens[n],
    ["Content-Type"] = "application/json",
    ["X-Forwarded-Proto"] = "https",
  }, body)
end
"""


def _registered(database_url: str, edition: int) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM budget_voterregister WHERE edition_id = %s", (edition,)
        ).fetchone()
    return int(row[0]) if row else 0


def _cast_wrk(
    base: str,
    pool: str,
    projects: list[str],
    tokens: list[str],
    database_url: str,
    edition: int,
    seconds: int = DURATION,
) -> tuple[int, int, float]:
    """Ballots counted (read from the register, not from wrk), other responses, seconds."""
    before = _registered(database_url, edition)
    wrk = shutil.which("wrk")
    assert wrk is not None  # noqa: S101
    threads = 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tokens").write_text("\n".join(tokens) + "\n")
        (folder / "projects").write_text("\n".join(projects) + "\n")
        script = folder / "vote.lua"
        script.write_text(_WRK_SCRIPT % {"path": f"/api/v1/pb-pools/{pool}/ballot/"})
        command = [
            wrk,
            f"-t{threads}",
            f"-c{CONCURRENCY}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
            "--",
            str(folder / "tokens"),
            str(folder / "projects"),
            str(threads),
        ]
        out = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    # wrk runs for its whole -d window even when every thread stopped early: the rate is ballots
    # counted over that window, so it is only valid when the voters did not run out.
    match = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)\b", out.stdout)
    if match is None:
        raise RuntimeError(f"unexpected wrk output:\n{out.stdout}")
    requests = int(match.group(1))
    elapsed = float(match.group(2)) * {"ms": 0.001, "s": 1, "m": 60}[match.group(3)]
    counted = _registered(database_url, edition) - before
    if counted >= len(tokens) - CONCURRENCY:
        print(
            f"warning: the {len(tokens)} voters ran out before the {seconds} s window ended: "
            "the rate below is too low; raise PB_BENCH_VOTERS"
        )
    # Ballots still in flight when the window closed are in the register but not in wrk's count.
    return counted, max(requests - counted, 0), elapsed


def _cpu_seconds_by_role() -> dict[str, float]:
    """CPU time (user + system) used so far by gunicorn, PostgreSQL, Redis and the rest."""
    ticks = os.sysconf("SC_CLK_TCK")
    roles = dict.fromkeys(("gunicorn", "postgres", "redis", "wrk", "other"), 0.0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / ticks
        if int(pid) == os.getpid():  # this script's finished children: wrk, in the window
            roles["wrk"] += (int(fields[13]) + int(fields[14])) / ticks
        elif b"gunicorn" in cmdline:
            roles["gunicorn"] += used
        elif comm == "postgres":
            roles["postgres"] += used
        elif comm.startswith("redis"):
            roles["redis"] += used
        else:
            roles["other"] += used
    return roles


def _raw_inserts(
    database_url: str, edition_pk: int, pool_pk: int, project_pks: list[int]
) -> tuple[int, float]:
    """The same rows, one transaction per ballot, straight into PostgreSQL (one connection)."""
    rng = random.Random(6)  # noqa: S311 - bench data
    n = VOTERS
    began = time.monotonic()
    with psycopg.connect(database_url, autocommit=False) as conn:
        for _i in range(n):
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(
                    "INSERT INTO budget_voterregister (edition_id, pool_kind, voter_hash, channel,"
                    " receipt_code, registered_on) VALUES (%s, 'district', %s, 'online', %s, now())",
                    (edition_pk, secrets.token_hex(32), secrets.token_hex(5)),
                )
                cur.execute(
                    "INSERT INTO budget_ballot (pool_id, channel, is_valid, check_code)"
                    " VALUES (%s, 'online', true, %s) RETURNING id",
                    (pool_pk, secrets.token_hex(5)),
                )
                row = cur.fetchone()
                assert row is not None  # noqa: S101
                cur.executemany(
                    "INSERT INTO budget_ballotchoice (ballot_id, project_id, position, points)"
                    " VALUES (%s, %s, %s, %s)",
                    [(row[0], p, k, 4 - k) for k, p in enumerate(rng.sample(project_pks, 3), 1)],
                )
    return n, time.monotonic() - began


def profile(n: int = 400) -> None:
    """In-process: queries per vote request and where the time goes (cProfile), no HTTP.

    Runs the full middleware + DRF stack through ``django.test.Client`` against a throw-away
    PostgreSQL and Redis, under production settings: the robust figure on a shared machine.
    """
    import cProfile
    import pstats

    from tests.servers import RedisServer

    redis = RedisServer().start()
    try:
        with _stack.django_on_postgres(redis_url=redis.url()):
            from django.db import connection
            from django.test import Client
            from django.test.utils import CaptureQueriesContext

            namespace: dict[str, object] = {}
            exec(  # noqa: S102 - the bench's own setup code, run in this process
                SETUP.replace("sys.argv[1]", str(n + 1)).replace(
                    "print(json.dumps(", "RESULT = (("
                ),
                namespace,
            )
            data = namespace["RESULT"]
            assert isinstance(data, dict)
            client = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})
            tokens = list(data["tokens"])
            projects = list(data["projects"])
            url = f"/api/v1/pb-pools/{data['pool']}/ballot/"
            rng = random.Random(7)

            def vote(token: str) -> int:
                response = client.post(
                    url,
                    json.dumps({"projects": rng.sample(projects, 3)}),
                    content_type="application/json",
                    headers={"Authorization": f"Token {token}"},
                )
                return response.status_code

            with CaptureQueriesContext(connection) as ctx:
                status = vote(tokens.pop())
            print(f"one vote request: HTTP {status}, {len(ctx.captured_queries)} queries")
            for q in ctx.captured_queries:
                print("   ", q["sql"][:110])
            profiler = cProfile.Profile()
            began = time.perf_counter()
            profiler.enable()
            statuses = [vote(t) for t in tokens]
            profiler.disable()
            elapsed = time.perf_counter() - began
            print(
                f"in-process: {len(statuses)} votes ({statuses.count(201)} × 201) in "
                f"{elapsed:.2f} s → {1000 * elapsed / len(statuses):.2f} ms per vote request "
                f"(under cProfile)"
            )
            if os.environ.get("PB_PROFILE_ALL"):
                pstats.Stats(profiler).sort_stats("tottime").print_stats(35)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(80)
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(
                r"budget/api.py|budget/actions.py|authentication.py:\d+\(authenticate\)"
                r"|throttling.py:\d+\(allow_request|celery/app/task.py:\d+\(apply_async"
                r"|response.py:\d+\(rendered_content|views.py:\d+\(finalize_response"
                r"|middleware.py:\d+\(__call__|handlers/base.py:\d+\(get_response"
            )
    finally:
        redis.stop()


def _window(
    base: str,
    data: dict[str, object],
    tokens: list[str],
    database_url: str,
    *,
    warm_up: bool = True,
) -> float:
    """One measuring window against the server at ``base``: ballots/s and CPU by process."""
    client = "wrk" if shutil.which("wrk") and "--aiohttp" not in sys.argv else "aiohttp"
    pool, projects = str(data["pool"]), list(data["projects"])  # type: ignore[call-overload]
    edition = int(data["edition_pk"])  # type: ignore[call-overload]
    if warm_up and client == "wrk" and WARMUP:
        _cast_wrk(
            base, pool, projects, tokens[:WARMUP_VOTERS], database_url, edition, seconds=WARMUP
        )
        tokens = tokens[WARMUP_VOTERS:]
    cpu_before = _cpu_seconds_by_role()
    wal_before = _wal_and_buffers(database_url)
    if client == "wrk":
        ok, errors, elapsed = _cast_wrk(base, pool, projects, tokens, database_url, edition)
    else:
        ok, errors, elapsed = asyncio.run(_cast(base, pool, projects, tokens))
    cpu_after = _cpu_seconds_by_role()
    wal_after = _wal_and_buffers(database_url)
    print(
        f"  HTTP  POST /api/v1/pb-pools/<id>/ballot/ ({client}): {ok} ballots counted, "
        f"{errors} errors, {elapsed:.2f} s → {ok / elapsed:.0f} ballots/s"
    )
    # Where the two cores went ("other" includes kernel threads such as disk writeback).
    used = {role: cpu_after[role] - cpu_before[role] for role in cpu_after}
    print(
        "  CPU   per ballot: "
        + ", ".join(f"{role} {1000 * t / max(ok, 1):.2f} ms" for role, t in used.items())
        + f"; cores busy {sum(used.values()) / elapsed:.2f} of {os.cpu_count()}"
    )
    wal = {key: wal_after[key] - wal_before[key] for key in wal_after}
    per = max(ok, 1)
    print(
        f"  PostgreSQL per ballot: WAL {wal['wal_bytes'] / per / 1024:.1f} KiB, "
        f"{wal['wal_fpi'] / per:.2f} full-page images, {wal['wal_write'] / per:.2f} WAL writes, "
        f"{wal['buffers_backend'] / per:.2f} buffers written by backends, "
        f"{wal['blks_read'] / per:.2f} blocks read"
    )
    return ok / elapsed


def _wal_and_buffers(database_url: str) -> dict[str, int]:
    """PostgreSQL's cumulative WAL and buffer counters (to explain a window's database cost)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT w.wal_bytes::bigint, w.wal_fpi, w.wal_write, b.buffers_backend, "
            "(SELECT sum(blks_read)::bigint FROM pg_stat_database) "
            "FROM pg_stat_wal w, pg_stat_bgwriter b"
        ).fetchone()
    assert row is not None  # noqa: S101
    keys = ("wal_bytes", "wal_fpi", "wal_write", "buffers_backend", "blks_read")
    return dict(zip(keys, (int(value or 0) for value in row), strict=True))


def main() -> None:
    if "--profile" in sys.argv:
        profile()
        return
    worker_class = "sync" if THREADS == 1 else "gthread"
    with running_services() as env:
        data = _setup(env)
        # The setup's writes (migrations, static files, voters) reach the disk now, and the
        # freshly loaded tables are vacuumed and analysed now, not inside the measuring windows.
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        os.sync()
        print(
            f"gunicorn ({worker_class}, {THREADS} thread(s) per worker) + durable PostgreSQL + "
            f"Redis on loopback; {CONCURRENCY} concurrent connections, 3 projects per ballot, "
            f"{VOTERS} distinct voters (API tokens) per window"
        )
        tokens = list(data["tokens"])  # type: ignore[call-overload]
        rates: dict[str, float] = {}
        share = WARMUP_VOTERS + VOTERS
        for i, workers in enumerate(WORKERS):
            with gunicorn(env, workers=workers, threads=THREADS, worker_class=worker_class) as base:
                label = f"{workers} workers"
                print(f"{label}:")
                rates[label] = _window(
                    base, data, tokens[i * share : (i + 1) * share], env["DATABASE_URL"]
                )
                if i == 0:
                    # Right after a checkpoint, PostgreSQL writes each page's first change in
                    # full to the WAL (full_page_writes). Checkpoints come every 5 minutes by
                    # default; this window shows what a vote costs in the seconds after one (the
                    # full-page images per ballot are printed with it).
                    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
                        conn.execute("CHECKPOINT")
                    label = f"{workers} workers, just after a CHECKPOINT"
                    print(f"{label}:")
                    after = tokens[len(WORKERS) * share :]
                    rates[label] = _window(base, data, after, env["DATABASE_URL"], warm_up=False)
        n, raw_elapsed = _raw_inserts(
            env["DATABASE_URL"],
            int(data["edition_pk"]),  # type: ignore[call-overload]
            int(data["pool_pk"]),  # type: ignore[call-overload]
            list(data["project_pks"]),  # type: ignore[call-overload]
        )
        print(
            f"raw   same rows via psycopg, 1 transaction per ballot: {n} in {raw_elapsed:.2f} s → "
            f"{n / raw_elapsed:.0f} ballots/s"
        )
        print(
            "ratio HTTP / raw: "
            + ", ".join(f"{w} {rate / (n / raw_elapsed):.2f}" for w, rate in rates.items())
        )


if __name__ == "__main__":
    main()
