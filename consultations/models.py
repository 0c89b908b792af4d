"""Consultation processes, opinions, meetings and surveys (R-CON-1, 3, 4, 7).

Invariants the database enforces (never only the code): phase dates in order, meeting capacity
(``registered_count`` ≤ ``capacity``), one registration per person per meeting, one report per
person per opinion, and — the survey rule — one response per resident per survey, through the
"has responded" register :class:`SurveyParticipation` (unique survey × user). Responses to an
anonymous survey keep no link to the person: ``SurveyResponse.respondent`` stays empty, the
primary key is a random UUID (no ordering to match with the register) and only the day is kept.
"""

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consultations.methodology import Channel, Conflict, Form, Reversibility


class Topic(models.TextChoices):
    TRANSPORT = "transport", _("transport i drogi")
    GREENERY = "greenery", _("zieleń i środowisko")
    SPATIAL = "spatial", _("planowanie przestrzenne")
    SOCIAL = "social", _("sprawy społeczne")
    CULTURE = "culture", _("kultura i sport")
    EDUCATION = "education", _("edukacja")
    CITY_SERVICES = "city_services", _("usługi urzędu")


class Phase(models.TextChoices):
    """Where a published consultation is, by its dates (drafts have no phase)."""

    ANNOUNCED = "announced", _("ogłoszone")
    COLLECTING = "collecting", _("zbieranie opinii")
    ANALYSIS = "analysis", _("analiza")
    REPORTED = "reported", _("raport opublikowany")


REVERSIBILITY_CHOICES = [
    (Reversibility.REVERSIBLE.value, _("odwracalne")),
    (Reversibility.HARD_TO_REVERSE.value, _("trudno odwracalne")),
    (Reversibility.IRREVERSIBLE.value, _("nieodwracalne")),
]
CONFLICT_CHOICES = [
    (Conflict.LOW.value, _("niski")),
    (Conflict.MEDIUM.value, _("średni")),
    (Conflict.HIGH.value, _("wysoki")),
]
FORM_CHOICES = [
    (Form.ONLINE_SURVEY.value, _("ankieta internetowa")),
    (Form.PAPER_SURVEY.value, _("ankieta papierowa")),
    (Form.COMMENTS.value, _("zbieranie uwag i opinii na formularzu")),
    (Form.MEETING.value, _("otwarte spotkanie konsultacyjne")),
    (Form.WORKSHOP.value, _("warsztaty")),
    (Form.STUDY_WALK.value, _("spacer studyjny")),
    (Form.CONSULTATION_DUTY.value, _("dyżur konsultacyjny")),
    (Form.CITIZENS_PANEL.value, _("panel obywatelski")),
]
CHANNEL_CHOICES = [
    (Channel.ONLINE.value, _("przez internet")),
    (Channel.PAPER.value, _("na papierze")),
    (Channel.ASSISTED.value, _("z pomocą urzędnika")),
]


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def published(self) -> "ConsultationQuerySet":
        return self.filter(published_at__isnull=False)

    def open_on(self, day: date) -> "ConsultationQuerySet":
        return self.published().filter(starts_on__lte=day, ends_on__gte=day)

    def current(self, day: date) -> "ConsultationQuerySet":
        """Published and not yet closed (announced or collecting opinions)."""
        return self.published().filter(ends_on__gte=day)

    def archived(self, day: date) -> "ConsultationQuerySet":
        return self.published().filter(ends_on__lt=day)


