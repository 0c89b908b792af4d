"""Writes on accounts: verification, roles. Each leaves history with the acting user."""

import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import (
    CURRENT_CONSENT_VERSIONS,
    ActivationCode,
    ApiToken,
    AssistedAct,
    ConsentChannel,
    ConsentKind,
    ConsentRecord,
    Department,
    DigestFrequency,
    IdentityDocument,
    NotificationPreference,
    NotificationTopic,
    PeselLookup,
    Role,
    RoleAssignment,
    TrainingSession,
    TrainingSignup,
    User,
    VerificationMethod,
)
from accounts.validators import (
    InvalidPesel,
    parse_pesel,
    validate_krakow_postal_code,
    validate_phone,
)
from districts.models import District


def _history_user(user: User, acting_user: User | None) -> None:
    user._history_user = acting_user  # type: ignore[attr-defined]


@transaction.atomic
def resident_verify_in_person(*, user: User, document_type: str, acting_user: User) -> User:
    """A clerk confirms, with an identity document in hand, that the person lives in Kraków.

    Only the document *type* is recorded, never its number (data minimisation).
    """
    if document_type not in IdentityDocument.values:
        raise ValidationError(_("Nieznany rodzaj dokumentu."), code="document_type")
    if user.district_id is None:
        raise ValidationError(
            _("Najpierw uzupełnij adres i dzielnicę mieszkańca."), code="district_missing"
        )
    user.resident_verified_at = timezone.now()
    user.resident_verified_by = acting_user
    user.resident_verification_method = VerificationMethod.IN_PERSON
    user.resident_verification_document = document_type
    user.resident_verified_until = None
    _history_user(user, acting_user)
    user.save()
    return user


@transaction.atomic
def resident_verify_by_karta(*, user: User, valid_until: date, acting_user: User | None) -> User:
    """The hook the Karta Krakowska app calls when a resident's PIT status is approved."""
    if user.district_id is None:
        raise ValidationError(
            _("Najpierw uzupełnij adres i dzielnicę mieszkańca."), code="district_missing"
        )
    user.resident_verified_at = timezone.now()
    user.resident_verified_by = acting_user
    user.resident_verification_method = VerificationMethod.KARTA
    user.resident_verification_document = ""
    user.resident_verified_until = valid_until
    _history_user(user, acting_user)
    user.save()
    return user


def resident_verification_clear(*, user: User) -> None:
    """Back to unverified residency (address or district changed); the caller saves."""
    user.resident_verified_at = None
    user.resident_verified_by = None
    user.resident_verification_method = ""
    user.resident_verification_document = ""
    user.resident_verified_until = None


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    acting_user: User | None,
    department: Department | None = None,
    district_id: int | None = None,
    ends_on: date | None = None,
) -> RoleAssignment:
    """Give ``user`` a role (scoped to a department or district) and its Django group."""
    scope: dict[str, Any] = {"department": department, "district_id": district_id}
    assignment, _created = RoleAssignment.objects.update_or_create(
        user=user, role=role, **scope, defaults={"granted_by": acting_user, "ends_on": ends_on}
    )
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if (
        role in (Role.CLERK, Role.MODERATOR, Role.ASSISTANT, Role.ADMINISTRATOR)
        and not user.is_staff
    ):
        user.is_staff = True
        _history_user(user, acting_user)
        user.save(update_fields=["is_staff"])
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, acting_user: User | None) -> None:
    user, role = assignment.user, assignment.role
    assignment._history_user = acting_user  # type: ignore[attr-defined]
    assignment.delete()
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        user.groups.remove(*Group.objects.filter(name=role))


# --- profile ---------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "pesel",
    "street_address",
    "postal_code",
    "district",
    "phone",
    "preferred_language",
)
# Changing any of these after verification sends residency back to unverified (R-ACC-3).
RESIDENCY_FIELDS = ("street_address", "postal_code", "district")


def _pesel_error(code: str) -> str:
    messages = {
        "format": _("PESEL musi składać się z 11 cyfr."),
        "checksum": _("Nieprawidłowy numer PESEL (błędna cyfra kontrolna)."),
        "date": _("Nieprawidłowy numer PESEL (data urodzenia nie istnieje)."),
    }
    return messages[code]


