"""The citizen account: one user per person, e-mail login, a public UUID for URLs and APIs."""

import hashlib
import secrets
import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import (
    mask_pesel,
    validate_krakow_postal_code,
    validate_pesel,
    validate_phone,
)


class VerificationLevel(models.IntegerChoices):
    """How sure the city is of who the account belongs to (R-ACC-3); rights depend on it."""

    UNVERIFIED = 0, _("e-mail niepotwierdzony")
    EMAIL = 1, _("potwierdzony e-mail")
    RESIDENT = 2, _("zweryfikowany mieszkaniec Krakowa")


class VerificationMethod(models.TextChoices):
    IN_PERSON = "in_person", _("osobiście w urzędzie")
    KARTA = "karta", _("status Karty Krakowskiej (zatwierdzony PIT)")


class IdentityDocument(models.TextChoices):
    """The type of document a clerk saw; its number is never recorded."""

    ID_CARD = "id_card", _("dowód osobisty")
    PASSPORT = "passport", _("paszport")
    RESIDENCE_CARD = "residence_card", _("karta pobytu")
    MOBILE_ID = "mobile_id", _("mObywatel")


class Sex(models.TextChoices):
    FEMALE = "F", _("kobieta")
    MALE = "M", _("mężczyzna")


class Department(models.Model):
    """A department (wydział) of the city office; clerks work for one or more."""

    code = models.SlugField(_("kod"), max_length=20, unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wydział")
        verbose_name_plural = _("wydziały")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a portal account. URLs and the API name users by ``public_id`` only."""

    public_id = models.UUIDField(
        _("identyfikator publiczny"), default=uuid.uuid4, unique=True, editable=False
    )
    # Nullable: a resident registered at the office may have no e-mail (assisted channel).
    email = models.EmailField(_("adres e-mail"), max_length=254, unique=True, null=True, blank=True)
    first_name = models.CharField(_("imię"), max_length=150, blank=True)
    last_name = models.CharField(_("nazwisko"), max_length=150, blank=True)
    # PESEL is personal data: never in URLs or logs, shown masked; unique: one person, one account.
    pesel = models.CharField(
        _("PESEL"), max_length=11, unique=True, null=True, blank=True, validators=[validate_pesel]
    )
    birth_date = models.DateField(_("data urodzenia"), null=True, blank=True, editable=False)
    sex = models.CharField(_("płeć"), max_length=1, choices=Sex.choices, blank=True, editable=False)
    street_address = models.CharField(_("ulica i numer"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("kod pocztowy"), max_length=6, blank=True, validators=[validate_krakow_postal_code]
    )
    city = models.CharField(_("miejscowość"), max_length=100, blank=True, default="Kraków")
    district = models.ForeignKey(
        "districts.District",
        verbose_name=_("dzielnica"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    phone = models.CharField(_("telefon"), max_length=20, blank=True, validators=[validate_phone])
    preferred_language = models.CharField(
        _("preferowany język"),
        max_length=5,
        choices=[("pl", "polski"), ("en", "English")],
        default="pl",
    )
    # Verified residency (level RESIDENT); reset when the address or district changes.
    resident_verified_at = models.DateTimeField(
        _("zweryfikowano zamieszkanie"), null=True, blank=True
    )
    resident_verified_by = models.ForeignKey(
        "self",
        verbose_name=_("zweryfikował(a)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resident_verification_method = models.CharField(
        _("sposób weryfikacji"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    resident_verification_document = models.CharField(
        _("okazany dokument"), max_length=20, choices=IdentityDocument.choices, blank=True
    )
    resident_verified_until = models.DateField(_("weryfikacja ważna do"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("zanonimizowano"), null=True, blank=True, editable=False)
    is_staff = models.BooleanField(_("pracownik urzędu"), default=False)
    is_active = models.BooleanField(_("aktywne"), default=True)
    date_joined = models.DateTimeField(_("data rejestracji"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("użytkownik")
        verbose_name_plural = _("użytkownicy")
        constraints = [
            # Also the index behind every e-mail lookup: claims, the admin's exact e-mail search.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [
            # The admin's name search matches whole names case-insensitively through these.
            models.Index(Upper("last_name"), name="accounts_user_last_name_ci"),
            models.Index(Upper("first_name"), name="accounts_user_first_name_ci"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email or str(self.public_id)

    @property
    def pesel_masked(self) -> str:
        return mask_pesel(self.pesel or "")

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email or ""


class Role(models.TextChoices):
    """Roles of R-ACC-6. Each has a Django group (same name) holding its model permissions;
    object-level scope (department, district) lives on RoleAssignment."""

    CLERK = "clerk", _("urzędnik")
    COUNCIL_MEMBER = "council_member", _("członek rady dzielnicy")
    MODERATOR = "moderator", _("moderator konsultacji")
    ASSISTANT = "assistant", _("asystent mieszkańca")
    ADMINISTRATOR = "administrator", _("administrator")


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("rola"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("wydział"), null=True, blank=True, on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        "districts.District",
        verbose_name=_("dzielnica"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("nadano"), default=timezone.now)
    ends_on = models.DateField(_("do dnia"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rola użytkownika")
        verbose_name_plural = _("role użytkowników")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="clerk") | models.Q(department__isnull=False),
                name="accounts_clerk_has_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="council_member") | models.Q(district__isnull=False),
                name="accounts_council_member_has_district",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department", "district"],
                nulls_distinct=False,
                name="accounts_roleassignment_unique",
            ),
        ]

    def __str__(self) -> str:
        scope = self.department or self.district or ""
        return f"{self.user} — {self.get_role_display()} {scope}".strip()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the secret is shown once at creation."""

    PREFIX = "kp_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nazwa"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("początek klucza"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now)
    last_used_at = models.DateTimeField(_("ostatnio użyty"), null=True, blank=True)
    expires_at = models.DateTimeField(_("wygasa"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("unieważniono"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("tokeny API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def new_secret() -> str:
        return ApiToken.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)


class DigestFrequency(models.TextChoices):
    NEVER = "never", _("nie wysyłaj")
    DAILY = "daily", _("codziennie")
    WEEKLY = "weekly", _("co tydzień")


class NotificationTopic(models.TextChoices):
    CONSULTATIONS = "consultations", _("konsultacje społeczne")
    BUDGET = "budget", _("budżet obywatelski")
    REFERENDA = "referenda", _("referenda i głosowania")
    DISTRICT = "district", _("sprawy dzielnicy")
    SERVICES = "services", _("e-usługi i sprawy w urzędzie")
    TRAININGS = "trainings", _("szkolenia cyfrowe")


class NotificationPreference(models.Model):
    """What a resident wants to hear about (topics, districts) and how often (R-ACC-2)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notification_pref")
    topics = models.JSONField(_("tematy"), default=list, blank=True)
    districts = models.ManyToManyField(
        "districts.District", verbose_name=_("dzielnice"), blank=True, related_name="+"
    )
    digest_frequency = models.CharField(
        _("częstotliwość podsumowań"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("preferencje powiadomień")
        verbose_name_plural = _("preferencje powiadomień")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_frequency__in=DigestFrequency.values),
                name="accounts_notificationpref_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ConsentKind(models.TextChoices):
    TERMS = "terms", _("regulamin portalu")
    PRIVACY = "privacy", _("przetwarzanie danych osobowych")
    ASSISTED = "assisted", _("obsługa przez asystenta mieszkańca")
    NEWSLETTER = "newsletter", _("powiadomienia e-mail")


#: The versions of the texts a resident accepts now (shown on the terms page, stored with each
#: consent). A new version of a text gets a new identifier here; old consents keep theirs.
CURRENT_CONSENT_VERSIONS = {"terms": "2026-11", "privacy": "2026-11"}


class ConsentChannel(models.TextChoices):
    ONLINE = "online", _("w portalu")
    PAPER = "paper", _("na papierze w urzędzie")


class ConsentRecord(models.Model):
    """Append-only consent log. After account deletion the row stays with the person cut off
    (proof that consent existed when data was processed)."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    kind = models.CharField(_("zgoda"), max_length=20, choices=ConsentKind.choices)
    version = models.CharField(_("wersja treści"), max_length=20, default="1")
    given = models.BooleanField(_("udzielona"), default=True)
    channel = models.CharField(_("kanał"), max_length=10, choices=ConsentChannel.choices)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("zapisano"), default=timezone.now)

    class Meta:
        verbose_name = _("zgoda")
        verbose_name_plural = _("rejestr zgód")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recorded_at:%Y-%m-%d})"


PROFILE_FIELD_NAMES = frozenset(
    ("first_name", "last_name", "pesel", "street_address", "postal_code", "district", "phone")
)

#: Labels of the kinds of assisted acts; a kind missing here shows as given.
ASSISTED_ACT_KINDS = {
    "register": _("założenie konta"),
    "activation_letter": _("wydruk listu aktywacyjnego"),
    "profile_update": _("poprawienie danych"),
    "training_signup": _("zapis na szkolenie"),
    # other apps' kinds (docs/DEVELOPING.md "Accounts interfaces")
    "case_filed": _("złożenie wniosku w urzędzie"),
    "survey_paper": _("wprowadzenie ankiety papierowej"),
    "budget_paper_ballot": _("wprowadzenie papierowej karty do głosowania (budżet obywatelski)"),
    "referendum_paper_vote": _("wprowadzenie papierowego głosu w referendum"),
}


class AssistedAct(models.Model):
    """Something an assistant did for a resident at the office (R-ACC-5): who, for whom, what."""

    assistant = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="assisted_acts_done"
    )
    resident = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="assisted_acts"
    )
    kind = models.CharField(_("czynność"), max_length=50)
    description = models.CharField(_("opis"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("wykonano"), default=timezone.now)

    class Meta:
        verbose_name = _("czynność asystenta")
        verbose_name_plural = _("czynności asystentów")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(assistant=models.F("resident")),
                name="accounts_assistedact_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.created_at:%Y-%m-%d})"

    @property
    def summary(self) -> str:
        """The act in words: its kind's label and, for profile corrections, the fields' names."""
        label = str(ASSISTED_ACT_KINDS.get(self.kind, self.kind))
        detail = self.description
        if self.kind == "profile_update" and detail:
            labels = {
                field.name: str(field.verbose_name)
                for field in User._meta.concrete_fields
                if field.name in PROFILE_FIELD_NAMES
            }
            detail = ", ".join(labels.get(name.strip(), name.strip()) for name in detail.split(","))
        return f"{label} ({detail})" if detail else label


class PeselLookup(models.Model):
    """Audit log of clerks' searches by PESEL: who searched, when, why and whom it found.

    The searched number itself is not stored (the log must not become a copy of the register).
    """

    clerk = models.ForeignKey(
        User,
        verbose_name=_("wyszukujący"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="pesel_lookups_done",
    )
    purpose = models.CharField(_("cel wyszukania"), max_length=200)
    found = models.ForeignKey(
        User,
        verbose_name=_("znaleziona osoba"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pesel_lookups",
    )
    performed_at = models.DateTimeField(_("wyszukano"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("wyszukanie po numerze PESEL")
        verbose_name_plural = _("rejestr wyszukiwań po numerze PESEL")
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"{self.clerk} ({self.performed_at:%Y-%m-%d %H:%M})"


class ActivationCode(models.Model):
    """One-time code printed on an activation letter. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kod aktywacyjny")
        verbose_name_plural = _("kody aktywacyjne")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class TrainingSession(models.Model):
    """A free digital-skills training (R-ACC-5) with a fixed number of seats."""

    title = models.CharField(_("temat"), max_length=200)
    place = models.CharField(_("miejsce"), max_length=200)
    starts_at = models.DateTimeField(_("początek"))
    seats = models.PositiveIntegerField(_("liczba miejsc"))
    seats_taken = models.PositiveIntegerField(_("zajęte miejsca"), default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("szkolenie cyfrowe")
        verbose_name_plural = _("szkolenia cyfrowe")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gt=0), name="accounts_training_seats"),
            # The capacity invariant: a sign-up that would overbook fails in the database.
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("seats")),
                name="accounts_training_not_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return self.seats - self.seats_taken


class TrainingSignup(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="signups")
    user = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="training_signups"
    )
    registered_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("zapis na szkolenie")
        verbose_name_plural = _("zapisy na szkolenia")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="accounts_training_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session} — {self.user}"
