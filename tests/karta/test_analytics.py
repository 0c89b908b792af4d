"""Analytics selectors, the projection model, open data with k-anonymity, GDPR, dashboard."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.registry import dashboard_panels, gdpr_contributors
from karta import actions, selectors
from karta.models import Card, StatusApplication, UsageEvent
from opendata.registry import registered_dataset
from tests.karta.factories import ApprovedApplicationFactory, OfferFactory, pdf_bytes
from tests.karta.test_views import _events

pytestmark = pytest.mark.django_db


def test_top_offers_trend_and_dimensions_aggregate_in_sql() -> None:
    popular, rare = OfferFactory(), OfferFactory()
    _events(popular, 12)
    _events(rare, 3)
    period = selectors.Period.last_days(365)
    top = selectors.top_offers(period)
    assert [(row["offer_id"], row["uses"]) for row in top] == [(popular.pk, 12), (rare.pk, 3)]
    assert sum(row["uses"] for row in selectors.trend(period, unit="week")) == 15
    assert sum(row["uses"] for row in selectors.by_dimension(period, "district")) == 15
    cost = selectors.cost_by_partner_category(period)
    assert sum(row["cost"] for row in cost) == Decimal("150.00")


def test_rollup_refresh_is_idempotent_and_picks_up_late_events() -> None:
    offer = OfferFactory()
    _events(offer, 5)
    period = selectors.Period.last_days(365)
    assert actions.usage_rollup_refresh() == actions.usage_rollup_refresh()
    assert selectors.top_offers(period)[0]["uses"] == 5
    UsageEvent.objects.create(
        partner=offer.partner,
        offer=offer,
        event_id="late",
        price=Decimal(10),
        discount=Decimal(5),
        category=offer.category,
        holder_group="child",
        occurred_at=timezone.now() - timedelta(days=20),
        age_band="0-17",
    )
    actions.usage_rollup_refresh()
    assert selectors.top_offers(period)[0]["uses"] == 6
    groups = {
        row["holder_group"]: row["uses"] for row in selectors.by_dimension(period, "holder_group")
    }
    assert groups == {"adult": 5, "child": 1}


def test_projection_scales_a_year_and_a_new_discount() -> None:
    offer = OfferFactory(percent=50, valid_from=timezone.localdate() - timedelta(days=400))
    _events(offer, 100)  # 100 uses in the last year, price 20, discount 10 each
    now = timezone.now()
    current = selectors.projection(offer=offer, now=now)
    assert current.observed_uses == 100
    assert current.current_yearly_cost == Decimal("1000.00")
    assert current.projected_yearly_cost == Decimal("1000.00")
    doubled = selectors.projection(offer=offer, new_percent=100, now=now)
    assert doubled.projected_yearly_cost == Decimal("2000.00")


def test_projection_of_extending_to_a_group_uses_peer_offers() -> None:
    offer = OfferFactory(for_senior=False, category="culture")
    peer = OfferFactory(category="culture")  # open to seniors
    _events(offer, 100)
    _events(peer, 40, group="adult")
    _events(peer, 20, group="senior")
    result = selectors.projection(offer=offer, extend_to_group="senior")
    # Seniors use culture offers half as often as the groups this offer serves (20 / 40+...).
    assert result.added_group_uses > 0
    assert result.projected_yearly_cost > result.current_yearly_cost


def test_open_data_never_publishes_a_cell_below_k() -> None:
    big, small = OfferFactory(), OfferFactory()
    # Last month: 30 uses spread over 3 districts (10 each) and 9 uses in one cell.
    last_month = timezone.now().replace(day=1) - timedelta(days=3)
    for offer, count in ((big, 30), (small, 9)):
        UsageEvent.objects.bulk_create(
            UsageEvent(
                partner=offer.partner,
                offer=offer,
                event_id=f"{offer.pk}-{i}",
                occurred_at=last_month,
                price=Decimal(10),
                discount=Decimal(5),
                category=offer.category,
                holder_group="adult",
                district_id=1 + (i % 3 if offer == big else 0),
                age_band="26-64",
            )
            for i in range(count)
        )
    actions.usage_monthly_refresh()
    dataset = registered_dataset("karta-krakowska-uzycia")
    assert dataset is not None
    rows = list(dataset.rows())
    assert rows, "the big offer's cells must be published"
    assert all(row["uses"] >= selectors.K_ANONYMITY for row in rows)
    assert small.partner.name not in {row["partner"] for row in rows}
    assert sum(row["uses"] for row in rows) == 30


def test_gdpr_export_and_erase(resident: Any) -> None:
    application = actions.status_application_submit(
        user=resident, document_kind="pit", data=pdf_bytes(), acting_user=resident
    )
    contributor = next(c for c in gdpr_contributors() if c.key == "karta")
    exported = contributor.export(resident)
    assert exported["applications"][0]["id"] == str(application.public_id)
    assert contributor.erase is not None
    contributor.erase(resident)
    assert StatusApplication.objects.filter(user=resident).count() == 0
    assert StatusApplication.history.filter(user_id=resident.pk).count() == 0
    assert Card.objects.filter(holder=resident).count() == 0


def test_dashboard_panel_shows_status_and_qr() -> None:
    status = ApprovedApplicationFactory()
    actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    panel = next(p for p in dashboard_panels() if p.key == "karta")
    context = panel.context(status.user)
    assert context is not None
    assert context["status"] == status
    assert "karta-qr" in context["qr"]