def profile_update(*, user: User, acting_user: User, **changes: Any) -> User:
    """Change profile fields (any subset of PROFILE_FIELDS) with one validation for page and API.

    Raises ValidationError keyed by field; nothing is saved then. A PESEL sets birth date and
    sex; a PESEL already used by another account is a field error (the unique index decides).
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if field == "pesel":
            if not value:
                clean["pesel"], clean["birth_date"], clean["sex"] = None, None, ""
                continue
            try:
                parsed = parse_pesel(value)
            except InvalidPesel as exc:
                errors["pesel"] = [_pesel_error(exc.code)]
                continue
            clean["pesel"], clean["birth_date"], clean["sex"] = (
                parsed.number,
                parsed.birth_date,
                parsed.sex,
            )
        elif field == "postal_code" and value:
            try:
                validate_krakow_postal_code(value)
            except ValidationError as exc:
                errors[field] = list(exc.messages)
            clean[field] = value
        elif field == "phone" and value:
            try:
                validate_phone(value)
            except ValidationError as exc:
                errors[field] = list(exc.messages)
            clean[field] = value
        elif field == "district":
            if value is not None and not isinstance(value, District):
                errors[field] = [_("Wybierz jedną z 18 dzielnic Krakowa.")]
            clean[field] = value
        elif field == "preferred_language":
            if value not in ("pl", "en"):
                errors[field] = [_("Wybierz język polski lub angielski.")]
            clean[field] = value
        elif field in ("first_name", "last_name"):
            if len(value) > 150:
                errors[field] = [_("Najwyżej 150 znaków.")]
            clean[field] = value
        else:
            if len(value) > 200:
                errors[field] = [_("Najwyżej 200 znaków.")]
            clean[field] = value
    if errors:
        raise ValidationError(errors)
    residency_changed = any(
        field in clean and clean[field] != getattr(user, field) for field in RESIDENCY_FIELDS
    )
    for field, value in clean.items():
        setattr(user, field, value)
    if residency_changed and user.resident_verified_at is not None:
        resident_verification_clear(user=user)
    _history_user(user, acting_user)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        user.refresh_from_db()
        if "pesel" in str(exc):
            raise ValidationError(
                {"pesel": [_("Ten numer PESEL jest już przypisany do innego konta.")]}
            ) from exc
        raise
    return user


# --- notification preferences ----------------------------------------------------------------


@transaction.atomic
def notification_preferences_update(
    *,
    user: User,
    topics: Iterable[str],
    district_ids: Iterable[int],
    digest_frequency: str,
    acting_user: User,
) -> NotificationPreference:
    topics = sorted(set(topics))
    district_ids = set(district_ids)
    errors: dict[str, list[str]] = {}
    if not set(topics) <= set(NotificationTopic.values):
        errors["topics"] = [_("Wybierz tematy z listy.")]
    if digest_frequency not in DigestFrequency.values:
        errors["digest_frequency"] = [_("Wybierz częstotliwość z listy.")]
    districts = list(District.objects.filter(pk__in=district_ids))
    if len(districts) != len(district_ids):
        errors["districts"] = [_("Wybierz dzielnice z listy.")]
    if errors:
        raise ValidationError(errors)
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    pref.topics = topics
    pref.digest_frequency = digest_frequency
    pref._history_user = acting_user  # type: ignore[attr-defined]
    pref.save()
    pref.districts.set(districts)
    return pref


# --- API tokens ------------------------------------------------------------------------------

MAX_ACTIVE_TOKENS = 10


@transaction.atomic
def api_token_create(*, user: User, name: str, acting_user: User) -> tuple[ApiToken, str]:
    """Create a personal token; returns it and the secret, which is never stored or shown again."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("Podaj nazwę tokenu (najwyżej 100 znaków).")]})
    # Lock the user row so two parallel requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": [_("Masz już najwięcej dozwolonych tokenów. Unieważnij któryś.")]}
        )
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash(secret), hint=secret[:8]
    )
    return token, secret