class Consultation(models.Model):
    """A consultation process: announcement → collecting opinions → analysis → report."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("tytuł"), max_length=200)
    summary = models.TextField(_("streszczenie"), max_length=1000)
    description = models.TextField(_("opis"), blank=True)
    topic = models.CharField(_("temat"), max_length=20, choices=Topic.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("wydział prowadzący"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    city_wide = models.BooleanField(_("całe miasto"), default=True)
    districts = models.ManyToManyField(
        "districts.District", verbose_name=_("dzielnice"), blank=True, related_name="+"
    )
    # The matter's properties the methodology reads (R-CON-2).
    residents_affected = models.PositiveIntegerField(_("liczba mieszkańców, których dotyczy"))
    cost_pln = models.DecimalField(_("koszt (zł)"), max_digits=14, decimal_places=2, default=0)
    reversibility = models.CharField(
        _("odwracalność"), max_length=20, choices=REVERSIBILITY_CHOICES, default="reversible"
    )
    legally_required = models.BooleanField(_("konsultacje wymagane przepisami"), default=False)
    conflict = models.CharField(
        _("spodziewany konflikt"), max_length=10, choices=CONFLICT_CHOICES, default="low"
    )
    # What the methodology decided when the clerk created the consultation (Decision.to_dict()).
    decision = models.JSONField(_("decyzja metodologii"), default=dict, editable=False)
    # The plan.
    forms = models.JSONField(_("formy konsultacji"), default=list)
    channels = models.JSONField(_("kanały udziału"), default=list)
    announced_on = models.DateField(_("ogłoszenie"))
    starts_on = models.DateField(_("początek zbierania opinii"))
    ends_on = models.DateField(_("koniec zbierania opinii"))
    report_due_on = models.DateField(_("termin raportu"))
    published_at = models.DateTimeField(_("opublikowano"), null=True, blank=True, editable=False)
    report = models.TextField(_("raport z konsultacji"), blank=True)
    report_published_at = models.DateTimeField(
        _("opublikowano raport"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[districts])
    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("konsultacje")
        verbose_name_plural = _("konsultacje")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__gte=models.F("announced_on"))
                & Q(ends_on__gte=models.F("starts_on"))
                & Q(report_due_on__gte=models.F("ends_on")),
                name="consultations_phase_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(cost_pln__gte=0), name="consultations_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, today: date | None = None) -> str | None:
        if self.published_at is None:
            return None
        day = today or timezone.localdate()
        if self.report_published_at is not None:
            return Phase.REPORTED
        if day < self.starts_on:
            return Phase.ANNOUNCED
        if day <= self.ends_on:
            return Phase.COLLECTING
        return Phase.ANALYSIS

    def phase_label(self) -> str:
        code = self.phase()
        return str(Phase(code).label) if code else str(_("szkic"))

    def is_collecting(self, today: date | None = None) -> bool:
        return self.phase(today) == Phase.COLLECTING

    def form_labels(self) -> list[str]:
        labels = dict(FORM_CHOICES)
        return [str(labels.get(code, code)) for code in self.forms]

    def channel_labels(self) -> list[str]:
        labels = dict(CHANNEL_CHOICES)
        return [str(labels.get(code, code)) for code in self.channels]


class ConsultationDocument(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("tytuł"), max_length=200)
    file = models.FileField(_("plik"), upload_to="consultations/documents/")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenty")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Opinion(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="opinions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_opinions"
    )
    body = models.TextField(_("treść"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(_("ukryto"), null=True, blank=True, editable=False)
    hidden_reason = models.CharField(_("powód ukrycia"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinia")
        verbose_name_plural = _("opinie")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="consultations_hidden_opinion_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class OpinionReport(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.CharField(_("powód zgłoszenia"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zgłoszenie opinii")
        verbose_name_plural = _("zgłoszenia opinii")
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "reporter"], name="consultations_one_report_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.reason


class Meeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("tytuł"), max_length=200)
    starts_at = models.DateTimeField(_("początek"))
    ends_at = models.DateTimeField(_("koniec"))
    place = models.CharField(_("miejsce"), max_length=300)
    capacity = models.PositiveIntegerField(_("liczba miejsc"))
    registered_count = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spotkanie")
        verbose_name_plural = _("spotkania")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_count__lte=models.F("capacity")),
                name="consultations_meeting_capacity",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="consultations_meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.registered_count, 0)


class MeetingRegistration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zapis na spotkanie")
        verbose_name_plural = _("zapisy na spotkania")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="consultations_one_registration_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.user_id}"


class Audience(models.TextChoices):
    VERIFIED_RESIDENTS = "residents", _("zweryfikowani mieszkańcy")
    ANYONE = "anyone", _("każdy")


class SurveyPurpose(models.TextChoices):
    CONSULTATION = "consultation", _("konsultacje")
    RESEARCH = "research", _("badanie społeczne")
    SATISFACTION = "satisfaction", _("satysfakcja klientów urzędu")


class SurveyQuerySet(models.QuerySet["Survey"]):
    def published(self) -> "SurveyQuerySet":
        return self.filter(published=True)


class Survey(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("tytuł"), max_length=200)
    description = models.TextField(_("opis"), blank=True)
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("konsultacje"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    purpose = models.CharField(
        _("cel"), max_length=20, choices=SurveyPurpose.choices, default="consultation"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("wydział"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    audience = models.CharField(
        _("kto może odpowiedzieć"), max_length=10, choices=Audience.choices, default="residents"
    )
    anonymous = models.BooleanField(_("anonimowa"), default=True)
    districts = models.ManyToManyField(
        "districts.District",
        verbose_name=_("tylko dla dzielnic"),
        blank=True,
        related_name="+",
        help_text=_("Puste: cały Kraków."),
    )
    opens_at = models.DateTimeField(_("otwarcie"))
    closes_at = models.DateTimeField(_("zamknięcie"))
    published = models.BooleanField(_("opublikowana"), default=False)
    closed_at = models.DateTimeField(_("zamknięto"), null=True, blank=True, editable=False)
    # For the satisfaction index: the question whose mean (scaled to 0–100) is the index.
    index_question = models.ForeignKey(
        "SurveyQuestion",
        verbose_name=_("pytanie indeksu satysfakcji"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[districts])
    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ankieta")
        verbose_name_plural = _("ankiety")
        ordering = ["-opens_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultations_survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: Any = None) -> bool:
        moment = now or timezone.now()
        return (
            self.published and self.closed_at is None and self.opens_at <= moment < self.closes_at
        )


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("jednokrotny wybór")
    MULTIPLE = "multiple", _("wielokrotny wybór")
    LIKERT = "likert", _("skala Likerta 1–5")
    RATING = "rating", _("ocena 0–10")
    NUMBER = "number", _("liczba")
    TEXT = "text", _("tekst")


#: Fixed scales: Likert 1–5 and rating 0–10.
SCALES: dict[str, tuple[int, int]] = {"likert": (1, 5), "rating": (0, 10)}


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("kolejność"))
    text = models.CharField(_("pytanie"), max_length=500)
    help_text = models.CharField(_("wyjaśnienie"), max_length=500, blank=True)
    kind = models.CharField(_("rodzaj"), max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(_("obowiązkowe"), default=True)
    options = models.JSONField(
        _("odpowiedzi do wyboru"),
        default=list,
        blank=True,
        help_text=_('Lista JSON, np. ["tak", "nie"]; tylko dla pytań wyboru.'),
    )
    min_value = models.DecimalField(
        _("najmniejsza wartość"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("największa wartość"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pytanie")
        verbose_name_plural = _("pytania")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "order"], name="consultations_question_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def key(self) -> str:
        return f"q{self.pk}"

    def scale(self) -> list[int]:
        low, high = SCALES.get(self.kind, (0, -1))
        return list(range(low, high + 1))


class ResponseChannel(models.TextChoices):
    ONLINE = "online", _("przez internet")
    PAPER = "paper", _("papierowa (wprowadzona przez urzędnika)")


class SurveyParticipation(models.Model):
    """The "has responded" register: one row per person per survey (the DB rule)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_participations"
    )

    class Meta:
        verbose_name = _("udział w ankiecie")
        verbose_name_plural = _("udziały w ankietach")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], name="consultations_one_response_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.user_id}"


