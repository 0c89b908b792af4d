"""Karta Krakowska: resident status from a PIT upload, cards, the discount catalogue, usage."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from karta.cardnumbers import format_card_number

# --------------------------------------------------------------------------------------------
# R-KK-1 resident status
# --------------------------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    PIT = "pit", _("pierwsza strona zeznania PIT z pieczęcią urzędu skarbowego")
    UPO = "upo", _("UPO (urzędowe poświadczenie odbioru)")
    CERTIFICATE = "certificate", _("zaświadczenie z urzędu skarbowego")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("czeka na decyzję")
    APPROVED = "approved", _("zatwierdzony")
    REJECTED = "rejected", _("odrzucony")


class StatusApplicationQuerySet(models.QuerySet["StatusApplication"]):
    def pending(self) -> StatusApplicationQuerySet:
        return self.filter(status=ApplicationStatus.PENDING)


class PrivateDocument(models.Model):
    """A document a resident uploaded for review: kept in private storage under an opaque random
    name, never in a URL; ``file_deleted_at`` is set when it is purged after the decision."""

    file_name = models.CharField(max_length=100, blank=True, editable=False)
    content_type = models.CharField(max_length=50, blank=True, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    file_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    file_deleted_at = models.DateTimeField(_("plik usunięto"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file_name) and self.file_deleted_at is None


class StatusApplication(PrivateDocument):
    """A resident's proof of paying PIT in Kraków and the clerk's decision on it.

    The file lives in private storage under an opaque random name; ``public_id`` is the only
    id in URLs. The file is deleted ``KARTA_DOCUMENT_RETENTION_DAYS`` after the decision.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="karta_applications",
        verbose_name=_("mieszkaniec"),
    )
    document_kind = models.CharField(
        _("rodzaj dokumentu"), max_length=20, choices=DocumentKind.choices
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("złożono"), default=timezone.now)
    decided_at = models.DateTimeField(_("decyzja"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zdecydował(a)"),
    )
    rejection_reason = models.TextField(_("powód odrzucenia"), blank=True)
    valid_until = models.DateField(_("status ważny do"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = StatusApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("wniosek o status mieszkańca")
        verbose_name_plural = _("wnioski o status mieszkańca")
        ordering = ["submitted_at"]
        permissions = [("review_statusapplication", _("Może rozpatrywać wnioski o status"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="karta_one_pending_application_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="karta_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(valid_until__isnull=False),
                name="karta_approval_has_validity",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="karta_decision_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.get_document_kind_display()} — {self.submitted_at:%Y-%m-%d}"


# --------------------------------------------------------------------------------------------
# Large-family entitlement (Karta Dużej Rodziny): unlocks the "large family" holder group
# --------------------------------------------------------------------------------------------


class EntitlementMethod(models.TextChoices):
    DOCUMENT = "document", _("przesłany dokument")
    CLERK = "clerk", _("weryfikacja w urzędzie")


class EntitlementStatus(models.TextChoices):
    PENDING = "pending", _("czeka na decyzję")
    APPROVED = "approved", _("zatwierdzone")
    REJECTED = "rejected", _("odrzucone")
    REVOKED = "revoked", _("cofnięte")


#: A large family (rodzina wielodzietna) raises at least three children (ustawa z 5 XII 2014
#: o Karcie Dużej Rodziny, art. 4).
LARGE_FAMILY_MIN_CHILDREN = 3


class LargeFamilyEntitlement(PrivateDocument):
    """A resident's proof of belonging to a large family: a scan of the Karta Dużej Rodziny
    (or the municipal decision) uploaded for review, or a clerk's check of the original at
    the office. An approved, unexpired entitlement lets cards be issued in the
    ``large_family`` group (see ``karta.actions.card_issue``); revoking it revokes them.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="karta_large_family",
        verbose_name=_("mieszkaniec"),
    )
    method = models.CharField(
        _("sposób weryfikacji"), max_length=10, choices=EntitlementMethod.choices
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EntitlementStatus.choices,
        default=EntitlementStatus.PENDING,
    )
    children_count = models.PositiveSmallIntegerField(_("liczba dzieci"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("złożono"), default=timezone.now)
    decided_at = models.DateTimeField(_("decyzja"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zdecydował(a)"),
    )
    rejection_reason = models.TextField(_("powód odrzucenia lub cofnięcia"), blank=True)
    valid_until = models.DateField(_("uprawnienie ważne do"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("uprawnienie rodziny wielodzietnej")
        verbose_name_plural = _("uprawnienia rodzin wielodzietnych")
        ordering = ["submitted_at"]
        permissions = [
            ("verify_largefamily", _("Może weryfikować uprawnienia rodzin wielodzietnych"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="karta_one_pending_large_family_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "revoked"]) | ~Q(rejection_reason=""),
                name="karta_large_family_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (
                    Q(valid_until__isnull=False)
                    & Q(children_count__isnull=False)
                    & Q(children_count__gte=LARGE_FAMILY_MIN_CHILDREN)
                ),
                name="karta_large_family_approval_complete",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="karta_large_family_decision_has_time",
            ),
            # A document review has a file; a check at the office never stores one.
            models.CheckConstraint(
                condition=(Q(method="document") & ~Q(file_name=""))
                | (Q(method="clerk") & Q(file_name="")),
                name="karta_large_family_method_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} — {self.submitted_at:%Y-%m-%d}"


# --------------------------------------------------------------------------------------------
# R-KK-2 cards
# --------------------------------------------------------------------------------------------


class HolderGroup(models.TextChoices):
    # Values equal karta.tokens.HolderGroup: they travel inside the signed token.
    ADULT = "adult", _("dorosły")
    CHILD = "child", _("dziecko")
    SENIOR = "senior", _("senior")
    LARGE_FAMILY = "large_family", _("rodzina wielodzietna")


class Carrier(models.TextChoices):
    MOBILE = "mobile", _("aplikacja mobilna")
    PLASTIC = "plastic", _("karta plastikowa")
    TRANSPORT = "transport", _("Krakowska Karta Miejska (bilet)")


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("0–17")
    YOUNG = "18-25", _("18–25")
    ADULT = "26-64", _("26–64")
    SENIOR = "65+", _("65+")
    UNKNOWN = "?", _("nieznany")


class CardSerial(models.Model):
    """Hands out card sequence numbers (its auto id); works on PostgreSQL and SQLite alike."""

    class Meta:
        verbose_name = _("numer seryjny karty")

    def __str__(self) -> str:
        return str(self.pk)


class CardQuerySet(models.QuerySet["Card"]):
    def active(self) -> CardQuerySet:
        today = timezone.localdate()
        return self.filter(
            revoked_at__isnull=True,
            suspended_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=today,
        )


class Card(models.Model):
    """A card for a resident (holder) or for the holder's child under 18."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("numer karty"), max_length=12, unique=True, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="karta_cards",
        verbose_name=_("posiadacz"),
    )
    holder_group = models.CharField(_("grupa"), max_length=20, choices=HolderGroup.choices)
    carrier = models.CharField(_("nośnik"), max_length=20, choices=Carrier.choices)
    # A child's card: the child has no account; the parent holds the card.
    child_first_name = models.CharField(_("imię dziecka"), max_length=100, blank=True)
    child_birth_date = models.DateField(_("data urodzenia dziecka"), null=True, blank=True)
    valid_from = models.DateField(_("ważna od"))
    valid_until = models.DateField(_("ważna do"))
    revoked_at = models.DateTimeField(_("unieważniona"), null=True, blank=True)
    revocation_reason = models.CharField(_("powód unieważnienia"), max_length=200, blank=True)
    # A suspension (e.g. a card reported lost and being looked into) is undone by a clerk;
    # a revocation is final.
    suspended_at = models.DateTimeField(_("zawieszona"), null=True, blank=True)
    suspension_reason = models.CharField(_("powód zawieszenia"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = CardQuerySet.as_manager()

    class Meta:
        verbose_name = _("karta")
        verbose_name_plural = _("karty")
        ordering = ["created_at"]
        permissions = [("manage_card", _("Może wydawać, zawieszać i unieważniać karty"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="karta_card_validity"
            ),
            models.CheckConstraint(
                condition=(Q(child_first_name="") & Q(child_birth_date__isnull=True))
                | (~Q(child_first_name="") & Q(child_birth_date__isnull=False)),
                name="karta_card_child_complete",
            ),
            # One current card per holder, carrier and person (the holder or a named child).
            models.UniqueConstraint(
                fields=["holder", "carrier", "child_first_name"],
                condition=Q(revoked_at__isnull=True),
                name="karta_one_live_card_per_carrier",
            ),
        ]

    def __str__(self) -> str:
        return format_card_number(self.number)

    @property
    def display_number(self) -> str:
        return format_card_number(self.number)

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return (
            self.revoked_at is None
            and self.suspended_at is None
            and self.valid_from <= today <= self.valid_until
        )


# --------------------------------------------------------------------------------------------
# R-KK-3 catalogue
# --------------------------------------------------------------------------------------------


class Category(models.TextChoices):
    TRANSPORT = "transport", _("transport")
    CULTURE = "culture", _("kultura")
    SPORT = "sport", _("sport")
    EDUCATION = "education", _("edukacja")
    HEALTH = "health", _("zdrowie")
    SHOPPING = "shopping", _("zakupy")
    SERVICES = "services", _("usługi")


class PartnerKind(models.TextChoices):
    CITY_UNIT = "city", _("jednostka miejska")
    PRIVATE = "private", _("partner prywatny")


class Partner(models.Model):
    slug = models.SlugField(_("identyfikator"), max_length=80, unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    kind = models.CharField(_("rodzaj"), max_length=10, choices=PartnerKind.choices)
    description = models.TextField(_("opis"), blank=True)
    website = models.URLField(_("strona internetowa"), blank=True)
    is_active = models.BooleanField(_("aktywny"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partnerzy")
        ordering = ["name"]
        permissions = [
            ("manage_partner_keys", _("Może wydawać i unieważniać klucze API partnerów"))
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class PartnerApiKeyQuerySet(models.QuerySet["PartnerApiKey"]):
    def live(self) -> PartnerApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class PartnerApiKey(models.Model):
    """A partner's key for the terminal API. Only the SHA-256 of the key is kept (the key
    is shown once, when created); a partner has at most one live key, and every key ever
    issued stays listed with who created and who revoked it."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("partner")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("początek klucza"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utworzył(a)"),
    )
    revoked_at = models.DateTimeField(_("unieważniono"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unieważnił(a)"),
    )

    history = HistoricalRecords(excluded_fields=["key_hash"])
    objects = PartnerApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("klucz API partnera")
        verbose_name_plural = _("klucze API partnerów")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(revoked_at__isnull=True),
                name="karta_one_live_key_per_partner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hint}…"


class Location(models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="locations", verbose_name=_("partner")
    )
    name = models.CharField(_("nazwa"), max_length=200)
    address = models.CharField(_("adres"), max_length=200)
    latitude = models.DecimalField(_("szerokość geograficzna"), max_digits=8, decimal_places=6)
    longitude = models.DecimalField(_("długość geograficzna"), max_digits=9, decimal_places=6)
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("dzielnica"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lokalizacja")
        verbose_name_plural = _("lokalizacje")
        ordering = ["partner", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="karta_location_coordinates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.address}"


class OfferKind(models.TextChoices):
    PERCENT = "percent", _("zniżka procentowa")
    FIXED_PRICE = "fixed", _("stała cena")
    FREE = "free", _("wstęp wolny")


class OfferQuerySet(models.QuerySet["Offer"]):
    def current(self) -> OfferQuerySet:
        today = timezone.localdate()
        return self.filter(
            is_active=True,
            partner__is_active=True,
            valid_from__lte=today,
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))

    def for_group(self, group: str) -> OfferQuerySet:
        return self.filter(**{f"for_{group}": True})


class Offer(models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="offers", verbose_name=_("partner")
    )
    title = models.CharField(_("tytuł"), max_length=200)
    description = models.TextField(_("opis"), blank=True)
    category = models.CharField(_("kategoria"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("rodzaj zniżki"), max_length=10, choices=OfferKind.choices)
    percent = models.PositiveSmallIntegerField(_("zniżka (%)"), null=True, blank=True)
    fixed_price = models.DecimalField(
        _("cena z kartą (zł)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    regular_price = models.DecimalField(
        _("cena regularna (zł)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    conditions = models.TextField(_("warunki"), blank=True)
    for_adult = models.BooleanField(_("dla dorosłych"), default=True)
    for_child = models.BooleanField(_("dla dzieci"), default=True)
    for_senior = models.BooleanField(_("dla seniorów"), default=True)
    for_large_family = models.BooleanField(_("dla rodzin wielodzietnych"), default=True)
    valid_from = models.DateField(_("ważna od"), default=timezone.localdate)
    valid_until = models.DateField(_("ważna do"), null=True, blank=True)
    is_active = models.BooleanField(_("aktywna"), default=True)

    history = HistoricalRecords()
    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("oferta")
        verbose_name_plural = _("oferty")
        ordering = ["partner__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="percent") & Q(percent__gte=1) & Q(percent__lte=100))
                | (Q(kind="fixed") & Q(fixed_price__gte=0))
                | Q(kind="free"),
                name="karta_offer_discount_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(regular_price__isnull=True) | Q(regular_price__gte=0),
                name="karta_offer_regular_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="karta_offer_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.name}: {self.title}"

    @property
    def groups(self) -> list[str]:
        return [group for group in HolderGroup.values if getattr(self, f"for_{group}")]


# --------------------------------------------------------------------------------------------
# R-KK-4 usage
# --------------------------------------------------------------------------------------------


class UsageEvent(models.Model):
    """One use of a card at a partner, reported by the partner's terminal.

    Holder attributes (group, district, age band) and the offer's category are copied in at
    recording time: analytics then aggregate one table without joins, and a later change of
    address does not rewrite history.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="usage_events")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="usage_events")
    card = models.ForeignKey(Card, on_delete=models.SET_NULL, null=True, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True)
    event_id = models.CharField(_("identyfikator zdarzenia partnera"), max_length=64)
    occurred_at = models.DateTimeField(_("czas"))
    recorded_at = models.DateTimeField(default=timezone.now)
    price = models.DecimalField(_("cena regularna"), max_digits=9, decimal_places=2)
    discount = models.DecimalField(_("zniżka"), max_digits=9, decimal_places=2)
    category = models.CharField(max_length=20, choices=Category.choices)
    holder_group = models.CharField(max_length=20, choices=HolderGroup.choices)
    district = models.ForeignKey(
        "districts.District", on_delete=models.SET_NULL, null=True, blank=True
    )
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, default=AgeBand.UNKNOWN)

    class Meta:
        verbose_name = _("użycie karty")
        verbose_name_plural = _("użycia karty")
        permissions = [("view_analytics", _("Może przeglądać analitykę Karty Krakowskiej"))]
        constraints = [
            models.UniqueConstraint(fields=["partner", "event_id"], name="karta_event_once"),
            models.CheckConstraint(
                condition=Q(price__gte=0) & Q(discount__gte=0) & Q(discount__lte=models.F("price")),
                name="karta_event_amounts",
            ),
        ]
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["recorded_at"]),
            models.Index(fields=["offer", "occurred_at"]),
            models.Index(fields=["category", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}/{self.event_id}"


class UsageDailyOffer(models.Model):
    """Uses per day and offer (rolled up from UsageEvent by a periodic task, SQL GROUP BY):
    the analytics page reads these ~offers × days rows instead of millions of events."""

    day = models.DateField()
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    uses = models.PositiveIntegerField()
    cost = models.DecimalField(max_digits=14, decimal_places=2)
    revenue = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "offer"], name="karta_daily_offer_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.offer_id}"


class UsageDailyDimension(models.Model):
    """Uses per day and holder attribute (district id, age band, group)."""

    day = models.DateField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=20)
    uses = models.PositiveIntegerField()
    cost = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value"], name="karta_daily_dimension_once"
            )
        ]
        indexes = [models.Index(fields=["dimension", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}"


class UsageMonthly(models.Model):
    """Uses per calendar month (Europe/Warsaw), category, partner and holder's district: the
    open-data dataset and the monthly trend read these rows, never the raw events.

    Kept up to date incrementally by ``karta.actions.usage_monthly_refresh`` (beat task
    ``karta.refresh_usage_monthly``): only the months of events recorded since the last run
    are recomputed, each from the events with one GROUP BY, so a rerun writes the same rows.
    """

    month = models.DateField()  # the first day of the month
    category = models.CharField(max_length=20, choices=Category.choices)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    uses = models.PositiveIntegerField()
    discount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "category", "partner", "district"],
                name="karta_monthly_cell_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="karta_monthly_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category} {self.partner_id} {self.district_id}"


class RollupWatermark(models.Model):
    """How far (by ``UsageEvent.recorded_at``) a roll-up has consumed the events."""

    name = models.CharField(max_length=40, unique=True)
    recorded_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.recorded_until:%Y-%m-%d %H:%M}"
