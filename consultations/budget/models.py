"""Participatory budget (R-CON-5): editions, pools, projects, the voter register and ballots.

Secrecy by design: the voter register (who voted, as a keyed hash of the PESEL) and the ballots
(what was chosen) are two tables with no link between them. Both rows are written in one
transaction, and the register's unique constraint is what makes a second ballot impossible,
whatever the channel (online or paper) and however many requests race. Ballot-side rows have
random keys and are rewritten in random order once voting closes (``consultations.secrecy``).
"""

import secrets
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consultations.secrecy import RandomKey, random_key

#: 32 characters, easy to read aloud (no 0/O, 1/I): each is 5 random bits.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """A 10-character check code: 50 random bits (one CSPRNG call), 5 per character."""
    bits = secrets.randbits(50)
    return "".join(_CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(10))


class DistrictChoice(models.TextChoices):
    OWN = "own", _("pula własnej dzielnicy (według adresu)")
    ANY = "any", _("pula dowolnej dzielnicy do wyboru")


class PoolKind(models.TextChoices):
    CITY = "city", _("ogólnomiejska")
    DISTRICT = "district", _("dzielnicowa")


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("aprobująca (do N projektów)")
    ORDINAL = "ordinal", _("punktowa według kolejności (np. 3/2/1)")
    CUMULATIVE = "cumulative", _("kumulatywna (K punktów do rozdzielenia)")


class ResultsRule(models.TextChoices):
    GREEDY = "greedy", _("zachłanna według liczby punktów")
    MES = "mes-add1", _("metoda równych udziałów z uzupełnieniem")


class EditionQuerySet(models.QuerySet["Edition"]):
    def public(self) -> "EditionQuerySet":
        return self.filter(is_published=True)


