"""Reads of the Karta Krakowska domain for views, the API, analytics and other apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.models import User
from districts.models import District
from karta.models import (
    Card,
    HolderGroup,
    LargeFamilyEntitlement,
    Location,
    Offer,
    Partner,
    PartnerApiKey,
    StatusApplication,
    UsageDailyDimension,
    UsageDailyOffer,
    UsageEvent,
    UsageMonthly,
)

# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


def catalogue_offers(
    *,
    query: str = "",
    category: str = "",
    group: str = "",
    partner_kind: str = "",
) -> QuerySet[Offer]:
    offers = Offer.objects.current().select_related("partner")
    if query:
        offers = offers.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(partner__name__icontains=query)
        )
    if category:
        offers = offers.filter(category=category)
    if group in HolderGroup.values:
        offers = offers.for_group(group)
    if partner_kind:
        offers = offers.filter(partner__kind=partner_kind)
    return offers.order_by("partner__name", "title")


def partner_detail(*, slug: str) -> Partner | None:
    return (
        Partner.objects.filter(slug=slug, is_active=True)
        .prefetch_related(
            Prefetch("offers", queryset=Offer.objects.current().order_by("title")),
            Prefetch("locations", queryset=Location.objects.order_by("name")),
        )
        .first()
    )


def map_locations() -> QuerySet[Location]:
    return (
        Location.objects.filter(partner__is_active=True)
        .select_related("partner", "district")
        .order_by("partner__name", "name")
    )


def partner_by_api_key(raw: str) -> Partner | None:
    """The active partner whose live key is ``raw`` (compared by SHA-256)."""
    if not raw:
        return None
    key = (
        PartnerApiKey.objects.live()
        .filter(key_hash=Partner.hash_key(raw), partner__is_active=True)
        .select_related("partner")
        .first()
    )
    return key.partner if key is not None else None


def partner_keys(partner: Partner) -> QuerySet[PartnerApiKey]:
    """Every key the partner has had, newest first, with who created and revoked it."""
    return PartnerApiKey.objects.filter(partner=partner).select_related("created_by", "revoked_by")


def revoked_card_numbers() -> list[str]:
    """Revoked cards whose validity has not ended (older ones fail the token expiry anyway)."""
    return list(
        Card.objects.filter(revoked_at__isnull=False, valid_until__gte=timezone.localdate())
        .order_by("number")
        .values_list("number", flat=True)
    )


def suspended_card_numbers() -> list[str]:
    """Cards suspended for now (not revoked): an offline terminal refuses them too."""
    return list(
        Card.objects.filter(
            suspended_at__isnull=False,
            revoked_at__isnull=True,
            valid_until__gte=timezone.localdate(),
        )
        .order_by("number")
        .values_list("number", flat=True)
    )


# --------------------------------------------------------------------------------------------
# A resident's own data
# --------------------------------------------------------------------------------------------


def applications_of(user: User) -> QuerySet[StatusApplication]:
    return StatusApplication.objects.filter(user=user).order_by("-submitted_at")


def cards_of(user: User) -> QuerySet[Card]:
    return Card.objects.filter(holder=user).order_by("-created_at")


def large_family_of(user: User) -> QuerySet[LargeFamilyEntitlement]:
    return LargeFamilyEntitlement.objects.filter(user=user).order_by("-submitted_at")


def application_for_download(
    *, public_id: Any, user: User
) -> StatusApplication | LargeFamilyEntitlement | None:
    """The document (a status application's or a large-family proof's) that ``user`` may
    download: its owner, or a clerk with the permission to review that kind of document."""
    if not user.is_authenticated or not user.is_active:
        return None
    document: StatusApplication | LargeFamilyEntitlement | None = (
        StatusApplication.objects.filter(public_id=public_id, file_deleted_at__isnull=True)
        .exclude(file_name="")
        .first()
    )
    permission = "karta.review_statusapplication"
    if document is None:
        document = (
            LargeFamilyEntitlement.objects.filter(public_id=public_id, file_deleted_at__isnull=True)
            .exclude(file_name="")
            .first()
        )
        permission = "karta.verify_largefamily"
    if document is None:
        return None
    if document.user_id == user.pk:
        return document
    if user.is_staff and user.has_perm(permission):
        return document
    return None


# --------------------------------------------------------------------------------------------
# Analytics (R-KK-4): every figure is one SQL aggregation over karta_usageevent
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included (local time), as the daily roll-ups count them."""

    start: date
    end: date

    @classmethod
    def last_days(cls, days: int, *, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=days), end=today)


def _rows(rows: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in rows]


