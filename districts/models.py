"""The 18 districts (dzielnice) of Kraków and their councils' funds, resolutions and tasks."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.pgcompat import PostgreSQLCheckConstraint

#: "XII/123/2025": session (Roman numeral) / resolution number / year of adoption.
RESOLUTION_NUMBER_REGEX = r"^[IVXLC]{1,8}/[1-9][0-9]{0,3}/20[0-9]{2}$"


class DistrictQuerySet(models.QuerySet["District"]):
    def by_number(self) -> "DistrictQuerySet":
        return self.order_by("number")


class District(models.Model):
    number = models.PositiveSmallIntegerField(_("numer"), unique=True)
    roman = models.CharField(_("numer rzymski"), max_length=6, unique=True)
    name = models.CharField(_("nazwa"), max_length=100, unique=True)
    slug = models.SlugField(_("skrót w adresie"), max_length=100, unique=True)
    area_km2 = models.DecimalField(_("powierzchnia (km²)"), max_digits=9, decimal_places=4)
    population = models.PositiveIntegerField(_("liczba mieszkańców"))
    population_year = models.PositiveSmallIntegerField(_("rok danych o mieszkańcach"))
    council_seats = models.PositiveSmallIntegerField(_("liczba radnych"))

    history = HistoricalRecords()
    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("dzielnica")
        verbose_name_plural = _("dzielnice")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1) & models.Q(number__lte=18),
                name="districts_district_number_1_18",
            ),
            models.CheckConstraint(
                condition=models.Q(area_km2__gt=Decimal("0")), name="districts_area_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.roman} {self.name}"

    @property
    def density(self) -> int:
        return round(self.population / float(self.area_km2))


# --------------------------------------------------------------------------------------------
# Councils: seat, office hours, members (R-DIS-1)
# --------------------------------------------------------------------------------------------


class CouncilOffice(models.Model):
    district = models.OneToOneField(
        District,
        on_delete=models.CASCADE,
        related_name="council_office",
        verbose_name=_("dzielnica"),
    )
    # The seat as an office location of the e-services app (by its slug, read through
    # ``services.selectors``): its address and weekly hours are then shown instead of the
    # hand-kept ones below, which remain the fallback when the location is missing.
    services_office_slug = models.SlugField(
        _("lokalizacja w e-usługach"),
        blank=True,
        help_text=_("Lokalizacja z listy urzędów e-usług: jej adres i godziny otwarcia."),
    )
    seat_address = models.CharField(_("siedziba rady"), max_length=200, blank=True)
    office_hours = models.TextField(_("godziny dyżurów"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("adres e-mail"), blank=True)
    is_demo = models.BooleanField(_("dane demonstracyjne"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("siedziba rady dzielnicy")
        verbose_name_plural = _("siedziby rad dzielnic")
        constraints = [
            models.CheckConstraint(
                condition=~Q(seat_address="") | ~Q(services_office_slug=""),
                name="districts_office_has_seat",
                violation_error_message=_(
                    "Podaj adres siedziby albo wybierz lokalizację z listy urzędów e-usług."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district}: {self.seat_address or self.services_office_slug}"


class CouncilSession(models.Model):
    """A session (sesja) of a district council: announced publicly with its place and agenda."""

    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="council_sessions",
        verbose_name=_("dzielnica"),
    )
    number = models.CharField(
        _("numer sesji"), max_length=8, help_text=_("Liczba rzymska, np. XII.")
    )
    starts_at = models.DateTimeField(_("początek"))
    place = models.CharField(_("miejsce"), max_length=200)
    agenda = models.TextField(_("porządek obrad"), blank=True)
    is_demo = models.BooleanField(_("dane demonstracyjne"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sesja rady dzielnicy")
        verbose_name_plural = _("sesje rad dzielnic")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[IVXLC]{1,8}$"), name="districts_session_number"
            ),
            models.UniqueConstraint(
                fields=["district", "number", "starts_at"], name="districts_session_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district}: {self.number} ({self.starts_at:%Y-%m-%d})"


class CouncilFunction(models.TextChoices):
    CHAIR = "chair", _("przewodniczący rady")
    DEPUTY_CHAIR = "deputy_chair", _("wiceprzewodniczący rady")
    BOARD_CHAIR = "board_chair", _("przewodniczący zarządu")
    BOARD_MEMBER = "board_member", _("członek zarządu")
    MEMBER = "member", _("radny")


class CouncilMember(models.Model):
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="council_members",
        verbose_name=_("dzielnica"),
    )
    full_name = models.CharField(_("imię i nazwisko"), max_length=150)
    function = models.CharField(
        _("funkcja"), max_length=20, choices=CouncilFunction.choices, default=CouncilFunction.MEMBER
    )
    term_start = models.DateField(_("początek kadencji"))
    term_end = models.DateField(_("koniec kadencji"))
    is_demo = models.BooleanField(_("dane demonstracyjne"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("radny dzielnicy")
        verbose_name_plural = _("radni dzielnic")
        ordering = ["district__number", "function", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="districts_term_order"
            ),
            models.UniqueConstraint(
                fields=["district", "full_name", "term_start"], name="districts_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_function_display()})"


# --------------------------------------------------------------------------------------------
# Funds: the multi-year plan, the formula, the yearly inputs and the allocations (R-DIS-2)
# --------------------------------------------------------------------------------------------


class FundsPlanYear(models.Model):
    """The city's total for the district councils in one year (2024 is the base)."""

    year = models.PositiveSmallIntegerField(_("rok"), unique=True)
    total = models.DecimalField(_("kwota (zł)"), max_digits=14, decimal_places=2)
    filing_deadline = models.DateField(_("termin złożenia uchwały"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rok planu środków")
        verbose_name_plural = _("plan środków dzielnic")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="districts_plan_total_positive"),
            models.CheckConstraint(
                condition=Q(year__gte=2024) & Q(year__lte=2100), name="districts_plan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.total} zł"


class FormulaBasis(models.TextChoices):
    EQUAL = "equal", _("po równo")
    RESIDENTS = "residents", _("liczba stałych mieszkańców")
    LAND_AREA = "land_area", _("powierzchnia gruntów miejskich")


class FormulaComponent(models.Model):
    """One part of the split formula; the shares of all components sum to 1 (checked in
    ``districts.actions.formula_load``, which also validates the whole formula)."""

    key = models.SlugField(_("klucz"), max_length=40, unique=True)
    share = models.DecimalField(_("udział"), max_digits=5, decimal_places=4)
    basis = models.CharField(_("podstawa podziału"), max_length=20, choices=FormulaBasis.choices)
    order = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("składnik algorytmu podziału")
        verbose_name_plural = _("algorytm podziału środków")
        ordering = ["order", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=1), name="districts_formula_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.share}"


class DistrictYearInput(models.Model):
    """The inputs of the formula for one district in one year, maintained by clerks."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="year_inputs", verbose_name=_("dzielnica")
    )
    year = models.PositiveSmallIntegerField(_("rok"))
    residents = models.PositiveIntegerField(_("stali mieszkańcy"))
    land_area = models.DecimalField(
        _("powierzchnia gruntów miejskich (ha)"), max_digits=12, decimal_places=4
    )
    is_demo = models.BooleanField(_("dane demonstracyjne"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dane do podziału środków")
        verbose_name_plural = _("dane do podziału środków")
        ordering = ["year", "district__number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="districts_input_unique"),
            models.CheckConstraint(condition=Q(land_area__gte=0), name="districts_land_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"


class Allocation(models.Model):
    """A district's funds in one year, computed exactly to the grosz (``allocations_compute``)."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("dzielnica")
    )
    year = models.PositiveSmallIntegerField(_("rok"))
    amount = models.DecimalField(_("kwota (zł)"), max_digits=14, decimal_places=2)
    base_amount = models.DecimalField(_("kwota bazowa (zł)"), max_digits=14, decimal_places=2)
    increase = models.DecimalField(_("wzrost ponad bazę (zł)"), max_digits=14, decimal_places=2)
    computed_at = models.DateTimeField(_("obliczono"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("środki dzielnicy")
        verbose_name_plural = _("środki dzielnic")
        ordering = ["year", "district__number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="districts_alloc_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="districts_alloc_nonneg"),
            PostgreSQLCheckConstraint(
                condition=Q(amount=models.F("base_amount") + models.F("increase")),
                name="districts_alloc_base_plus_increase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}: {self.amount}"


# --------------------------------------------------------------------------------------------
# Budget resolutions and their tasks (R-DIS-3, R-DIS-4)
# --------------------------------------------------------------------------------------------


class ResolutionStatus(models.TextChoices):
    DRAFT = "draft", _("projekt")
    FILED = "filed", _("złożona")
    ACCEPTED = "accepted", _("przyjęta przez urząd")
    RETURNED = "returned", _("zwrócona do poprawy")
    SUPERSEDED = "superseded", _("zastąpiona nowszą wersją")


class ResolutionQuerySet(models.QuerySet["Resolution"]):
    def public(self) -> "ResolutionQuerySet":
        return self.exclude(status=ResolutionStatus.DRAFT)


class Resolution(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("dzielnica")
    )
    year = models.PositiveSmallIntegerField(_("rok budżetowy"))
    version = models.PositiveSmallIntegerField(_("wersja"), default=1)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
        verbose_name=_("poprzednia wersja"),
    )
    number = models.CharField(_("numer uchwały"), max_length=30)
    adopted_on = models.DateField(_("data podjęcia"))
    status = models.CharField(
        _("stan"), max_length=20, choices=ResolutionStatus.choices, default=ResolutionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("złożono"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("oceniono"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("uwagi urzędu"), blank=True)

    history = HistoricalRecords()
    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("uchwała budżetowa rady dzielnicy")
        verbose_name_plural = _("uchwały budżetowe rad dzielnic")
        ordering = ["-year", "district__number", "-version"]
        permissions = [
            ("review_resolution", _("Może oceniać uchwały rad dzielnic")),
            ("override_deadline", _("Może zezwolić na złożenie uchwały po terminie")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "version"], name="districts_resolution_version"
            ),
            # One live version per district and year; older versions are kept as superseded.
            models.UniqueConstraint(
                fields=["district", "year"],
                condition=~Q(status="superseded"),
                name="districts_resolution_one_live",
            ),
            models.CheckConstraint(
                condition=Q(number__regex=RESOLUTION_NUMBER_REGEX),
                name="districts_resolution_number_format",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(filed_at__isnull=False),
                name="districts_resolution_filed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.district.name}, {self.year}, v{self.version})"


class TaskCategory(models.TextChoices):
    # The values of the two statutory categories are the pure module's category names.
    REPAIRS = "repairs_small_infrastructure", _("remonty i mała infrastruktura")
    DISABILITY = "disability", _("programy dla osób z niepełnosprawnościami")
    CULTURE = "culture", _("kultura")
    SPORT = "sport", _("sport")
    EDUCATION = "education", _("edukacja")
    SAFETY = "safety", _("bezpieczeństwo")
    OTHER = "other", _("inne")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("zaplanowane")
    PROCUREMENT = "procurement", _("w zamówieniu")
    IN_PROGRESS = "in_progress", _("w realizacji")
    DONE = "done", _("zrealizowane")
    CANCELLED = "cancelled", _("anulowane")


class ResolutionTask(models.Model):
    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("uchwała")
    )
    title = models.CharField(_("nazwa zadania"), max_length=300)
    category = models.CharField(_("kategoria"), max_length=40, choices=TaskCategory.choices)
    amount = models.DecimalField(_("kwota (zł)"), max_digits=14, decimal_places=2)
    implementing_unit = models.CharField(_("jednostka realizująca"), max_length=200)
    status = models.CharField(
        _("stan realizacji"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    committed = models.DecimalField(
        _("zaangażowano (zł)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    spent = models.DecimalField(
        _("wydano (zł)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    progress_updated_at = models.DateTimeField(_("postęp zapisano"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zadanie z uchwały")
        verbose_name_plural = _("zadania z uchwał")
        ordering = ["resolution", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="districts_task_amount_pos"),
            models.CheckConstraint(condition=Q(committed__gte=0), name="districts_task_commit_nn"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="districts_task_spent_nn"),
        ]

    def __str__(self) -> str:
        return self.title


class DeadlineOverride(models.Model):
    """A clerk's recorded permission for a council to file its resolution after the deadline."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, verbose_name=_("dzielnica"))
    year = models.PositiveSmallIntegerField(_("rok budżetowy"))
    reason = models.TextField(_("uzasadnienie"))
    valid_until = models.DateField(_("ważne do"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("udzielono"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zgoda na złożenie po terminie")
        verbose_name_plural = _("zgody na złożenie po terminie")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="districts_override_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("zdjęcie")
    DOCUMENT = "document", _("dokument")


class TaskAttachment(models.Model):
    """A photo or document of a task's progress: public documents (default storage), stored
    under a generated name; the type is read from the content, never from the file name."""

    task = models.ForeignKey(
        ResolutionTask,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("zadanie"),
    )
    kind = models.CharField(_("rodzaj"), max_length=10, choices=AttachmentKind.choices)
    title = models.CharField(_("opis"), max_length=200)
    file = models.FileField(_("plik"), upload_to="districts/tasks/", max_length=200)
    content_type = models.CharField(_("typ pliku"), max_length=50)
    size = models.PositiveIntegerField(_("rozmiar (bajty)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("dodano"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("załącznik zadania")
        verbose_name_plural = _("załączniki zadań")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png", "application/pdf"]),
                name="districts_attachment_type",
            ),
        ]

    def __str__(self) -> str:
        return self.title
