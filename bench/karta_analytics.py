"""Karta Krakowska analytics over 5,000,000 usage events (R-KK-4): time every dashboard query.

Starts a throw-away PostgreSQL (``bench._stack.django_on_postgres``), migrates, creates 60 partners / 240 offers with the ORM, then
generates the events in the database with generate_series (one INSERT … SELECT), ANALYZEs and
runs each query of the clerks' analytics page (karta.selectors) three times; prints the best
time per query and the total per dashboard. Target: under 2 s per dashboard. Also times the
monthly roll-up (first build, an hourly run with nothing new, one after 20,000 new events) that
the open-data dataset and the monthly trend read.

    .venv/bin/python bench/karta_analytics.py [EVENTS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import django_on_postgres  # noqa: E402

EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000

GENERATE = """
INSERT INTO karta_usageevent
    (partner_id, offer_id, card_id, location_id, event_id, occurred_at, recorded_at, price,
     discount, category, holder_group, district_id, age_band)
SELECT o.partner_id, o.id, NULL, NULL, '%(prefix)s-' || g,
       ts.at, %(recorded)s, p.price,
       round(p.price * o.rate, 2), o.category,
       (ARRAY['adult','adult','adult','child','senior','large_family'])[1 + (g %% 6)],
       1 + (g %% 18),
       (ARRAY['0-17','18-25','26-64','26-64','65+'])[1 + (g %% 5)]
FROM generate_series(1::bigint, %(n)s) AS g
JOIN (SELECT id, partner_id, category, COALESCE(percent, 100) / 100.0 AS rate,
             row_number() OVER (ORDER BY id) - 1 AS k FROM karta_offer) AS o
  ON o.k = (g * 7919) %% %(offers)s
CROSS JOIN LATERAL (SELECT (5 + (g %% 60))::numeric(9, 2) AS price) AS p
-- "+ g * 0": correlated, so random() is drawn per row, not once for the whole query
CROSS JOIN LATERAL (SELECT now() - random() * interval '%(days)s days'
                                 + g * interval '0 second' AS at) AS ts
"""


def main() -> None:
    with django_on_postgres(LOG_LEVEL="WARNING"):
        run()


def run() -> None:
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from karta import selectors
    from karta.models import Category, Offer, Partner

    categories = list(Category.values)
    for p in range(60):
        partner = Partner.objects.create(slug=f"bench-{p}", name=f"Partner {p}", kind="city")
        for o in range(4):
            Offer.objects.create(
                partner=partner,
                title=f"Oferta {p}-{o}",
                category=categories[(p + o) % len(categories)],
                kind="percent",
                percent=10 + 10 * o,
                regular_price=Decimal(20),
                valid_from=timezone.localdate() - timedelta(days=800),
            )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Bulk-load practice: drop the secondary indexes, skip FK triggers, rebuild after.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'karta_usageevent'"
            " AND indexname NOT LIKE '%%pkey' AND indexname <> 'karta_event_once'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("ALTER TABLE karta_usageevent DROP CONSTRAINT karta_event_once")
        cursor.execute("SET session_replication_role = replica")
        # History: each event reached the city within an hour (and before the last hour).
        cursor.execute(
            GENERATE
            % {
                "n": EVENTS,
                "offers": Offer.objects.count(),
                "prefix": "bench",
                "days": 730,
                "recorded": "LEAST(ts.at + interval '1 hour', now() - interval '1 hour')",
            }
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(
            "ALTER TABLE karta_usageevent ADD CONSTRAINT karta_event_once"
            " UNIQUE (partner_id, event_id)"
        )
        cursor.execute("ANALYZE karta_usageevent")
    print(f"generated {EVENTS:,} events (with indexes) in {time.perf_counter() - started:.1f} s")

    from karta.actions import usage_rollup_refresh

    started = time.perf_counter()
    rows = usage_rollup_refresh(since=timezone.localdate() - timedelta(days=800))
    print(f"full roll-up build: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    rows = usage_rollup_refresh()
    print(
        f"hourly roll-up refresh (31 days): {rows:,} rows in {time.perf_counter() - started:.1f} s"
    )
    from karta.actions import usage_monthly_refresh

    started = time.perf_counter()
    months = usage_monthly_refresh()
    print(f"monthly roll-up, first build: {months} months in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    months = usage_monthly_refresh()
    print(
        f"monthly roll-up, hourly run with no new events: {months} months"
        f" in {time.perf_counter() - started:.2f} s"
    )
    # An hour of traffic: 20,000 new events (recorded now, some reported late).
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE
            % {
                "n": 20_000,
                "offers": Offer.objects.count(),
                "prefix": "hour",
                "days": 20,
                "recorded": "now()",
            }
        )
    started = time.perf_counter()
    months = usage_monthly_refresh()
    print(
        f"monthly roll-up, hourly run after 20,000 new events: {months} months"
        f" in {time.perf_counter() - started:.2f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE karta_usagedailyoffer")
        cursor.execute("ANALYZE karta_usagedailydimension")
        cursor.execute("ANALYZE karta_usagemonthly")

    period = selectors.Period.last_days(365)
    offer = Offer.objects.first()
    assert offer is not None
    queries = {
        "top offers": lambda: selectors.top_offers(period),
        "top partners": lambda: selectors.top_partners(period),
        "weekly trend": lambda: selectors.trend(period, unit="week"),
        "monthly trend": lambda: selectors.trend(period, unit="month"),
        "by district": lambda: selectors.by_dimension(period, "district"),
        "by age band": lambda: selectors.by_dimension(period, "age_band"),
        "by group": lambda: selectors.by_dimension(period, "holder_group"),
        "cost by partner/category": lambda: selectors.cost_by_partner_category(period),
        "projection (extend+rate)": lambda: selectors.projection(
            offer=offer, extend_to_group="senior", new_percent=30
        ),
        "open data (monthly, k>=10)": lambda: selectors.monthly_usage_open_data(),
    }
    dashboard = 0.0
    for name, query in queries.items():
        best = min(_timed(query) for _ in range(3))
        print(f"{name:<28} {best * 1000:8.0f} ms")
        if not name.startswith("open data"):
            dashboard += best
    print(f"{'analytics dashboard total':<28} {dashboard * 1000:8.0f} ms  (target < 2000 ms)")


def _timed(query) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    query()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
