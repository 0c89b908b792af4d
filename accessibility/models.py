"""Accessibility (R-A11Y-1…3): city buildings and their architectural audits, barriers and
remediation tasks; city websites and e-services with WCAG 2.1 audits and automated axe scans;
the portal's own accessibility statement and the residents' requests and complaints."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accessibility.wcag import CHOICES as CRITERION_CHOICES

# --------------------------------------------------------------------------------------------
# Buildings (R-A11Y-1)
# --------------------------------------------------------------------------------------------


class AuditState(models.TextChoices):
    AWAITING = "awaiting", _("oczekuje na audyt")
    SCHEDULED = "scheduled", _("audyt zaplanowany")
    AUDITED = "audited", _("po audycie")


class Building(models.Model):
    slug = models.SlugField(_("skrót w adresie"), max_length=120, unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    address = models.CharField(
        _("adres"), max_length=200, blank=True, help_text=_("Pusty, gdy wydział go nie podał.")
    )
    functions = models.TextField(_("funkcje budynku"), blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("wydział zarządzający"),
    )
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("dzielnica"),
    )
    heritage_protected = models.BooleanField(_("pod ochroną konserwatorską"), default=False)
    acquired_year = models.PositiveSmallIntegerField(_("rok pozyskania"), null=True, blank=True)
    audit_state = models.CharField(
        _("stan audytu"), max_length=12, choices=AuditState.choices, default=AuditState.AWAITING
    )
    summary = models.TextField(_("stan prac"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budynek")
        verbose_name_plural = _("budynki")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acquired_year__isnull=True)
                | (Q(acquired_year__gte=1800) & Q(acquired_year__lte=2100)),
                name="a11y_building_acquired_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Requirement(models.TextChoices):
    """Minimum architectural requirements of art. 6 pt 1 of the 2019 act."""

    STEP_FREE = "step_free", _("dostęp wolny od barier do wszystkich kondygnacji")
    TOILET = "toilet", _("toaleta dostępna dla osób z niepełnosprawnościami")
    LAYOUT_INFO = (
        "layout_info",
        _("informacja o rozkładzie pomieszczeń (wizualnie i dotykowo lub głosowo)"),
    )
    ASSISTANCE_DOG = "assistance_dog", _("wstęp z psem asystującym")
    EVACUATION = "evacuation", _("ewakuacja osób ze szczególnymi potrzebami")
    INDUCTION_LOOP = "induction_loop", _("pętla indukcyjna")
    PARKING = "parking", _("miejsca parkingowe dla osób z niepełnosprawnościami")


class Result(models.TextChoices):
    MET = "met", _("spełnione")
    PARTLY = "partly", _("częściowo spełnione")
    NOT_MET = "not_met", _("niespełnione")


class BuildingAudit(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="audits", verbose_name=_("budynek")
    )
    audited_on = models.DateField(_("data audytu"))
    auditor = models.CharField(_("audytor"), max_length=200)
    notes = models.TextField(_("uwagi"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audyt architektoniczny")
        verbose_name_plural = _("audyty architektoniczne")
        ordering = ["-audited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.building} — {self.audited_on}"


class AuditItem(models.Model):
    audit = models.ForeignKey(
        BuildingAudit, on_delete=models.CASCADE, related_name="items", verbose_name=_("audyt")
    )
    requirement = models.CharField(_("wymaganie"), max_length=20, choices=Requirement.choices)
    result = models.CharField(_("wynik"), max_length=8, choices=Result.choices)
    notes = models.TextField(_("uwagi"), blank=True)
    photo = models.ImageField(_("zdjęcie"), upload_to="accessibility/audits/", blank=True)
    photo_alt = models.CharField(_("opis zdjęcia"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pozycja audytu")
        verbose_name_plural = _("pozycje audytu")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "requirement"], name="a11y_one_result_per_requirement"
            ),
            models.CheckConstraint(
                condition=Q(result__in=[r.value for r in Result]), name="a11y_audit_item_result"
            ),
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""), name="a11y_audit_photo_has_alt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_requirement_display()}: {self.get_result_display()}"


class Severity(models.TextChoices):
    LOW = "low", _("niska")
    MEDIUM = "medium", _("średnia")
    HIGH = "high", _("wysoka")
    CRITICAL = "critical", _("uniemożliwia dostęp")


class Barrier(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="barriers", verbose_name=_("budynek")
    )
    requirement = models.CharField(
        _("wymaganie"), max_length=20, choices=Requirement.choices, blank=True
    )
    description = models.TextField(_("opis bariery"))
    severity = models.CharField(_("waga"), max_length=8, choices=Severity.choices)
    found_on = models.DateField(_("data stwierdzenia"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bariera")
        verbose_name_plural = _("bariery")
        ordering = ["building__name", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("zaplanowane")
    PREPARATION = "preparation", _("przygotowanie")
    IN_PROGRESS = "in_progress", _("w realizacji")
    BLOCKED = "blocked", _("wstrzymane")
    DONE = "done", _("zakończone")


class Blocker(models.TextChoices):
    NONE = "", _("brak")
    HERITAGE_OFFICE = "heritage", _("uzgodnienia z konserwatorem zabytków")
    LOCAL_PLAN = "local_plan", _("zmiana miejscowego planu zagospodarowania")
    FUNDING = "funding", _("brak finansowania")
    PERMIT = "permit", _("pozwolenie na budowę")


class RemediationTask(models.Model):
    barrier = models.ForeignKey(
        Barrier, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("bariera")
    )
    title = models.CharField(_("zadanie"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    planned_start = models.DateField(_("planowany początek"), null=True, blank=True)
    planned_end = models.DateField(_("planowany koniec"), null=True, blank=True)
    completed_on = models.DateField(_("data zakończenia"), null=True, blank=True)
    cost = models.DecimalField(
        _("koszt (zł)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    blocker = models.CharField(
        _("przeszkoda"), max_length=12, choices=Blocker.choices, blank=True, default=""
    )
    notes = models.TextField(_("uwagi"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zadanie naprawcze")
        verbose_name_plural = _("zadania naprawcze")
        ordering = [F("planned_start").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=Decimal("0")),
                name="a11y_task_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="a11y_task_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="a11y_task_done_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="blocked") | ~Q(blocker=""),
                name="a11y_task_blocked_has_blocker",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --------------------------------------------------------------------------------------------
# Websites and e-services (R-A11Y-2)
# --------------------------------------------------------------------------------------------


class SiteKind(models.TextChoices):
    WEBSITE = "website", _("strona internetowa")
    ESERVICE = "eservice", _("e-usługa")
    APP = "app", _("aplikacja mobilna")


class Website(models.Model):
    slug = models.SlugField(_("skrót w adresie"), max_length=120, unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    url = models.URLField(_("adres"))
    kind = models.CharField(_("rodzaj"), max_length=10, choices=SiteKind.choices)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="websites",
        verbose_name=_("wydział odpowiedzialny"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("serwis internetowy")
        verbose_name_plural = _("serwisy internetowe")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DigitalAuditStatus(models.TextChoices):
    PLANNED = "planned", _("zaplanowany")
    IN_PROGRESS = "in_progress", _("w toku")
    DONE = "done", _("zakończony")


class DigitalAudit(models.Model):
    website = models.ForeignKey(
        Website, on_delete=models.CASCADE, related_name="audits", verbose_name=_("serwis")
    )
    year = models.PositiveSmallIntegerField(_("rok"))
    status = models.CharField(_("status"), max_length=12, choices=DigitalAuditStatus.choices)
    performed_on = models.DateField(_("data audytu"), null=True, blank=True)
    auditor = models.CharField(_("audytor"), max_length=200, blank=True)
    summary = models.TextField(_("opis"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audyt cyfrowy")
        verbose_name_plural = _("audyty cyfrowe")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(performed_on__isnull=False),
                name="a11y_digital_audit_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.website} {self.year}"


class CriterionOutcome(models.TextChoices):
    PASS = "pass", _("spełnione")
    FAIL = "fail", _("niespełnione")
    NOT_APPLICABLE = "na", _("nie dotyczy")


class CriterionResult(models.Model):
    audit = models.ForeignKey(
        DigitalAudit, on_delete=models.CASCADE, related_name="results", verbose_name=_("audyt")
    )
    criterion = models.CharField(_("kryterium WCAG"), max_length=6, choices=CRITERION_CHOICES)
    outcome = models.CharField(_("wynik"), max_length=4, choices=CriterionOutcome.choices)
    notes = models.TextField(_("uwagi"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wynik kryterium")
        verbose_name_plural = _("wyniki kryteriów")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "criterion"], name="a11y_one_result_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.get_outcome_display()}"


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("w kolejce")
    DONE = "done", _("zakończony")
    FAILED = "failed", _("błąd")


class Scan(models.Model):
    """One automated axe-core run on one URL of a website."""

    website = models.ForeignKey(
        Website, on_delete=models.CASCADE, related_name="scans", verbose_name=_("serwis")
    )
    url = models.URLField(_("adres skanowanej strony"))
    status = models.CharField(
        _("status"), max_length=8, choices=ScanStatus.choices, default=ScanStatus.QUEUED
    )
    requested_at = models.DateTimeField(_("zlecono"), auto_now_add=True)
    finished_at = models.DateTimeField(_("zakończono"), null=True, blank=True)
    violation_count = models.PositiveIntegerField(_("liczba naruszeń"), default=0)
    error = models.TextField(_("błąd"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zlecił"),
    )
    # The periodic scan's run ("nightly-2026-11-24"): one scan per page per run, so a beat
    # that fires twice, or a redelivered task, never scans a page twice in one night.
    run_key = models.CharField(_("przebieg okresowy"), max_length=40, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skan automatyczny")
        verbose_name_plural = _("skany automatyczne")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="queued") | Q(finished_at__isnull=False),
                name="a11y_scan_finished_has_time",
            ),
            models.UniqueConstraint(
                fields=["website", "url", "run_key"],
                condition=~Q(run_key=""),
                name="a11y_one_scan_per_page_per_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.requested_at:%Y-%m-%d %H:%M})"


class ScanViolation(models.Model):
    scan = models.ForeignKey(
        Scan, on_delete=models.CASCADE, related_name="violations", verbose_name=_("skan")
    )
    rule_id = models.CharField(_("reguła axe"), max_length=80)
    criterion = models.CharField(
        _("kryterium WCAG"), max_length=6, choices=CRITERION_CHOICES, blank=True
    )
    impact = models.CharField(_("wpływ"), max_length=12, blank=True)
    help = models.CharField(_("opis"), max_length=300)
    node_count = models.PositiveIntegerField(_("liczba elementów"))

    class Meta:
        verbose_name = _("naruszenie")
        verbose_name_plural = _("naruszenia")
        constraints = [
            models.UniqueConstraint(
                fields=["scan", "rule_id", "criterion"], name="a11y_one_row_per_rule_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} ({self.criterion or '—'})"


# --------------------------------------------------------------------------------------------
# The portal's accessibility statement and requests (R-A11Y-3)
# --------------------------------------------------------------------------------------------


class ComplianceStatus(models.TextChoices):
    FULL = "full", _("w pełni zgodna")
    PARTIAL = "partial", _("częściowo zgodna")
    NONE = "none", _("niezgodna")


class Statement(models.Model):
    """The accessibility statement's editable data; one row (pk 1), edited by clerks.

    The contact e-mail and phone are settings (``ACCESSIBILITY_CONTACT_EMAIL``,
    ``ACCESSIBILITY_CONTACT_PHONE``), set per deployment, not rows a demo could overwrite.
    """

    entity = models.CharField(_("podmiot publiczny"), max_length=200)
    site_url = models.URLField(_("adres strony"))
    published_on = models.DateField(_("data publikacji strony"))
    updated_on = models.DateField(_("data ostatniej istotnej aktualizacji"))
    status = models.CharField(_("status zgodności"), max_length=8, choices=ComplianceStatus.choices)
    non_compliance = models.TextField(_("treści niedostępne"), blank=True)
    exemptions = models.TextField(
        _("wyłączenia"),
        blank=True,
        help_text=_("Treści wyłączone z obowiązku (art. 3 ust. 4 ustawy) wraz z uzasadnieniem."),
    )
    burden_analysis_url = models.URLField(
        _("wynik analizy nadmiernego obciążenia"),
        blank=True,
        help_text=_("Link do analizy (art. 8 ustawy); pusty, gdy podmiot się na nią nie powołuje."),
    )
    prepared_on = models.DateField(_("data sporządzenia deklaracji"))
    reviewed_on = models.DateField(_("data ostatniego przeglądu"))
    auditor = models.CharField(
        _("audytor zewnętrzny"),
        max_length=200,
        blank=True,
        help_text=_("Pusty, gdy deklarację sporządzono na podstawie samooceny."),
    )
    contact_person = models.CharField(_("osoba kontaktowa"), max_length=200)
    apps_info = models.TextField(_("aplikacje mobilne"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deklaracja dostępności")
        verbose_name_plural = _("deklaracja dostępności")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="a11y_statement_single_row"),
            models.CheckConstraint(
                condition=Q(updated_on__gte=F("published_on")),
                name="a11y_statement_update_after_publication",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Deklaracja dostępności"))


class RequestKind(models.TextChoices):
    REQUEST = "request", _("żądanie zapewnienia dostępności")
    ALTERNATIVE = "alternative", _("żądanie dostępu alternatywnego")
    COMPLAINT = "complaint", _("skarga")


class RequestStatus(models.TextChoices):
    NEW = "new", _("nowe")
    IN_PROGRESS = "in_progress", _("w rozpatrzeniu")
    ANSWERED = "answered", _("udzielono odpowiedzi")


class AccessibilityRequest(models.Model):
    """A request for accessibility (art. 18 of the 2019 act): answered within 7 days."""

    public_id = models.UUIDField(
        _("identyfikator"), default=uuid.uuid4, unique=True, editable=False
    )
    kind = models.CharField(_("rodzaj"), max_length=12, choices=RequestKind.choices)
    name = models.CharField(_("imię i nazwisko"), max_length=200)
    email = models.EmailField(_("adres e-mail"))
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    subject_url = models.CharField(_("strona lub budynek"), max_length=500)
    description = models.TextField(_("opis"))
    preferred_contact = models.CharField(
        _("preferowany sposób kontaktu"), max_length=200, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accessibility_requests",
        verbose_name=_("konto"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    submitted_at = models.DateTimeField(_("złożono"))
    answer_due = models.DateField(_("termin odpowiedzi"))
    answer = models.TextField(_("odpowiedź"), blank=True)
    answered_at = models.DateTimeField(_("odpowiedziano"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("żądanie lub skarga")
        verbose_name_plural = _("żądania i skargi")
        ordering = ["answer_due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="a11y_request_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.submitted_at:%Y-%m-%d}"