def api_token_revoke(*, token: ApiToken, acting_user: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# --- consent log -----------------------------------------------------------------------------


def terms_required_message() -> str:
    return _("Aby założyć konto, zaakceptuj regulamin i informację o ochronie danych.")


def consent_record(
    *,
    user: User,
    kind: str,
    channel: str,
    acting_user: User | None,
    given: bool = True,
    version: str = "1",
) -> ConsentRecord:
    if kind not in ConsentKind.values or channel not in ConsentChannel.values:
        raise ValidationError(_("Nieznany rodzaj zgody."))
    return ConsentRecord.objects.create(
        user=user,
        kind=kind,
        channel=channel,
        given=given,
        version=version,
        recorded_by=acting_user,
    )


def terms_acceptance_record(
    *, user: User, channel: str, acting_user: User | None
) -> list[ConsentRecord]:
    """Log that ``user`` accepted the portal terms and read the privacy notice, in their
    current versions (online sign-up, claiming an assisted account, or on paper at the office)."""
    return [
        consent_record(
            user=user,
            kind=kind,
            channel=channel,
            acting_user=acting_user,
            version=CURRENT_CONSENT_VERSIONS[kind],
        )
        for kind in (ConsentKind.TERMS, ConsentKind.PRIVACY)
    ]


# --- PESEL lookup by clerks ------------------------------------------------------------------


@transaction.atomic
def pesel_lookup(
    *, pesel: str, purpose: str, acting_user: User, assisting: bool = False
) -> User | None:
    """A clerk looks a person up by exact PESEL; every lookup is logged (who, when, why, whom).

    Raises PermissionError without the ``accounts.view_user`` permission and ValidationError
    (keyed by field) for a malformed number or a missing purpose; nothing is logged then.

    ``assisting=True`` is the one allowance for staff without ``accounts.view_user``: the
    calling app has already admitted ``acting_user`` to enter something for a resident at the
    office (e.g. a paper questionnaire typed in by an assistant); then the assistant role
    (``permissions.is_assistant``) suffices. The lookup is logged exactly the same way.
    """
    allowed = acting_user.has_perm("accounts.view_user") or (
        assisting and permissions.is_assistant(acting_user)
    )
    if not (acting_user.is_active and allowed):
        raise PermissionError("accounts.view_user required")
    errors: dict[str, list[str]] = {}
    try:
        number = parse_pesel(pesel).number
    except InvalidPesel as exc:
        errors["pesel"] = [_pesel_error(exc.code)]
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = [_("Podaj cel wyszukania, np. numer sprawy.")]
    elif len(purpose) > 200:
        errors["purpose"] = [_("Najwyżej 200 znaków.")]
    if errors:
        raise ValidationError(errors)
    found = User.objects.filter(pesel=number, anonymised_at__isnull=True).first()
    PeselLookup.objects.create(clerk=acting_user, purpose=purpose, found=found)
    return found


# --- GDPR deletion ---------------------------------------------------------------------------


@transaction.atomic
def account_delete(*, user: User, acting_user: User) -> None:
    """Erase a person (R-ACC-7): every app erases what it need not keep, then the account row is
    anonymised (not deleted) so ballots and case records the city must keep stay, unlinked."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from accounts.registry import gdpr_contributors

    for contributor in gdpr_contributors():
        if contributor.erase is not None:
            contributor.erase(user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    ActivationCode.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    for session in UserSession.objects.filter(user=user):
        session.end()
    user.role_assignments.all().delete()
    user.groups.clear()
    # The history rows hold the old personal values: they go too; one anonymised row remains.
    user.history.all().delete()
    for field in ("first_name", "last_name", "street_address", "postal_code", "phone"):
        setattr(user, field, "")
    user.email = None
    user.pesel = None
    user.birth_date = None
    user.sex = ""
    user.city = ""
    user.district = None
    resident_verification_clear(user=user)
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.anonymised_at = timezone.now()
    _history_user(user, acting_user)
    user.save()


# --- assisted channel ------------------------------------------------------------------------

ACTIVATION_CODE_DAYS = 60
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper


def _require_assistant(user: User) -> None:
    if not permissions.is_assistant(user):
        raise PermissionError("assistant role required")


def assisted_act_record(
    *, assistant: User, resident: User, kind: str, description: str = ""
) -> AssistedAct:
    """Record that ``assistant`` acted for ``resident``; other apps call this in their actions."""
    _require_assistant(assistant)
    if assistant.pk == resident.pk:
        raise ValidationError(_("Asystent nie może działać we własnym imieniu."))
    return AssistedAct.objects.create(
        assistant=assistant, resident=resident, kind=kind, description=description[:300]
    )


@transaction.atomic
def assisted_profile_update(*, assistant: User, resident: User, **changes: Any) -> User:
    """An assistant corrects a resident's profile at the office (same rules as the resident's
    own edits); the act is recorded with the names of the changed fields, never their values."""
    _require_assistant(assistant)
    if assistant.pk == resident.pk:
        raise ValidationError(_("Asystent nie może działać we własnym imieniu."))
    if changes.get("pesel", None) in ("", None):
        changes.pop("pesel", None)  # an empty PESEL field on the office form means "unchanged"
    before = {field: getattr(resident, field) for field in changes}
    profile_update(user=resident, acting_user=assistant, **changes)
    changed = sorted(field for field in changes if getattr(resident, field) != before[field])
    if changed:
        assisted_act_record(
            assistant=assistant,
            resident=resident,
            kind="profile_update",
            description=", ".join(changed),
        )
    return resident


def _new_activation_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@transaction.atomic
def activation_code_issue(*, user: User, acting_user: User) -> str:
    """A new one-time code for ``user`` (older unused ones are void). Returns the code once."""
    _require_assistant(acting_user)
    ActivationCode.objects.filter(user=user, used_at__isnull=True).delete()
    code = _new_activation_code()
    ActivationCode.objects.create(
        user=user,
        code_hash=ApiToken.hash(_normalise_code(code)),
        created_by=acting_user,
        expires_at=timezone.now() + timedelta(days=ACTIVATION_CODE_DAYS),
    )
    assisted_act_record(
        assistant=acting_user, resident=user, kind="activation_letter", description=""
    )
    return code


@transaction.atomic
def assisted_resident_register(
    *,
    assistant: User,
    first_name: str,
    last_name: str,
    paper_consent: bool,
    pesel: str = "",
    street_address: str = "",
    postal_code: str = "",
    district: District | None = None,
    phone: str = "",
) -> tuple[User, str]:
    """An assistant registers a resident without e-mail (R-ACC-5). Paper consent is required
    and logged; returns the account and the activation code for the letter."""
    _require_assistant(assistant)
    errors: dict[str, list[str]] = {}
    if not paper_consent:
        errors["paper_consent"] = [_("Bez podpisanej zgody nie można założyć konta.")]
    if not (first_name or "").strip():
        errors["first_name"] = [_("Podaj imię.")]
    if not (last_name or "").strip():
        errors["last_name"] = [_("Podaj nazwisko.")]
    if errors:
        raise ValidationError(errors)
    resident = User(email=None)
    resident.set_unusable_password()
    resident._history_user = assistant  # type: ignore[attr-defined]
    resident.save()
    profile_update(
        user=resident,
        acting_user=assistant,
        first_name=first_name,
        last_name=last_name,
        pesel=pesel,
        street_address=street_address,
        postal_code=postal_code,
        district=district,
        phone=phone,
    )
    consent_record(
        user=resident,
        kind=ConsentKind.ASSISTED,
        channel=ConsentChannel.PAPER,
        acting_user=assistant,
    )
    # The paper form carries the portal terms and the privacy notice in their current versions.
    terms_acceptance_record(user=resident, channel=ConsentChannel.PAPER, acting_user=assistant)
    assisted_act_record(assistant=assistant, resident=resident, kind="register")
    code = activation_code_issue(user=resident, acting_user=assistant)
    return resident, code


@transaction.atomic
def account_claim(*, code: str, email: str, password: str, accept_terms: bool) -> User:
    """The resident claims an assisted account with the letter's code, an e-mail and a password,
    accepting the portal terms online. The e-mail still has to be confirmed (allauth sends the
    message)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.password_validation import validate_password

    invalid = ValidationError({"code": [_("Kod jest nieprawidłowy, wykorzystany lub wygasł.")]})
    row = (
        ActivationCode.objects.select_for_update()
        .select_related("user")
        .filter(code_hash=ApiToken.hash(_normalise_code(code)), used_at__isnull=True)
        .first()
    )
    if row is None or row.expires_at <= timezone.now() or not row.user.is_active:
        raise invalid
    user = row.user
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not email or "@" not in email:
        errors["email"] = [_("Podaj poprawny adres e-mail.")]
    elif User.objects.alias(email_lower=Lower("email")).filter(email_lower=email).exists():
        # Lower(email) is what the unique index holds, so this is an index lookup.
        # The same wording as the sign-up form: no hint whether the address has an account.
        errors["email"] = [_("Nie można użyć tego adresu e-mail.")]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if not accept_terms:
        errors["accept_terms"] = [terms_required_message()]
    if errors:
        raise ValidationError(errors)
    user.email = email
    user.set_password(password)
    _history_user(user, user)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    terms_acceptance_record(user=user, channel=ConsentChannel.ONLINE, acting_user=user)
    return user