class SurveyResponse(models.Model):
    """A completed questionnaire. ``answers`` maps ``"q<question id>"`` to the answer:
    an option index (single), a list of indices (multiple), a number, or a text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Empty for anonymous surveys (and for paper responses from people without an account).
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    channel = models.CharField(max_length=10, choices=ResponseChannel.choices, default="online")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The weighting cell, copied from the verified profile (or the paper form) when answered.
    district = models.ForeignKey(
        "districts.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    age_band = models.CharField(max_length=5, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    submitted_on = models.DateField(default=timezone.localdate)
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("odpowiedź na ankietę")
        verbose_name_plural = _("odpowiedzi na ankiety")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=Q(respondent__isnull=False),
                name="consultations_one_linked_response_per_person",
            ),
        ]
        indexes = [models.Index(fields=["survey", "submitted_on"])]

    def __str__(self) -> str:
        return str(self.id)


class AgeBand(models.TextChoices):
    A18 = "18-24", "18–24"
    A25 = "25-34", "25–34"
    A35 = "35-44", "35–44"
    A45 = "45-54", "45–54"
    A55 = "55-64", "55–64"
    A65 = "65+", "65+"


def age_band(birth_date: date | None, on: date) -> str:
    """The age band of someone born on ``birth_date`` on the day ``on`` ('' when unknown/minor)."""
    if birth_date is None:
        return ""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 18:
        return ""
    for band, low in (("65+", 65), ("55-64", 55), ("45-54", 45), ("35-44", 35), ("25-34", 25)):
        if age >= low:
            return band
    return "18-24"


class PopulationCell(models.Model):
    """Adult residents per district × age band × sex in a year (the weighting targets)."""

    year = models.PositiveSmallIntegerField(_("rok"))
    district = models.ForeignKey("districts.District", on_delete=models.PROTECT, related_name="+")
    age_band = models.CharField(_("grupa wieku"), max_length=5, choices=AgeBand.choices)
    sex = models.CharField(
        _("płeć"), max_length=1, choices=[("F", _("kobiety")), ("M", _("mężczyźni"))]
    )
    count = models.PositiveIntegerField(_("liczba mieszkańców"))

    class Meta:
        verbose_name = _("komórka struktury ludności")
        verbose_name_plural = _("struktura ludności")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "district", "age_band", "sex"],
                name="consultations_population_cell_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.district_id} {self.age_band} {self.sex}"


class AggregateStatus(models.TextChoices):
    PENDING = "pending", _("w kolejce")
    RUNNING = "running", _("w toku")
    DONE = "done", _("gotowe")
    FAILED = "failed", _("błąd")


AGGREGATE_WARNINGS = {
    "not_converged": _(
        "Ważenie nie osiągnęło zbieżności: struktura ważonej próby nie odpowiada w pełni "
        "strukturze mieszkańców. Wyniki ważone czytaj ostrożnie."
    ),
    "trimming_caps": _(
        "Po przycięciu wag nie udało się jednocześnie zachować limitów wag i struktury ludności."
    ),
    "empty_groups": _(
        "Niektóre grupy mieszkańców nie mają żadnej odpowiedzi; ich wagę przejęły pozostałe grupy."
    ),
}


class SurveyAggregate(models.Model):
    """The stored aggregate of a survey (raw and weighted results), written by the Celery task."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="aggregate")
    status = models.CharField(max_length=10, choices=AggregateStatus.choices, default="pending")
    progress = models.PositiveSmallIntegerField(default=0)
    response_count = models.PositiveIntegerField(default=0)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # Whether the raking met the population margins within tolerance (None before it ran).
    # A weighting that did not converge is still stored, with this warning shown beside it.
    converged = models.BooleanField(_("ważenie zbieżne"), null=True, blank=True)
    max_margin_error = models.FloatField(null=True, blank=True)
    #: Warning codes for the clerk and the results page (see ``AGGREGATE_WARNINGS``).
    warnings = models.JSONField(default=list, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("wyniki ankiety")
        verbose_name_plural = _("wyniki ankiet")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="consultations_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.status}"

    def warning_texts(self) -> list[str]:
        return [str(AGGREGATE_WARNINGS.get(code, code)) for code in self.warnings]


class ImprovementStatus(models.TextChoices):
    PLANNED = "planned", _("zaplanowane")
    IN_PROGRESS = "in_progress", _("w realizacji")
    DONE = "done", _("zrealizowane")


class ImprovementAction(models.Model):
    """Finding → action → owner → status, linked to the satisfaction results of a year."""

    year = models.PositiveSmallIntegerField(_("rok"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("wydział"), on_delete=models.PROTECT
    )
    survey = models.ForeignKey(
        Survey, verbose_name=_("ankieta"), null=True, blank=True, on_delete=models.SET_NULL
    )
    finding = models.TextField(_("wniosek z badania"))
    action = models.TextField(_("działanie"))
    owner = models.CharField(_("odpowiedzialny"), max_length=200)
    status = models.CharField(
        _("stan"), max_length=12, choices=ImprovementStatus.choices, default="planned"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("działanie naprawcze")
        verbose_name_plural = _("działania naprawcze")
        ordering = ["-year", "department__name"]

    def __str__(self) -> str:
        return self.action[:60]


class DigestDelivery(models.Model):
    """One digest per subscriber per period: the unique row makes a rerun send nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10)
    period_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    consultation_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_start"],
                name="consultations_one_digest_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period_start}"