class Edition(models.Model):
    """One yearly edition of the budget with its schedule."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("rok"), unique=True)
    title = models.CharField(_("tytuł"), max_length=200)
    is_published = models.BooleanField(_("opublikowana"), default=False)
    submission_start = models.DateTimeField(_("początek zgłaszania projektów"))
    submission_end = models.DateTimeField(_("koniec zgłaszania projektów"))
    verification_end = models.DateTimeField(_("koniec weryfikacji"))
    appeals_end = models.DateTimeField(_("koniec odwołań"))
    voting_start = models.DateTimeField(_("początek głosowania"))
    voting_end = models.DateTimeField(_("koniec głosowania"))
    results_date = models.DateTimeField(_("ogłoszenie wyników"))
    required_level = models.PositiveSmallIntegerField(
        _("wymagany poziom weryfikacji"), default=2, choices=[(1, "1"), (2, "2")]
    )
    district_choice = models.CharField(
        _("wybór puli dzielnicowej"),
        max_length=10,
        choices=DistrictChoice.choices,
        default=DistrictChoice.OWN,
    )
    # Set each time the ballots were rewritten in random physical order after voting closed
    # (consultations.secrecy): from then on not even the database's own columns pair them with
    # the register.
    ballots_resealed_at = models.DateTimeField(
        _("karty przetasowane po głosowaniu"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()
    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edycja budżetu obywatelskiego")
        verbose_name_plural = _("edycje budżetu obywatelskiego")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_start__lt=models.F("submission_end"))
                & Q(submission_end__lte=models.F("verification_end"))
                & Q(verification_end__lte=models.F("appeals_end"))
                & Q(appeals_end__lte=models.F("voting_start"))
                & Q(voting_start__lt=models.F("voting_end"))
                & Q(voting_end__lte=models.F("results_date")),
                name="budget_edition_schedule_in_order",
            ),
        ]
        permissions = [
            ("enter_paper_ballot", _("Może wprowadzać głosy papierowe")),
            ("verify_project", _("Może weryfikować projekty")),
            ("publish_results", _("Może zatwierdzać i publikować wyniki")),
        ]

    def __str__(self) -> str:
        return self.title

    def voting_open(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.voting_start <= now < self.voting_end

    def submission_open(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.submission_start <= now < self.submission_end


class Pool(models.Model):
    """The money of one edition for the whole city or one district, and how it is voted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="pools")
    kind = models.CharField(_("rodzaj puli"), max_length=10, choices=PoolKind.choices)
    district = models.ForeignKey(
        "districts.District",
        verbose_name=_("dzielnica"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("kwota (zł)"), max_digits=14, decimal_places=2)
    ballot_type = models.CharField(
        _("rodzaj karty"), max_length=12, choices=BallotType.choices, default=BallotType.ORDINAL
    )
    min_choices = models.PositiveSmallIntegerField(_("minimalna liczba projektów"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("maksymalna liczba projektów"), default=3)
    # Ordinal ballots: points for the 1st, 2nd, … choice ("3,2,1" in Kraków).
    ordinal_points = models.CharField(
        _("punkty za kolejne miejsca"), max_length=50, default="3,2,1", blank=True
    )
    # Cumulative ballots: K points for the voter to spread.
    cumulative_points = models.PositiveSmallIntegerField(_("punkty do rozdzielenia (K)"), default=0)
    rule = models.CharField(
        _("metoda liczenia wyników"),
        max_length=10,
        choices=ResultsRule.choices,
        default=ResultsRule.GREEDY,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pula")
        verbose_name_plural = _("pule")
        ordering = ["edition", "kind", "district__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")), name="budget_pool_amount_positive"
            ),
            models.CheckConstraint(
                condition=(Q(kind="city") & Q(district__isnull=True))
                | (Q(kind="district") & Q(district__isnull=False)),
                name="budget_pool_district_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(min_choices__gte=1) & Q(min_choices__lte=models.F("max_choices")),
                name="budget_pool_choices_range",
            ),
            models.CheckConstraint(
                condition=~Q(ballot_type="cumulative") | Q(cumulative_points__gte=1),
                name="budget_pool_cumulative_has_points",
            ),
            models.UniqueConstraint(
                fields=["edition", "kind", "district"],
                nulls_distinct=False,
                name="budget_pool_one_per_edition_kind_district",
            ),
        ]

    def __str__(self) -> str:
        if self.district_id:
            return f"{self.edition} — {self.district}"
        return f"{self.edition} — {PoolKind(self.kind).label}"

    def points_for_ranks(self) -> list[int]:
        """Points of the 1st, 2nd, … choice on an ordinal ballot (padded with 1s to max)."""
        raw = [int(p) for p in self.ordinal_points.split(",") if p.strip()]
        while len(raw) < self.max_choices:
            raw.append(1)
        return raw[: self.max_choices]


class ProjectStatus(models.TextChoices):
    SUBMITTED = "submitted", _("zgłoszony")
    ACCEPTED = "accepted", _("zweryfikowany pozytywnie")
    REJECTED = "rejected", _("odrzucony")
    APPEALED = "appealed", _("odwołanie złożone")


class ProjectQuerySet(models.QuerySet["Project"]):
    def on_ballot(self) -> "ProjectQuerySet":
        return self.filter(status=ProjectStatus.ACCEPTED)


