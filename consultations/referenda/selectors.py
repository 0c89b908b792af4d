"""Reads of district referenda."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from consultations.budget.identity import voter_hash
from consultations.referenda.models import Referendum, ReferendumStatus


def verified_residents(*, district_id: int) -> QuerySet[User]:
    """Residents whose verification is current and whose address is in the district."""
    today = timezone.localdate()
    return User.objects.filter(
        is_active=True,
        district_id=district_id,
        resident_verified_at__isnull=False,
    ).filter(Q(resident_verified_until__isnull=True) | Q(resident_verified_until__gte=today))


def public_referenda() -> QuerySet[Referendum]:
    return (
        Referendum.objects.exclude(status=ReferendumStatus.DRAFT)
        .select_related("district")
        .order_by("-opens_at")
    )


@dataclass(frozen=True)
class Tally:
    eligible: int
    voted: int
    yes: int
    no: int
    invalid: int
    turnout_percent: Decimal
    threshold_percent: Decimal

    @property
    def is_valid(self) -> bool:
        return self.eligible > 0 and self.turnout_percent >= self.threshold_percent

    @property
    def outcome(self) -> str:
        """ "yes", "no", "tie" or "invalid" (turnout under the threshold)."""
        if not self.is_valid:
            return "invalid"
        if self.yes == self.no:
            return "tie"
        return "yes" if self.yes > self.no else "no"


def tally(*, referendum: Referendum) -> Tally:
    counts = referendum.ballots.aggregate(
        yes=Count("id", filter=Q(answer="yes")),
        no=Count("id", filter=Q(answer="no")),
        invalid=Count("id", filter=Q(answer="")),
    )
    voted = counts["yes"] + counts["no"] + counts["invalid"]
    eligible = referendum.eligible_count
    turnout = (
        (Decimal(voted) * 100 / eligible).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if eligible
        else Decimal("0.00")
    )
    return Tally(
        eligible=eligible,
        voted=voted,
        yes=counts["yes"],
        no=counts["no"],
        invalid=counts["invalid"],
        turnout_percent=turnout,
        threshold_percent=referendum.validity_threshold,
    )


def has_voted(*, referendum: Referendum, user: User) -> bool:
    if not user.pesel:
        return False
    return referendum.register.filter(voter_hash=voter_hash(user.pesel)).exists()