# --- digital-skills trainings ----------------------------------------------------------------


@transaction.atomic
def training_signup(*, session: TrainingSession, user: User, acting_user: User) -> TrainingSignup:
    """Sign ``user`` up (online, or by an assistant). The seat is taken by one conditional
    UPDATE, so parallel sign-ups cannot overbook; the check constraint is the backstop."""
    from accounts import tasks
    from config.celery import enqueue_after_commit

    if acting_user.pk != user.pk:
        _require_assistant(acting_user)
    if session.starts_at <= timezone.now():
        raise ValidationError(_("To szkolenie już się odbyło."))
    if TrainingSignup.objects.filter(session=session, user=user).exists():
        raise ValidationError(_("Jesteś już zapisany(-a) na to szkolenie."))
    taken = TrainingSession.objects.filter(pk=session.pk, seats_taken__lt=F("seats")).update(
        seats_taken=F("seats_taken") + 1
    )
    if not taken:
        raise ValidationError(_("Brak wolnych miejsc na tym szkoleniu."))
    try:
        with transaction.atomic():
            signup = TrainingSignup.objects.create(
                session=session, user=user, registered_by=acting_user
            )
    except IntegrityError as exc:
        raise ValidationError(_("Jesteś już zapisany(-a) na to szkolenie.")) from exc
    if acting_user.pk != user.pk:
        assisted_act_record(
            assistant=acting_user, resident=user, kind="training_signup", description=str(session)
        )
    if user.email:
        enqueue_after_commit(tasks.training_confirmation_send, signup.pk)
    return signup
