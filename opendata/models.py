"""The open-data catalogue: groups, publishers, datasets, resources and their versions.

Table rows are not a Django model: each published version has its own typed table,
``opendata_rows_v<version id>`` (see docs/opendata.md and migration 0003), created and loaded
before the version is made the resource's current one. The GIN indexes, the keyword array and
the full-text vector are PostgreSQL's; on SQLite (`make run`) see ``config.pgcompat``.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.pgcompat import PortableArrayField, PortableGinIndex


class Localised:
    """``title``/``name``/``description`` in the active language (English falls back to Polish)."""

    def _pick(self, base: str) -> str:
        if (get_language() or "pl").startswith("en"):
            value = getattr(self, f"{base}_en", "")
            if value:
                return str(value)
        return str(getattr(self, f"{base}_pl"))


class Group(Localised, models.Model):
    slug = models.SlugField(_("identyfikator"), unique=True)
    title_pl = models.CharField(_("nazwa (pl)"), max_length=200)
    title_en = models.CharField(_("nazwa (en)"), max_length=200, blank=True)
    description_pl = models.TextField(_("opis (pl)"), blank=True)
    description_en = models.TextField(_("opis (en)"), blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["title_pl"]
        verbose_name = _("grupa tematyczna")
        verbose_name_plural = _("grupy tematyczne")

    def __str__(self) -> str:
        return self.title_pl

    @property
    def title(self) -> str:
        return self._pick("title")

    @property
    def description(self) -> str:
        return self._pick("description")


class Organization(Localised, models.Model):
    """A publisher. Clerks of ``department_code`` manage its datasets."""

    slug = models.SlugField(_("identyfikator"), unique=True)
    title_pl = models.CharField(_("nazwa (pl)"), max_length=200)
    title_en = models.CharField(_("nazwa (en)"), max_length=200, blank=True)
    description_pl = models.TextField(_("opis (pl)"), blank=True)
    description_en = models.TextField(_("opis (en)"), blank=True)
    department_code = models.CharField(_("kod wydziału"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail kontaktowy"), blank=True)
    homepage = models.URLField(_("strona WWW"), blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["title_pl"]
        verbose_name = _("wydawca")
        verbose_name_plural = _("wydawcy")

    def __str__(self) -> str:
        return self.title_pl

    @property
    def title(self) -> str:
        return self._pick("title")

    @property
    def description(self) -> str:
        return self._pick("description")


class Licence(models.TextChoices):
    CC_BY_4 = "CC-BY-4.0", "Creative Commons Attribution 4.0"
    CC0 = "CC0-1.0", "Creative Commons Zero 1.0"
    ODC_BY = "ODC-BY-1.0", "Open Data Commons Attribution 1.0"


# Codes of the EU "frequency" authority table (publications.europa.eu), used by DCAT-AP.
class Frequency(models.TextChoices):
    HOURLY = "HOURLY", _("co godzinę")
    DAILY = "DAILY", _("codziennie")
    WEEKLY = "WEEKLY", _("co tydzień")
    MONTHLY = "MONTHLY", _("co miesiąc")
    ANNUAL = "ANNUAL", _("co rok")
    IRREG = "IRREG", _("nieregularnie")


class Dataset(Localised, models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("identyfikator"), max_length=100, unique=True)
    title_pl = models.CharField(_("tytuł (pl)"), max_length=300)
    title_en = models.CharField(_("tytuł (en)"), max_length=300, blank=True)
    description_pl = models.TextField(_("opis (pl)"))
    description_en = models.TextField(_("opis (en)"), blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="datasets", verbose_name=_("wydawca")
    )
    groups = models.ManyToManyField(
        Group, related_name="datasets", blank=True, verbose_name=_("grupy")
    )
    keywords = PortableArrayField(
        models.CharField(max_length=60), default=list, blank=True, verbose_name=_("słowa kluczowe")
    )
    licence = models.CharField(
        _("licencja"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_4
    )
    frequency = models.CharField(
        _("częstotliwość aktualizacji"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.IRREG,
    )
    temporal_start = models.DateField(_("zakres czasowy od"), null=True, blank=True)
    temporal_end = models.DateField(_("zakres czasowy do"), null=True, blank=True)
    spatial = models.CharField(_("zakres przestrzenny"), max_length=200, default="Kraków")
    contact_name = models.CharField(_("osoba kontaktowa"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail kontaktowy"))
    # The registry slug for the portal's own datasets (R-OD-5); empty for uploaded data.
    own_slug = models.CharField(max_length=100, blank=True)
    is_demo = models.BooleanField(_("dane demonstracyjne"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    # Maintained by opendata.actions (the 'simple' configuration: Polish has no stemmer).
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["title_pl"]
        verbose_name = _("zbiór danych")
        verbose_name_plural = _("zbiory danych")
        indexes = [
            PortableGinIndex(fields=["search_vector"]),
            PortableGinIndex(fields=["keywords"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["own_slug"], condition=~Q(own_slug=""), name="opendata_dataset_own_slug"
            ),
            models.CheckConstraint(
                condition=Q(temporal_start__isnull=True)
                | Q(temporal_end__isnull=True)
                | Q(temporal_start__lte=models.F("temporal_end")),
                name="opendata_dataset_temporal_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title_pl

    @property
    def title(self) -> str:
        return self._pick("title")

    @property
    def description(self) -> str:
        return self._pick("description")


class ResourceKind(models.TextChoices):
    TABLE = "table", _("tabela")
    FILE = "file", _("plik")


class ChartType(models.TextChoices):
    NONE = "", _("brak")
    BAR = "bar", _("słupkowy")
    LINE = "line", _("liniowy")


class Resource(Localised, models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name_pl = models.CharField(_("nazwa (pl)"), max_length=300)
    name_en = models.CharField(_("nazwa (en)"), max_length=300, blank=True)
    description_pl = models.TextField(_("opis (pl)"), blank=True)
    description_en = models.TextField(_("opis (en)"), blank=True)
    kind = models.CharField(
        _("rodzaj"), max_length=10, choices=ResourceKind.choices, default=ResourceKind.TABLE
    )
    format = models.CharField(_("format"), max_length=20, default="CSV")
    chart_type = models.CharField(
        _("wykres"), max_length=10, choices=ChartType.choices, default="", blank=True
    )
    chart_x = models.CharField(_("pole osi X"), max_length=100, blank=True)
    chart_y = models.CharField(_("pole osi Y"), max_length=100, blank=True)
    map_lat = models.CharField(_("pole szerokości geograficznej"), max_length=100, blank=True)
    map_lon = models.CharField(_("pole długości geograficznej"), max_length=100, blank=True)
    # A text column holding GeoJSON geometries (points, lines, polygons) drawn on the map.
    map_geojson = models.CharField(_("pole z geometrią GeoJSON"), max_length=100, blank=True)
    # Scheduled refresh from a remote CSV (R-OD-3); empty for uploads.
    source_url = models.URLField(_("adres źródła do odświeżania"), blank=True)
    current_version = models.OneToOneField(
        "ResourceVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["dataset", "name_pl"]
        verbose_name = _("zasób")
        verbose_name_plural = _("zasoby")

    def __str__(self) -> str:
        return self.name_pl

    @property
    def name(self) -> str:
        return self._pick("name")

    @property
    def description(self) -> str:
        return self._pick("description")


def _private_storage() -> Storage:
    return storages["private"]


class ResourceVersion(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # A Frictionless Table Schema (tables) — {"fields": [{"name", "type", "title"}...]}.
    schema = models.JSONField(default=dict)
    row_count = models.PositiveBigIntegerField(default=0)
    # File resources: every replacement is a new version; earlier files stay downloadable.
    file = models.FileField(upload_to="opendata/files/", storage=_private_storage, blank=True)
    original_name = models.CharField(_("nazwa pliku"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("rozmiar (bajty)"), default=0)
    # Lower-case hex SHA-256 of the file (spdx:checksum in DCAT-AP, "hash" in datapackage.json).
    sha256 = models.CharField(_("skrót SHA-256"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="opendata_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="opendata_version_positive"),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="opendata_version_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"

    @property
    def file_extension(self) -> str:
        """The file's extension for its download URL (``dane.<ext>``); "bin" without one."""
        name = self.original_name
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return extension if extension.isalnum() and len(extension) <= 10 else "bin"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("przesłany — czeka na zatwierdzenie schematu")
    QUEUED = "queued", _("w kolejce")
    RUNNING = "running", _("trwa import")
    SUCCEEDED = "succeeded", _("zakończony")
    FAILED = "failed", _("nieudany")


class TableImport(models.Model):
    """One upload of a CSV into a resource, with its progress (polled by the progress page)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="imports")
    # Path inside the private storage: uploads are never public before they are published.
    file_name = models.CharField(max_length=300)
    original_name = models.CharField(max_length=300, blank=True)
    encoding = models.CharField(max_length=20)
    delimiter = models.CharField(max_length=1)
    decimal_char = models.CharField(max_length=1, default=".")
    schema = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    bytes_total = models.PositiveBigIntegerField(default=0)
    bytes_done = models.PositiveBigIntegerField(default=0)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_per_second = models.FloatField(default=0)
    errors = models.JSONField(default=list, blank=True)
    version = models.ForeignKey(
        ResourceVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["bytes_done", "rows_done", "rows_per_second"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ImportStatus]),
                name="opendata_import_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(bytes_done__lte=models.F("bytes_total")),
                name="opendata_import_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} — {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.bytes_total:
            return 0
        return min(100, int(self.bytes_done * 100 / self.bytes_total))