def _offer_days(period: Period) -> QuerySet[UsageDailyOffer]:
    return UsageDailyOffer.objects.filter(day__gte=period.start, day__lte=period.end)


def top_offers(period: Period, limit: int = 10) -> list[dict[str, Any]]:
    return _rows(
        _offer_days(period)
        .values("offer_id", "offer__title", "partner__name")
        .annotate(uses=Sum("uses"), cost=Sum("cost"))
        .order_by("-uses", "offer_id")[:limit]
    )


def top_partners(period: Period, limit: int = 10) -> list[dict[str, Any]]:
    return _rows(
        _offer_days(period)
        .values("partner_id", "partner__name")
        .annotate(uses=Sum("uses"), cost=Sum("cost"))
        .order_by("-uses", "partner_id")[:limit]
    )


def trend(period: Period, *, unit: str = "month") -> list[dict[str, Any]]:
    """Uses and cost per week (from the daily roll-up, the period's days) or per calendar
    month (from the monthly roll-up: every month the period touches, counted whole)."""
    if unit == "week":
        return _rows(
            _offer_days(period)
            .annotate(bucket=TruncWeek("day"))
            .values("bucket")
            .annotate(uses=Sum("uses"), cost=Sum("cost"))
            .order_by("bucket")
        )
    return _rows(
        UsageMonthly.objects.filter(month__gte=period.start.replace(day=1), month__lte=period.end)
        .values(bucket=F("month"))
        .annotate(uses=Sum("uses"), cost=Sum("discount"))
        .order_by("bucket")
    )


def by_dimension(period: Period, dimension: str) -> list[dict[str, Any]]:
    """Uses and cost by ``district`` (key ``district__name``), ``age_band``,
    ``holder_group`` or ``category``."""
    if dimension == "category":
        return _rows(
            _offer_days(period)
            .values("category")
            .annotate(uses=Sum("uses"), cost=Sum("cost"))
            .order_by("category")
        )
    rows = (
        UsageDailyDimension.objects.filter(
            dimension=dimension, day__gte=period.start, day__lte=period.end
        )
        .values("value")
        .annotate(uses=Sum("uses"), cost=Sum("cost"))
        .order_by("value")
    )
    if dimension != "district":
        return [{dimension: r["value"], "uses": r["uses"], "cost": r["cost"]} for r in rows]
    names = {str(pk): name for pk, name in District.objects.values_list("pk", "name")}
    result = [
        {"district__name": names.get(r["value"], ""), "uses": r["uses"], "cost": r["cost"]}
        for r in rows
    ]
    return sorted(result, key=lambda r: r["district__name"])


def cost_by_partner_category(period: Period) -> list[dict[str, Any]]:
    return _rows(
        _offer_days(period)
        .values("partner__name", "category")
        .annotate(uses=Sum("uses"), cost=Sum("cost"), revenue=Sum("revenue"))
        .order_by("-cost", "partner__name", "category")
    )


@dataclass(frozen=True)
class Projection:
    offer_id: int
    observed_days: int
    observed_uses: int
    yearly_uses: Decimal
    current_yearly_cost: Decimal
    projected_yearly_cost: Decimal
    added_group_uses: Decimal


