"""E-services: the catalogue, forms defined as data, drafts and cases (R-SRV-1…3, R-SRV-5)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Department


def _private_storage():  # type: ignore[no-untyped-def]
    # Callable so tests and settings overrides see the storage configured at call time.
    return storages["private"]


def localized(obj: object, field: str) -> str:
    """``field`` in the active language: ``<field>_en`` in English when filled, else Polish."""
    if (get_language() or "pl").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field))


class Category(models.TextChoices):
    HOUSING = "housing", _("Mieszkania")
    ANIMALS = "animals", _("Zwierzęta")
    TAXES = "taxes", _("Podatki i opłaty")
    GENERAL = "general", _("Sprawy ogólne")
    TRANSPORT = "transport", _("Transport")
    ENVIRONMENT = "environment", _("Środowisko")


class LifeSituation(models.TextChoices):
    MOVING = "moving", _("Przeprowadzka i mieszkanie")
    PET = "pet", _("Mam zwierzę")
    FAMILY = "family", _("Rodzina")
    BUSINESS = "business", _("Prowadzę firmę")
    CONTACT = "contact", _("Kontakt z urzędem")


class Channel(models.TextChoices):
    ONLINE = "online", _("przez portal")
    EPUAP = "epuap", _("przez ePUAP")
    IN_PERSON = "in_person", _("osobiście w urzędzie")
    POST = "post", _("pocztą")


class Service(models.Model):
    """One entry of the service catalogue (R-SRV-1). ``*_en`` fields are the English texts."""

    slug = models.SlugField(_("identyfikator"), max_length=80, unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    name_en = models.CharField(_("nazwa (EN)"), max_length=200, blank=True)
    summary = models.TextField(_("czego dotyczy"))
    summary_en = models.TextField(_("czego dotyczy (EN)"), blank=True)
    who_may_apply = models.TextField(_("kto może złożyć"))
    who_may_apply_en = models.TextField(_("kto może złożyć (EN)"), blank=True)
    documents = models.TextField(_("wymagane dokumenty"), blank=True)
    documents_en = models.TextField(_("wymagane dokumenty (EN)"), blank=True)
    fee = models.DecimalField(_("opłata (zł)"), max_digits=10, decimal_places=2, default=0)
    legal_basis = models.TextField(_("podstawa prawna"))
    department = models.ForeignKey(
        Department, verbose_name=_("wydział"), on_delete=models.PROTECT, related_name="services"
    )
    category = models.CharField(_("kategoria"), max_length=20, choices=Category.choices)
    life_situations = models.JSONField(_("sytuacje życiowe"), default=list, blank=True)
    channels = models.JSONField(_("sposoby złożenia"), default=list, blank=True)
    complex_case = models.BooleanField(
        _("sprawa szczególnie skomplikowana (2 miesiące)"), default=False
    )
    is_active = models.BooleanField(_("aktywna"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("usługa")
        verbose_name_plural = _("usługi")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fee__gte=0), name="services_fee_not_negative")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        return localized(self, "name")

    @property
    def statutory_deadline_months(self) -> int:
        # Art. 35 §3 KPA: one month, two for particularly complex cases.
        return 2 if self.complex_case else 1

    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels[c]) for c in self.channels if c in labels]

    def life_situation_labels(self) -> list[str]:
        labels = dict(LifeSituation.choices)
        return [str(labels[s]) for s in self.life_situations if s in labels]


class FormDefinition(models.Model):
    """One immutable version of a service's online form (R-SRV-2).

    The schema is documented in ``services/formschema.py``. A new version is a new row; cases
    point at the row they were filled with, so old submissions keep their meaning.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="definitions")
    version = models.PositiveIntegerField(_("wersja"))
    schema = models.JSONField(_("definicja formularza"))
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wersja formularza")
        verbose_name_plural = _("wersje formularzy")
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "version"], name="services_definition_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="services_definition_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.version}"


