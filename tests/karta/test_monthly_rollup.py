"""The monthly roll-up behind the open-data dataset and the monthly trend: incremental,
idempotent, equal to aggregating the raw events."""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from karta import actions, selectors
from karta.models import UsageEvent, UsageMonthly
from tests.karta.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _add(offer: Any, count: int, when: datetime, district: int | None = 1, tag: str = "") -> None:
    UsageEvent.objects.bulk_create(
        UsageEvent(
            partner=offer.partner,
            offer=offer,
            event_id=f"{tag}{uuid.uuid4().hex[:16]}-{i}",
            occurred_at=when,
            price=Decimal(10),
            discount=Decimal("2.50"),
            category=offer.category,
            holder_group="adult",
            district_id=district,
            age_band="26-64",
        )
        for i in range(count)
    )


def _from_events() -> set[tuple[Any, ...]]:
    tz = timezone.get_current_timezone()
    return {
        (r["m"].date(), r["category"], r["partner_id"], r["district_id"], r["n"], r["d"])
        for r in UsageEvent.objects.annotate(m=TruncMonth("occurred_at", tzinfo=tz))
        .values("m", "category", "partner_id", "district_id")
        .annotate(n=Count("id"), d=Sum("discount"))
    }


def _rolled() -> set[tuple[Any, ...]]:
    return {
        (r.month, r.category, r.partner_id, r.district_id, r.uses, r.discount)
        for r in UsageMonthly.objects.all()
    }


def test_roll_up_equals_the_events_and_a_rerun_changes_nothing() -> None:
    offer = OfferFactory()
    now = timezone.now()
    _add(offer, 12, now - timedelta(days=70))
    _add(offer, 4, now - timedelta(days=70), district=None)
    _add(offer, 3, now - timedelta(days=5), district=2)
    assert actions.usage_monthly_refresh() >= 2
    first = _rolled()
    assert first == _from_events()
    actions.usage_monthly_refresh()  # re-reads the overlap window: the same rows again
    assert _rolled() == first


def test_a_late_event_recomputes_only_its_month() -> None:
    offer = OfferFactory()
    now = timezone.now()
    _add(offer, 10, now - timedelta(days=70))
    _add(offer, 10, now - timedelta(days=3))
    actions.usage_monthly_refresh()
    # an offline terminal reports a use from three weeks ago, after the roll-up ran
    _add(offer, 2, now - timedelta(days=21), tag="late-")
    assert actions.usage_monthly_refresh() >= 1
    assert _rolled() == _from_events()


def test_a_rerun_over_the_same_months_is_idempotent() -> None:
    offer = OfferFactory()
    _add(offer, 15, timezone.now() - timedelta(days=40))
    actions.usage_monthly_refresh()
    before = _rolled()
    UsageMonthly.objects.all().delete()  # a crashed run, say: rebuild from scratch
    from karta.models import RollupWatermark

    RollupWatermark.objects.all().delete()
    actions.usage_monthly_refresh()
    actions.usage_monthly_refresh()
    assert _rolled() == before


def test_open_data_reads_the_roll_up_with_closed_months_only_and_k_suppression() -> None:
    offer = OfferFactory()
    start_of_month = timezone.localdate().replace(day=1)
    last_month = datetime.combine(
        start_of_month - timedelta(days=10),
        datetime.min.time().replace(hour=12),
        tzinfo=timezone.get_current_timezone(),
    )
    _add(offer, 11, last_month)
    _add(offer, 9, last_month, district=2)
    _add(offer, 20, timezone.now())  # the current month is never published
    assert selectors.monthly_usage_open_data() == []  # nothing before the roll-up runs
    actions.usage_monthly_refresh()
    rows = selectors.monthly_usage_open_data()
    assert [(r["month"], r["uses"]) for r in rows] == [(last_month.strftime("%Y-%m"), 11)]
    assert all(r["uses"] >= selectors.K_ANONYMITY for r in rows)


def test_monthly_trend_reads_the_roll_up(django_assert_max_num_queries: Any) -> None:
    offer = OfferFactory()
    _add(offer, 7, timezone.now() - timedelta(days=40))
    _add(offer, 5, timezone.now() - timedelta(days=1))
    actions.usage_monthly_refresh()
    with django_assert_max_num_queries(1):
        rows = selectors.trend(selectors.Period.last_days(365), unit="month")
    assert sum(r["uses"] for r in rows) == 12


def test_the_beat_schedule_runs_the_monthly_refresh() -> None:
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "karta.refresh_usage_monthly" in tasks
    from karta.tasks import refresh_usage_monthly

    assert refresh_usage_monthly.delay().get() == 0