def projection(
    *,
    offer: Offer,
    extend_to_group: str = "",
    new_percent: int | None = None,
    now: datetime | None = None,
    window_days: int = 365,
) -> Projection:
    """Expected yearly cost of an offer after a change, from observed use.

    Model (documented for the council): over the last ``window_days`` (or since the offer
    started, if later) the offer's uses U, mean regular price P and cost C are observed and
    scaled to a year (× 365 / observed days). A new discount rate z% gives
    ``yearly uses × P × z``. Extending to group Y adds uses in proportion to how much Y uses
    other offers of the same category relative to the groups this offer already serves:
    ``added = yearly uses × (uses_Y / uses_current_groups)`` over the category's offers open
    to Y. Behaviour change (more uses because of a bigger discount) is not modelled.
    """
    now = now or timezone.now()
    start = now - timedelta(days=window_days)
    offer_start = datetime.combine(
        offer.valid_from, datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )
    start = max(start, offer_start)
    days = max((now - start).days, 1)
    stats = UsageEvent.objects.filter(
        offer=offer, occurred_at__gte=start, occurred_at__lt=now
    ).aggregate(uses=Count("id"), price=Sum("price"), cost=Sum("discount"))
    uses = stats["uses"] or 0
    price_sum = stats["price"] or Decimal(0)
    cost_sum = stats["cost"] or Decimal(0)
    scale = Decimal(365) / Decimal(days)
    yearly_uses = Decimal(uses) * scale
    current = cost_sum * scale
    mean_price = price_sum / uses if uses else (offer.regular_price or Decimal(0))
    if new_percent is not None:
        rate = Decimal(new_percent) / Decimal(100)
    elif uses:
        rate = cost_sum / price_sum if price_sum else Decimal(1)
    else:
        rate = Decimal(offer.percent or 100) / Decimal(100)
    added = Decimal(0)
    if extend_to_group in HolderGroup.values and not getattr(offer, f"for_{extend_to_group}"):
        peers = UsageEvent.objects.filter(
            category=offer.category,
            occurred_at__gte=now - timedelta(days=window_days),
            occurred_at__lt=now,
            **{f"offer__for_{extend_to_group}": True},
        )
        served = offer.groups
        counts = peers.aggregate(
            target=Count("id", filter=Q(holder_group=extend_to_group)),
            current=Count("id", filter=Q(holder_group__in=served)),
        )
        if counts["current"]:
            added = yearly_uses * Decimal(counts["target"]) / Decimal(counts["current"])
    projected = (yearly_uses + added) * mean_price * rate
    cent = Decimal("0.01")
    return Projection(
        offer_id=offer.pk,
        observed_days=days,
        observed_uses=uses,
        yearly_uses=yearly_uses.quantize(cent),
        current_yearly_cost=current.quantize(cent),
        projected_yearly_cost=projected.quantize(cent),
        added_group_uses=added.quantize(cent),
    )


# --------------------------------------------------------------------------------------------
# Open data (R-KK-5)
# --------------------------------------------------------------------------------------------

K_ANONYMITY = 10


def monthly_usage_open_data(
    *, k: int = K_ANONYMITY, today: date | None = None
) -> list[dict[str, Any]]:
    """Uses per month, category, partner and district in closed months; cells of fewer than
    ``k`` uses are left out entirely (not even a zero: the absence says "fewer than k").

    Read from the monthly roll-up (:class:`UsageMonthly`), not from the events. The dataset
    has one table only, with no totals, so suppressed cells cannot be recovered by
    subtraction from a published margin.
    """
    today = today or timezone.localdate()
    rows = (
        UsageMonthly.objects.filter(month__lt=today.replace(day=1), uses__gte=k)
        .values("month", "category", "partner__name", "district__name", "uses", "discount")
        .order_by("month", "category", "partner__name", "district__name")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "category": row["category"],
            "partner": row["partner__name"],
            "district": row["district__name"] or "",
            "uses": row["uses"],
            "discount_pln": str(row["discount"]),
        }
        for row in rows
    ]


def karta_personal_data(user: User) -> dict[str, Any]:
    """What Karta holds about a person, for the GDPR export (files are listed, not embedded)."""
    return {
        "applications": [
            {
                "id": str(a.public_id),
                "document_kind": a.document_kind,
                "status": a.status,
                "submitted_at": a.submitted_at.isoformat(),
                "decided_at": a.decided_at.isoformat() if a.decided_at else None,
                "rejection_reason": a.rejection_reason,
                "valid_until": a.valid_until.isoformat() if a.valid_until else None,
                "file_kept": a.has_file,
            }
            for a in applications_of(user)
        ],
        "large_family": [
            {
                "id": str(e.public_id),
                "method": e.method,
                "status": e.status,
                "children_count": e.children_count,
                "submitted_at": e.submitted_at.isoformat(),
                "decided_at": e.decided_at.isoformat() if e.decided_at else None,
                "rejection_reason": e.rejection_reason,
                "valid_until": e.valid_until.isoformat() if e.valid_until else None,
                "file_kept": e.has_file,
            }
            for e in large_family_of(user)
        ],
        "cards": [
            {
                "number": c.number,
                "holder_group": c.holder_group,
                "carrier": c.carrier,
                "child_first_name": c.child_first_name,
                "child_birth_date": c.child_birth_date.isoformat() if c.child_birth_date else None,
                "valid_from": c.valid_from.isoformat(),
                "valid_until": c.valid_until.isoformat(),
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                "suspended_at": c.suspended_at.isoformat() if c.suspended_at else None,
            }
            for c in cards_of(user)
        ],
        "uses": [
            {
                "partner": e["partner__name"],
                "offer": e["offer__title"],
                "occurred_at": e["occurred_at"].isoformat(),
                "price": str(e["price"]),
                "discount": str(e["discount"]),
            }
            for e in UsageEvent.objects.filter(card__holder=user)
            .order_by("occurred_at")
            .values("partner__name", "offer__title", "occurred_at", "price", "discount")
        ],
    }