class Draft(models.Model):
    """A resident's unfinished application; one per resident and service."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="drafts")
    definition = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_drafts"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("wersja robocza")
        verbose_name_plural = _("wersje robocze")
        constraints = [
            models.UniqueConstraint(fields=["owner", "service"], name="services_one_draft_each")
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.updated_at:%Y-%m-%d})"


class DraftAttachment(models.Model):
    """A file saved with a draft: PRIVATE storage, served only to the draft's owner, and
    attached to the case (checked again) when the draft is submitted."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="attachments")
    field_name = models.CharField(max_length=200)
    file = models.FileField(storage=_private_storage, upload_to="services/drafts/%Y/")
    original_name = models.CharField(_("nazwa pliku"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("załącznik wersji roboczej")
        verbose_name_plural = _("załączniki wersji roboczych")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "field_name"], name="services_one_draft_file_per_field"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("złożona")
    REGISTERED = "registered", _("zarejestrowana")
    IN_PROGRESS = "in_progress", _("w toku")
    AWAITING_RESIDENT = "awaiting_resident", _("oczekuje na mieszkańca")
    APPROVED = "approved", _("rozpatrzona pozytywnie")
    REJECTED = "rejected", _("rozpatrzona negatywnie")
    CLOSED = "closed", _("zamknięta")


#: The workflow of R-SRV-3; ``case_transition`` refuses every other move.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.SUBMITTED: frozenset({CaseStatus.REGISTERED}),
    CaseStatus.REGISTERED: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.IN_PROGRESS: frozenset(
        {CaseStatus.AWAITING_RESIDENT, CaseStatus.APPROVED, CaseStatus.REJECTED}
    ),
    CaseStatus.AWAITING_RESIDENT: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.APPROVED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.REJECTED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

OPEN_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.REGISTERED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.AWAITING_RESIDENT,
)


