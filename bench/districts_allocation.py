"""District funds: how fast the exact (Fraction, largest-remainder) split and the statutory
check are, then (on a throw-away PostgreSQL, ``--pure`` skips it) the split stored through the
model layer, the dashboard panel's queries and the cost of stripping photo metadata. Prints
figures; asserts only correctness (the parts sum to the total)."""

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


def main_django() -> None:
    """Through the model layer on PostgreSQL: computing and storing a year's split, the
    district page's queries, and the cost of stripping a phone photo's metadata on upload."""
    import io

    from _stack import django_on_postgres  # type: ignore[import-not-found]

    with django_on_postgres():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from PIL import Image

        from districts import actions
        from districts.models import District
        from districts.selectors import council_seat, resident_district_overview

        for year, amount in [(2024, "60000000.00"), (2029, "121000000.00")]:
            actions.funds_plan_set(year=year, total=Decimal(amount), acting_user=None)
            for district in District.objects.all():
                actions.district_input_set(
                    district=district,
                    year=year,
                    residents=district.population,
                    land_area=district.area_km2 * 30,
                    acting_user=None,
                )
        actions.allocations_compute(year=2024, acting_user=None)
        with CaptureQueriesContext(connection) as queries:
            actions.allocations_compute(year=2029, acting_user=None)
        print(f"allocations_compute(2029) through the models: {len(queries)} queries")
        timed(
            "allocations_compute(2029): 18 rows stored, with history",
            20,
            lambda: actions.allocations_compute(year=2029, acting_user=None),
        )
        district = District.objects.get(number=14)
        with CaptureQueriesContext(connection) as queries:
            council_seat(district=district)
            resident_district_overview(district=district)
        print(f"dashboard panel + seat: {len(queries)} queries")

        photo = io.BytesIO()
        image = Image.effect_noise((4000, 3000), 60).convert("RGB")
        exif = image.getexif()
        exif[0x010F] = "PhoneMaker"
        image.save(photo, format="JPEG", quality=85, exif=exif)
        data = photo.getvalue()
        print(f"12 MP test photo: {len(data) / 1e6:.1f} MB")
        timed(
            "strip metadata (decode, re-encode JPEG q90): 12 MP",
            5,
            lambda: actions._strip_photo_metadata(data, "image/jpeg"),
        )


if __name__ == "__main__":
    main()
    if "--pure" not in sys.argv:
        main_django()
