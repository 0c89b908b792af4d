"""Requests/s and latency of the home page and the API, served as in production.

gunicorn (4 sync workers) + PostgreSQL + Redis on loopback; an asyncio client (aiohttp) keeps
CONCURRENCY requests in flight for DURATION seconds per URL. Run: `make bench` or
`python bench/http_load.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import aiohttp
from _stack import running_stack

CONCURRENCY = 16
DURATION = 8.0
PATHS = ["/", "/en/", "/dzielnice/", "/api/v1/", "/api/v1/districts/"]
# The stack is behind a TLS-terminating proxy in production; say so, as the proxy would.
HEADERS = {"X-Forwarded-Proto": "https"}


async def _load(base: str, path: str) -> tuple[int, int, list[float], float]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + DURATION
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector, headers=HEADERS) as session:

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                async with session.get(base + path, allow_redirects=False) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.monotonic() - began
    return len(latencies), errors, latencies, elapsed


def main() -> None:
    with running_stack(workers=4) as (base, _env):
        print(
            f"gunicorn 4 workers, PostgreSQL + Redis on loopback; {CONCURRENCY} concurrent "
            f"clients, {DURATION:.0f} s per URL"
        )
        print(f"{'path':<22}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}")
        for path in PATHS:
            count, errors, latencies, elapsed = asyncio.run(_load(base, path))
            quantiles = statistics.quantiles(latencies, n=100)
            print(
                f"{path:<22}{count:>10}{errors:>8}{count / elapsed:>10.0f}"
                f"{quantiles[49] * 1000:>9.1f}{quantiles[94] * 1000:>9.1f}"
            )


if __name__ == "__main__":
    main()