class Project(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="projects")
    number = models.PositiveIntegerField(_("numer na karcie"))
    title = models.CharField(_("tytuł"), max_length=200)
    description = models.TextField(_("opis"))
    location = models.CharField(_("lokalizacja"), max_length=300)
    cost = models.DecimalField(_("koszt (zł)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.SUBMITTED
    )
    decision_reason = models.TextField(_("uzasadnienie decyzji"), blank=True)
    appeal_text = models.TextField(_("treść odwołania"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zgłaszający"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("zgłoszono"), default=timezone.now)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projekt")
        verbose_name_plural = _("projekty")
        ordering = ["pool", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gt=Decimal("0")), name="budget_project_cost_positive"
            ),
            models.UniqueConstraint(
                fields=["pool", "number"], name="budget_project_number_unique_in_pool"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="budget_project_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CostItem(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_items")
    name = models.CharField(_("pozycja"), max_length=200)
    amount = models.DecimalField(_("kwota (zł)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("pozycja kosztorysu")
        verbose_name_plural = _("pozycje kosztorysu")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")), name="budget_costitem_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    ONLINE = "online", _("internetowo")
    PAPER = "paper", _("papierowo")


class VoterRegister(models.Model):
    """Who has voted: one row per person per edition and pool kind. No link to the ballot.

    ``voter_hash`` is HMAC-SHA256 of the PESEL under ``PERSONAL_DATA_HASH_KEY``: the register
    can answer "has this person voted?" without holding the PESEL.
    """

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="register")
    pool_kind = models.CharField(max_length=10, choices=PoolKind.choices)
    voter_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # A participation receipt the voter can show; it says nothing about the ballot's content.
    receipt_code = models.CharField(max_length=10, default=new_code, unique=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("spis głosujących")
        verbose_name_plural = _("spis głosujących")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "pool_kind", "voter_hash"],
                name="budget_one_ballot_per_person_per_pool_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_code


class Ballot(models.Model):
    """What was chosen. Deliberately no person, no timestamp: it cannot be traced to a voter.

    The key is random (``consultations.secrecy``), not a sequence: ordered by id, ballots do not
    line up with the register's rows.
    """

    id = models.BigIntegerField(
        primary_key=True, default=random_key, db_default=RandomKey(), editable=False
    )
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="ballots")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    is_valid = models.BooleanField(default=True)
    # Given only to the voter (receipt page and e-mail) to check the ballot was counted.
    check_code = models.CharField(max_length=10, default=new_code, unique=True)

    class Meta:
        verbose_name = _("karta do głosowania")
        verbose_name_plural = _("karty do głosowania")

    def __str__(self) -> str:
        return self.check_code


class BallotChoice(models.Model):
    # Random like the ballot's: sequential choice ids would give the casting order back.
    id = models.BigIntegerField(
        primary_key=True, default=random_key, db_default=RandomKey(), editable=False
    )
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    points = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "project"], name="budget_choice_project_once_per_ballot"
            ),
            models.UniqueConstraint(
                fields=["ballot", "position"], name="budget_choice_position_once_per_ballot"
            ),
            models.CheckConstraint(condition=Q(points__gte=1), name="budget_choice_points_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.project_id} ({self.points})"


class PaperRejectionReason(models.TextChoices):
    INVALID_PESEL = "invalid_pesel", _("nieprawidłowy numer PESEL")
    ALREADY_VOTED = "already_voted", _("osoba już głosowała")


class PaperBallotRejection(models.Model):
    """A paper ballot the register refused, with the reason (the PESEL itself is not kept)."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    pool_kind = models.CharField(max_length=10, choices=PoolKind.choices)
    reason = models.CharField(max_length=20, choices=PaperRejectionReason.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("odrzucona karta papierowa")
        verbose_name_plural = _("odrzucone karty papierowe")

    def __str__(self) -> str:
        return f"{self.edition_id}/{self.pool_kind}: {self.reason}"


class ResultStatus(models.TextChoices):
    COMPUTED = "computed", _("obliczone, czeka na zatwierdzenie")
    PUBLISHED = "published", _("opublikowane")


class PoolResult(models.Model):
    """The results of one pool: both rules, side by side; published after a clerk's approval."""

    pool = models.OneToOneField(Pool, on_delete=models.CASCADE, related_name="result")
    status = models.CharField(
        max_length=10, choices=ResultStatus.choices, default=ResultStatus.COMPUTED
    )
    greedy = models.JSONField()
    mes = models.JSONField()
    voters = models.PositiveIntegerField()
    invalid_ballots = models.PositiveIntegerField(default=0)
    greedy_satisfied = models.PositiveIntegerField()
    mes_satisfied = models.PositiveIntegerField()
    computed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wyniki puli")
        verbose_name_plural = _("wyniki pul")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published")
                | (Q(approved_by__isnull=False) & Q(published_at__isnull=False)),
                name="budget_result_published_is_approved",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pool)

    @property
    def official(self) -> dict[str, Any]:
        return self.greedy if self.pool.rule == ResultsRule.GREEDY else self.mes
