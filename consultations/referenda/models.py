"""District referenda (R-CON-6): a question put to the verified residents of one district.

Like the budget, the secret ballot is two tables: the register (who voted, as a keyed hash of the
PESEL, unique per referendum) and the ballots (the answer, no person, no time).
"""

import uuid
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consultations.secrecy import RandomKey, random_key


class ReferendumStatus(models.TextChoices):
    DRAFT = "draft", _("przygotowywane")
    OPEN = "open", _("głosowanie otwarte")
    CLOSED = "closed", _("zakończone")


class Answer(models.TextChoices):
    YES = "yes", _("Tak")
    NO = "no", _("Nie")


class Referendum(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(
        "districts.District",
        verbose_name=_("dzielnica"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.CharField(_("pytanie"), max_length=500)
    description = models.TextField(_("opis"), blank=True)
    opens_at = models.DateTimeField(_("początek głosowania"))
    closes_at = models.DateTimeField(_("koniec głosowania"))
    validity_threshold = models.DecimalField(
        _("próg ważności (% uprawnionych)"), max_digits=5, decimal_places=2, default=Decimal("30")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferendumStatus.choices, default=ReferendumStatus.DRAFT
    )
    eligible_count = models.PositiveIntegerField(_("liczba uprawnionych"), default=0)
    opened_at = models.DateTimeField(_("otwarto"), null=True, blank=True)
    protocol_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("protokół zatwierdził(a)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    protocol_approved_at = models.DateTimeField(_("zatwierdzono protokół"), null=True, blank=True)
    # Set when the ballots were rewritten in random physical order at closing
    # (consultations.secrecy).
    ballots_resealed_at = models.DateTimeField(
        _("karty przetasowane po głosowaniu"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referendum")
        verbose_name_plural = _("referenda")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="referenda_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(validity_threshold__gt=Decimal("0"))
                & Q(validity_threshold__lte=Decimal("100")),
                name="referenda_threshold_0_100",
            ),
            models.CheckConstraint(
                condition=Q(protocol_approved_by__isnull=True) | Q(status="closed"),
                name="referenda_protocol_only_when_closed",
            ),
        ]
        permissions = [
            ("manage_referendum", _("Może otwierać i zamykać referenda")),
            ("enter_paper_vote", _("Może wprowadzać głosy papierowe w referendum")),
            ("approve_protocol", _("Może zatwierdzać protokół referendum")),
        ]

    def __str__(self) -> str:
        return self.question

    def voting_open(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.status == ReferendumStatus.OPEN and self.opens_at <= now < self.closes_at


class EligibleVoter(models.Model):
    """The register of eligible voters as snapshotted at opening (keyed hashes only)."""

    referendum = models.ForeignKey(Referendum, on_delete=models.CASCADE, related_name="eligible")
    voter_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["referendum", "voter_hash"], name="referenda_eligible_once"
            ),
        ]

    def __str__(self) -> str:
        return self.voter_hash[:12]


class Channel(models.TextChoices):
    ONLINE = "online", _("internetowo")
    PAPER = "paper", _("papierowo")


class VoteRegister(models.Model):
    referendum = models.ForeignKey(Referendum, on_delete=models.PROTECT, related_name="register")
    voter_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["referendum", "voter_hash"], name="referenda_one_vote_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.voter_hash[:12]


class ReferendumBallot(models.Model):
    """The answer only: no person, no time. ``answer`` empty = an invalid paper ballot.

    The key is random (``consultations.secrecy``): ordered by id, ballots do not line up with
    the register's rows.
    """

    id = models.BigIntegerField(
        primary_key=True, default=random_key, db_default=RandomKey(), editable=False
    )

    referendum = models.ForeignKey(Referendum, on_delete=models.PROTECT, related_name="ballots")
    answer = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(answer__in=["yes", "no"]) | Q(answer="", channel="paper"),
                name="referenda_ballot_answer_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.answer or "-"
