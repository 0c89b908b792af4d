"""Reads of district referenda."""

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from consultations.budget.identity import voter_hash
from consultations.referenda.models import Channel, Referendum, ReferendumStatus, VoteRegister


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
    #: Ballots by channel (the protocol shows them; open data does not need them).
    online: int = 0
    paper: int = 0

    @property
    def valid_ballots(self) -> int:
        return self.yes + self.no

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


def _turnout(voted: int, eligible: int) -> Decimal:
    if not eligible:
        return Decimal("0.00")
    return (Decimal(voted) * 100 / eligible).quantize(Decimal("0.01"), ROUND_HALF_UP)


def tally(*, referendum: Referendum) -> Tally:
    counts = referendum.ballots.aggregate(
        yes=Count("id", filter=Q(answer="yes")),
        no=Count("id", filter=Q(answer="no")),
        invalid=Count("id", filter=Q(answer="")),
        online=Count("id", filter=Q(channel=Channel.ONLINE)),
        paper=Count("id", filter=Q(channel=Channel.PAPER)),
    )
    voted = counts["yes"] + counts["no"] + counts["invalid"]
    eligible = referendum.eligible_count
    turnout = _turnout(voted, eligible)
    return Tally(
        eligible=eligible,
        voted=voted,
        yes=counts["yes"],
        no=counts["no"],
        invalid=counts["invalid"],
        turnout_percent=turnout,
        threshold_percent=referendum.validity_threshold,
        online=counts["online"],
        paper=counts["paper"],
    )


def referendum_for_clerk(*, public_id: str) -> Referendum | None:
    """Any referendum (drafts included) by its public id, with what the protocol page shows;
    None for an unknown or malformed id."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return (
        Referendum.objects.select_related("district", "protocol_approved_by")
        .filter(public_id=key)
        .first()
    )


def protocols_for_clerks(*, approved_limit: int = 20) -> dict[str, list[Referendum]]:
    """Closed referenda whose protocol awaits approval (all, oldest first) and the most recently
    approved ones (at most ``approved_limit``): two queries."""
    closed = Referendum.objects.filter(status=ReferendumStatus.CLOSED).select_related(
        "district", "protocol_approved_by"
    )
    return {
        "awaiting": list(
            closed.filter(protocol_approved_at__isnull=True).order_by("closes_at", "pk")
        ),
        "approved": list(
            closed.filter(protocol_approved_at__isnull=False).order_by("-protocol_approved_at")[
                :approved_limit
            ]
        ),
    }


def referendum_history(*, referendum: Referendum) -> list[Any]:
    """The referendum's recorded changes (opening, closing, approval), newest first."""
    return list(
        referendum.history.select_related("history_user").order_by("-history_date", "-history_id")
    )


def has_voted(*, referendum: Referendum, user: User) -> bool:
    if not user.pesel:
        return False
    return referendum.register.filter(voter_hash=voter_hash(user.pesel)).exists()


def dashboard_referenda(*, user: User) -> list[dict[str, object]]:
    """For the resident's dashboard: referenda of their district now open or recently closed,
    and whether they have voted in each (two queries, whatever the number of referenda)."""
    if not user.district_id:
        return []
    referenda = list(
        public_referenda().filter(district_id=user.district_id).order_by("-closes_at")[:5]
    )
    voted: set[int] = set()
    if user.pesel and referenda:
        voted = set(
            VoteRegister.objects.filter(
                referendum__in=referenda, voter_hash=voter_hash(user.pesel)
            ).values_list("referendum_id", flat=True)
        )
    return [{"referendum": r, "voted": r.pk in voted} for r in referenda]


def results_rows() -> list[dict[str, object]]:
    """Open data: the aggregate result of every referendum whose protocol a clerk approved.

    Counts only: nothing here can identify a voter (the register is never read).
    """
    referenda = (
        Referendum.objects.filter(
            status=ReferendumStatus.CLOSED, protocol_approved_at__isnull=False
        )
        .select_related("district")
        .annotate(
            n_yes=Count("ballots", filter=Q(ballots__answer="yes")),
            n_no=Count("ballots", filter=Q(ballots__answer="no")),
            n_invalid=Count("ballots", filter=Q(ballots__answer="")),
        )
        .order_by("closes_at", "pk")
    )
    rows: list[dict[str, object]] = []
    for r in referenda:
        voted = r.n_yes + r.n_no + r.n_invalid
        t = Tally(
            eligible=r.eligible_count,
            voted=voted,
            yes=r.n_yes,
            no=r.n_no,
            invalid=r.n_invalid,
            turnout_percent=_turnout(voted, r.eligible_count),
            threshold_percent=r.validity_threshold,
        )
        rows.append(
            {
                "question": r.question,
                "district_number": r.district.number,
                "district": r.district.name,
                "opens_at": r.opens_at.isoformat(),
                "closes_at": r.closes_at.isoformat(),
                "eligible": t.eligible,
                "voted": t.voted,
                "yes": t.yes,
                "no": t.no,
                "invalid": t.invalid,
                "turnout_percent": float(t.turnout_percent),
                "threshold_percent": float(t.threshold_percent),
                "is_valid": t.is_valid,
                "outcome": t.outcome,
            }
        )
    return rows
