"""Benchmark: our PB rules vs pabutools 1.2 on the largest elections in tests/data.

Run from the project root: ``python bench/pb_rules.py`` (needs the dev dependencies: numpy,
pabutools). For Kraków 2024 city-wide (65,101 voters) and Warszawa 2026 (61,668 voters) it prints,
per rule: our time (best of 3, wall-clock and CPU; parse and preparation reported separately),
pabutools' time in the same run, the ratio, and whether the two selections are equal (same
projects, same order). Wieliczka 2023 is added because pabutools' mes-add1 finishes on it.

pabutools runs in a child process with a time limit (``--limit``, 120 s): a rule that would take
longer is stopped and reported as skipped. For mes-add1 the time is first estimated as (number of
add1 steps + 1) x pabutools' time for one MES run, and the run is skipped outright when that
estimate exceeds the limit.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from consultations.pb import pabulib, rules  # noqa: E402
from consultations.pb.election import compile_instance  # noqa: E402

DATA = ROOT / "tests" / "data" / "pabulib"
# The two large ones are the speed targets; Wieliczka 2023 (6,586 voters) is small enough for
# pabutools' add1 to finish, so the table also compares a real mes-add1 outcome.
FILES = (
    "Poland_Krakow_2024.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
)


def _best_of(n: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def _best_cpu_of(n: int, fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Best wall-clock and best CPU time (this process) of ``n`` calls, and the last result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu, result


def _child(bridge: Any, rule: str, conn: Any) -> None:
    from consultations.pb.pabutools_bridge import pabutools_rule

    t0 = time.perf_counter()
    selected = pabutools_rule(bridge, rule)
    conn.send((time.perf_counter() - t0, selected))
    conn.close()


def _pabutools(bridge: Any, rule: str, limit: float) -> tuple[float, list[str]] | None:
    """(seconds, selection), or None when it did not finish within ``limit`` seconds."""
    ctx = mp.get_context("fork")  # the child inherits the already built pabutools profile
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(bridge, rule, child))
    proc.start()
    child.close()
    if parent.poll(limit):
        seconds, selected = parent.recv()
        proc.join()
        return seconds, selected
    proc.terminate()
    proc.join()
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=120.0, help="pabutools time limit (s)")
    parser.add_argument("--no-pabutools", action="store_true", help="time our rules only")
    args = parser.parse_args()

    bridge_cls: Any = None
    if not args.no_pabutools:
        try:
            from consultations.pb.pabutools_bridge import PabutoolsElection

            bridge_cls = PabutoolsElection
        except ImportError:  # pragma: no cover
            print("pabutools is not installed: timing our rules only")

    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    # Wall-clock figures on a shared 2-core machine depend on what else runs: say so.
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for name in FILES:
        path = DATA / name
        t_parse, instance = _best_of(1, lambda p=path: pabulib.load(p))
        t_prep, election = _best_of(1, lambda i=instance: compile_instance(i))
        print(
            f"{name}: {len(instance.votes)} voters, {len(instance.projects)} projects, "
            f"{len(election.groups)} distinct ballots; parse {t_parse * 1000:.0f} ms, "
            f"prepare {t_prep * 1000:.0f} ms",
            flush=True,
        )
        bridge = None
        if bridge_cls is not None:
            t0 = time.perf_counter()
            bridge = bridge_cls(instance)
            print(f"  pabutools profile built in {time.perf_counter() - t0:.1f} s", flush=True)
        mes_seconds: float | None = None
        for rule in rules.RULES:
            ours_s, ours_cpu, outcome = _best_cpu_of(
                3, lambda r=rule, e=election: rules.compute(e, r)
            )
            theirs = "-"
            ratio = "-"
            equal = "-"
            if bridge is not None:
                result: tuple[float, list[str]] | None
                estimate = None
                if rule == "mes-add1" and mes_seconds is not None:
                    estimate = (outcome.details["add1_steps"] + 1) * mes_seconds
                if estimate is not None and estimate > args.limit:
                    result = None
                    notes.append(
                        f"{name} {rule}: pabutools skipped, estimated {estimate:.0f} s "
                        f"({outcome.details['add1_steps'] + 1} MES runs x {mes_seconds:.1f} s)"
                    )
                else:
                    result = _pabutools(bridge, rule, args.limit)
                    if result is None:
                        notes.append(f"{name} {rule}: pabutools stopped after {args.limit:.0f} s")
                if result is not None:
                    seconds, selected = result
                    if rule == "mes":
                        mes_seconds = seconds
                    theirs = f"{seconds:.2f}"
                    ratio = f"{seconds / ours_s:.0f}x"
                    equal = "yes" if selected == list(outcome.selected) else "NO"
                else:
                    theirs = "skipped"
            rows.append(
                (name, rule, f"{ours_s * 1000:.1f}", f"{ours_cpu * 1000:.1f}", theirs, ratio, equal)
            )
            print(f"  {rule}: {ours_s * 1000:.1f} ms (ours), pabutools {theirs}", flush=True)

    header = ("file", "rule", "ours (ms)", "ours cpu (ms)", "pabutools (s)", "ratio", "equal")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    print()
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    for note in notes:
        print(f"note: {note}")
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