class CaseCounter(models.Model):
    """The last case number used by a department in a year; locked FOR UPDATE while numbering."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="services_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department_id}/{self.year}: {self.last}"


class CaseQuerySet(models.QuerySet["Case"]):
    def overdue(self, today: object) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES, deadline__lt=today)


class Case(models.Model):
    """A submitted application (R-SRV-3)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("numer sprawy"), max_length=40, unique=True)
    department = models.ForeignKey(
        Department, verbose_name=_("wydział"), on_delete=models.PROTECT, related_name="cases"
    )
    year = models.PositiveIntegerField(_("rok"))
    sequence = models.PositiveIntegerField(_("kolejny numer"))
    service = models.ForeignKey(
        Service, verbose_name=_("usługa"), on_delete=models.PROTECT, related_name="cases"
    )
    definition = models.ForeignKey(
        FormDefinition, verbose_name=_("wersja formularza"), on_delete=models.PROTECT
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("wnioskodawca"),
        on_delete=models.PROTECT,
        related_name="service_cases",
    )
    data = models.JSONField(_("treść wniosku"))
    submission_sha256 = models.CharField(_("SHA-256 zgłoszenia"), max_length=64, unique=True)
    submitted_at = models.DateTimeField(_("złożono"))
    deadline = models.DateField(_("termin ustawowy"))
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    assigned_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prowadzący urzędnik"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_service_cases",
    )
    decided_at = models.DateTimeField(_("rozstrzygnięto"), null=True, blank=True)

    history = HistoricalRecords()
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("sprawa")
        verbose_name_plural = _("sprawy")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "sequence"], name="services_case_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="services_case_sequence_positive"
            ),
        ]
        indexes = [models.Index(fields=["department", "status", "deadline"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue_on(self, today: object) -> bool:
        from services.calendar import is_overdue

        return self.is_open and is_overdue(self.deadline, today)  # type: ignore[arg-type]


class NotificationState(models.TextChoices):
    PENDING = "pending", _("oczekuje")
    SENDING = "sending", _("w wysyłce")
    SENT = "sent", _("wysłane")
    FAILED = "failed", _("błąd wysyłki")
    SKIPPED = "skipped", _("pominięte")


class CaseNotification(models.Model):
    """The e-mail telling the applicant about one status change of their case.

    One row per status change (the case's history row of that change, unique), created in the
    transaction of the change. The sending task claims it with a conditional update
    (pending, or sending with an expired lease → sending) and marks it sent after the mail
    server accepted the message, so a redelivered task (acks_late) finds it sent and does
    nothing. After the last retry it is marked failed, for the clerks to see in the admin.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("sprawa"), on_delete=models.CASCADE, related_name="notifications"
    )
    #: ``history_id`` of the case's history row written by the status change.
    change_id = models.PositiveBigIntegerField(_("zmiana statusu (historia)"))
    status = models.CharField(_("nowy status sprawy"), max_length=20, choices=CaseStatus.choices)
    state = models.CharField(
        _("stan powiadomienia"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("próby"), default=0)
    error = models.CharField(_("błąd"), max_length=300, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now)
    done_at = models.DateTimeField(_("zakończono"), null=True, blank=True)

    class Meta:
        verbose_name = _("powiadomienie o zmianie statusu")
        verbose_name_plural = _("powiadomienia o zmianie statusu")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "change_id"], name="services_one_notification_per_change"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(done_at__isnull=False),
                name="services_notification_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.case} → {self.status}"


class CaseNote(models.Model):
    """An internal clerk note: never shown to the resident."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("treść"))
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notatka wewnętrzna")
        verbose_name_plural = _("notatki wewnętrzne")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.case} — {self.created_at:%Y-%m-%d %H:%M}"


class CaseMessage(models.Model):
    """A message between the resident and the office within a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_office = models.BooleanField(default=False)
    body = models.TextField(_("treść"))
    created_at = models.DateTimeField(_("wysłano"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wiadomość")
        verbose_name_plural = _("wiadomości")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.case} — {self.created_at:%Y-%m-%d %H:%M}"


class CaseAttachment(models.Model):
    """A file attached to a case, kept in PRIVATE storage and served only through a view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    field_key = models.CharField(max_length=200)
    file = models.FileField(storage=_private_storage, upload_to="services/cases/%Y/")
    original_name = models.CharField(_("nazwa pliku"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("załącznik")
        verbose_name_plural = _("załączniki")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Office(models.Model):
    """An office location with its hours (R-SRV-5).

    ``weekly_hours`` maps weekday numbers ("0" = Monday) to ``[["08:00", "16:00"], …]``;
    ``exceptions`` maps ISO dates to the same (an empty list: closed that day).
    """

    slug = models.SlugField(_("identyfikator"), unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    name_en = models.CharField(_("nazwa (EN)"), max_length=200, blank=True)
    address = models.CharField(_("adres"), max_length=300)
    phones = models.JSONField(_("telefony"), default=list, blank=True)
    emails = models.JSONField(_("adresy e-mail"), default=list, blank=True)
    epuap_box = models.CharField(_("skrytka ePUAP"), max_length=100, blank=True)
    departments = models.ManyToManyField(Department, verbose_name=_("wydziały"), blank=True)
    weekly_hours = models.JSONField(_("godziny otwarcia"), default=dict)
    exceptions = models.JSONField(_("wyjątki"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lokalizacja urzędu")
        verbose_name_plural = _("lokalizacje urzędu")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        return localized(self, "name")


class TaxKind(models.TextChoices):
    PROPERTY = "property", _("podatek od nieruchomości")
    TRANSPORT = "transport", _("podatek od środków transportowych")
    WASTE = "waste", _("opłata za gospodarowanie odpadami")
    DOG = "dog", _("opłata od posiadania psów")
    OTHER = "other", _("inna należność")


class TaxpayerAccount(models.Model):
    """A local-tax account of the finance system, linked to a resident (R-SRV-4)."""

    external_id = models.CharField(
        _("identyfikator w systemie finansowym"), max_length=64, unique=True
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mieszkaniec"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="taxpayer_accounts",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("konto podatnika")
        verbose_name_plural = _("konta podatników")
        permissions = [("load_tax_data", _("Może wczytywać dane z systemu finansowego"))]

    def __str__(self) -> str:
        return self.external_id


class Liability(models.Model):
    external_id = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(
        TaxpayerAccount, on_delete=models.CASCADE, related_name="liabilities"
    )
    kind = models.CharField(_("rodzaj"), max_length=20, choices=TaxKind.choices)
    year = models.PositiveIntegerField(_("rok"))
    description = models.CharField(_("opis"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("należność")
        verbose_name_plural = _("należności")
        ordering = ["-year", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class Instalment(models.Model):
    liability = models.ForeignKey(Liability, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("rata"))
    due_date = models.DateField(_("termin płatności"))
    amount = models.DecimalField(_("kwota"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("rata")
        verbose_name_plural = _("raty")
        ordering = ["due_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["liability", "number"], name="services_instalment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="services_instalment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.liability} / {self.number}"


class Payment(models.Model):
    external_id = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(TaxpayerAccount, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("data wpłaty"))
    amount = models.DecimalField(_("kwota"), max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wpłata")
        verbose_name_plural = _("wpłaty")
        ordering = ["-paid_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="services_payment_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


# ------------------------------------------------------------------ correspondence (R-SRV-6)


class LetterTemplate(models.Model):
    """A letter a department sends in bulk. ``body`` may use the placeholders of
    ``LETTER_PLACEHOLDERS`` (``$imie_nazwisko``, ``$saldo``…), substituted per recipient."""

    department = models.ForeignKey(
        Department, verbose_name=_("wydział"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nazwa szablonu"), max_length=200)
    subject = models.CharField(_("temat pisma"), max_length=200)
    body = models.TextField(_("treść pisma"))
    signature = models.CharField(_("podpis"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("szablon pisma")
        verbose_name_plural = _("szablony pism")
        ordering = ["department", "name"]

    def __str__(self) -> str:
        return self.name


#: The placeholders a letter template may use and what each becomes.
LETTER_PLACEHOLDERS: dict[str, Any] = {
    "imie_nazwisko": _("imię i nazwisko adresata"),
    "adres": _("adres adresata"),
    "saldo": _("kwota do zapłaty (zł)"),
    "zalegle": _("kwota zaległa (zł)"),
    "numer_sprawy": _("numer sprawy"),
    "usluga": _("nazwa usługi"),
}


class RecipientSource(models.TextChoices):
    TAX_BALANCE_DUE = "tax_balance_due", _("podatnicy z kwotą do zapłaty")
    TAX_OVERDUE = "tax_overdue", _("podatnicy z zaległością")
    DEPARTMENT_CASES = "department_cases", _("wnioskodawcy w otwartych sprawach wydziału")
    CSV = "csv", _("lista z pliku CSV")


TAX_SOURCES = (RecipientSource.TAX_BALANCE_DUE, RecipientSource.TAX_OVERDUE)


class MailingChannel(models.TextChoices):
    EMAIL = "email", _("e-mail (adresaci bez e-maila: do wydruku)")
    PRINT = "print", _("tylko do wydruku i wysyłki pocztą")


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("przygotowana")
    QUEUED = "queued", _("w kolejce")
    RUNNING = "running", _("w trakcie wysyłki")
    FINISHED = "finished", _("zakończona")


class Mailing(models.Model):
    """A mass mailing started by a clerk: one template, one recipient selection, one channel."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        Department, verbose_name=_("wydział"), on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(
        LetterTemplate, verbose_name=_("szablon pisma"), on_delete=models.PROTECT
    )
    source = models.CharField(_("adresaci"), max_length=20, choices=RecipientSource.choices)
    csv_rows = models.JSONField(_("adresaci z pliku CSV"), default=list, blank=True)
    channel = models.CharField(
        _("kanał"), max_length=10, choices=MailingChannel.choices, default=MailingChannel.EMAIL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MailingStatus.choices, default=MailingStatus.DRAFT
    )
    total = models.PositiveIntegerField(_("liczba pism"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now)
    started_at = models.DateTimeField(_("rozpoczęto"), null=True, blank=True)
    finished_at = models.DateTimeField(_("zakończono"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("korespondencja masowa")
        verbose_name_plural = _("korespondencja masowa")
        ordering = ["-created_at"]
        permissions = [("send_tax_mailing", _("Może wysyłać pisma do podatników"))]

    def __str__(self) -> str:
        return f"{self.template} ({self.created_at:%Y-%m-%d})"


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("oczekuje")
    SENDING = "sending", _("w wysyłce")
    SENT = "sent", _("wysłane e-mailem")
    PRINT = "print", _("do wydruku")
    FAILED = "failed", _("błąd wysyłki")
    SKIPPED = "skipped", _("pominięte")


LETTER_DONE = (LetterStatus.SENT, LetterStatus.PRINT, LetterStatus.FAILED, LetterStatus.SKIPPED)


class Letter(models.Model):
    """One recipient's letter of a mailing. The unique (mailing, recipient_key) pair means a
    prepare task that runs twice adds nobody twice; the status only moves forward
    (pending → sending → sent/print/failed/skipped) through conditional updates."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="letters")
    recipient_key = models.CharField(max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_letters",
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    email = models.EmailField(blank=True)
    context = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("próby"), default=0)
    error = models.CharField(_("błąd"), max_length=300, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(_("wysłano"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 PDF"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("pismo")
        verbose_name_plural = _("pisma")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "recipient_key"], name="services_one_letter_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["mailing", "status"])]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.recipient_key}"


class TaxImportStatus(models.TextChoices):
    QUEUED = "queued", _("w kolejce")
    RUNNING = "running", _("w trakcie")
    DONE = "done", _("wczytano")
    FAILED = "failed", _("odrzucono (błędy)")


class TaxImport(models.Model):
    """A CSV file from the finance system uploaded by a clerk; a Celery job loads it whole or
    not at all (R-SRV-4). The file stays in private storage."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(storage=_private_storage, upload_to="services/tax-imports/%Y/")
    original_name = models.CharField(_("nazwa pliku"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=TaxImportStatus.choices, default=TaxImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("wiersze"), default=0)
    processed_rows = models.PositiveIntegerField(_("przetworzone wiersze"), default=0)
    errors = models.JSONField(_("błędy"), default=list, blank=True)
    counts = models.JSONField(_("wczytano"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("przesłano"), default=timezone.now)
    started_at = models.DateTimeField(_("rozpoczęto"), null=True, blank=True)
    finished_at = models.DateTimeField(_("zakończono"), null=True, blank=True)

    class Meta:
        verbose_name = _("import danych podatkowych")
        verbose_name_plural = _("importy danych podatkowych")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"
