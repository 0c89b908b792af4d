"""District funds: how fast the exact (Fraction, largest-remainder) split and the statutory
check are. Prints figures; asserts only correctness (the parts sum to the total)."""

import random
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from districts.allocation import (  # noqa: E402
    allocate,
    allocate_detailed,
    check_statutory_shares,
    split_increase,
)
from districts.reference import read_districts  # noqa: E402


def timed(label: str, runs: int, call) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(runs):
        call()
    per = (time.perf_counter() - start) / runs
    print(f"{label:<58} {per * 1e3:9.3f} ms/run  ({runs} runs)")


def main() -> None:
    rng = random.Random(8)
    real = {
        row["number"]: {
            "residents": row["population"],
            "land_area": (row["area_km2"] * 30).quantize(Decimal("0.0001")),
        }
        for row in read_districts()
    }
    total = Decimal("60000000.00")
    amounts = allocate(total, real)
    assert sum(amounts.values()) == total
    timed("allocate: 18 real districts", 2000, lambda: allocate(total, real))
    timed("allocate_detailed: 18 real districts", 2000, lambda: allocate_detailed(total, real))
    timed(
        "split_increase 2024 → 2029 (18 districts)",
        2000,
        lambda: split_increase(amounts, Decimal("121000000.00"), real),
    )
    big = {
        i: {
            "residents": rng.randint(0, 200_000),
            "land_area": Decimal(rng.randint(1, 10**7)) / 10**4,
        }
        for i in range(1, 10_001)
    }
    big_total = Decimal("987654321.99")
    assert sum(allocate(big_total, big).values()) == big_total
    timed("allocate: 10,000 synthetic districts", 5, lambda: allocate(big_total, big))
    tasks = {
        "repairs_small_infrastructure": Decimal("2500000.00"),
        "disability": Decimal("170000.00"),
    }
    timed(
        "check_statutory_shares: one resolution",
        20000,
        lambda: check_statutory_shares(tasks, Decimal("3333333.33")),
    )
    worst = max(
        abs(Fraction(a.amount) - a.exact) for a in allocate_detailed(total, real).districts.values()
    )
    print(f"largest rounding difference on real data: {float(worst) * 100:.4f} grosz (< 1)")


if __name__ == "__main__":
    main()
