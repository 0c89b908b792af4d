"""Every write of the Karta Krakowska domain. Keyword-only; history records the acting user."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import resident_verify_by_karta
from accounts.models import User
from config.celery import enqueue_after_commit
from karta import keys
from karta.cardnumbers import generate_card_number
from karta.documents import DocumentError, check_document
from karta.models import (
    LARGE_FAMILY_MIN_CHILDREN,
    AgeBand,
    ApplicationStatus,
    Card,
    CardSerial,
    Carrier,
    DocumentKind,
    EntitlementMethod,
    EntitlementStatus,
    HolderGroup,
    LargeFamilyEntitlement,
    Location,
    Offer,
    OfferKind,
    Partner,
    PartnerApiKey,
    RollupWatermark,
    StatusApplication,
    UsageDailyDimension,
    UsageDailyOffer,
    UsageEvent,
    UsageMonthly,
)
from karta.tokens import TokenError, verify_token

STATUS_DURATION_DAYS = 365
REMINDER_DAYS_BEFORE = 30
#: How late an offline terminal may report a use, and how far ahead its clock may run.
MAX_EVENT_AGE = timedelta(days=30)
MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_BULK_EVENTS = 1000


def document_error_message(code: str) -> str:
    # Looked up at call time so the active language applies.
    messages = {
        "empty": _("Plik jest pusty."),
        "too_large": _("Plik jest większy niż 10 MB."),
        "unsupported_type": _(
            "Dozwolone są tylko pliki PDF, JPEG i PNG (sprawdzamy zawartość pliku)."
        ),
        "corrupt": _("Pliku nie da się odczytać: jest uszkodzony lub niekompletny."),
        "encrypted": _(
            "Plik PDF jest zaszyfrowany lub chroniony hasłem. Prześlij wersję bez hasła."
        ),
        "active_content": _("Plik PDF zawiera aktywną treść (skrypty lub załączniki)."),
        "pages": _("Plik PDF może mieć od 1 do 10 stron."),
        "image_size": _("Obraz ma nieprawidłowe wymiary (za mały lub za duży)."),
    }
    return messages.get(code, messages["corrupt"])


def _history(obj: Any, acting_user: User | None) -> None:
    obj._history_user = acting_user


# --------------------------------------------------------------------------------------------
# R-KK-1 resident status
# --------------------------------------------------------------------------------------------


def status_application_submit(
    *, user: User, document_kind: str, data: bytes, acting_user: User
) -> StatusApplication:
    """File a PIT/UPO proof. Raises ``ValidationError`` (nothing stored) for a bad file, an
    unknown kind, or when an application is already waiting for a decision."""
    if document_kind not in DocumentKind.values:
        raise ValidationError(_("Wybierz rodzaj dokumentu."), code="document_kind")
    try:
        clean = check_document(data)
    except DocumentError as exc:
        raise ValidationError(document_error_message(exc.code), code=exc.code) from exc
    if StatusApplication.objects.pending().filter(user=user).exists():
        raise ValidationError(
            _("Masz już wniosek, który czeka na decyzję urzędnika."), code="pending_exists"
        )
    storage = storages["private"]
    name = storage.save(f"karta/{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.content))
    try:
        with transaction.atomic():
            application = StatusApplication(
                user=user,
                document_kind=document_kind,
                file_name=name,
                content_type=clean.content_type,
                file_size=len(clean.content),
                file_sha256=hashlib.sha256(clean.content).hexdigest(),
            )
            _history(application, acting_user)
            application.save()
    except IntegrityError as exc:
        storage.delete(name)
        raise ValidationError(
            _("Masz już wniosek, który czeka na decyzję urzędnika."), code="pending_exists"
        ) from exc
    except BaseException:
        storage.delete(name)
        raise
    return application


_Reviewed = TypeVar("_Reviewed", StatusApplication, LargeFamilyEntitlement)


def _decide(pending: _Reviewed) -> _Reviewed:
    """The application or entitlement locked for a decision; refused unless still pending."""
    locked = type(pending).objects.select_for_update().get(pk=pending.pk)
    if locked.status != "pending":  # ApplicationStatus.PENDING == EntitlementStatus.PENDING
        raise ValidationError(_("O tym wniosku już zdecydowano."), code="already_decided")
    return locked


def _required_reason(reason: str | None, missing: str) -> str:
    """The clerk's reason, stripped; ``missing`` (a translated message) when it is empty."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(missing, code="reason_required")
    return reason


@transaction.atomic
def status_application_approve(
    *, application: StatusApplication, acting_user: User
) -> StatusApplication:
    """Approve for 12 months, mark the account a verified resident, e-mail the resident."""
    from karta import tasks

    locked = _decide(application)
    today = timezone.localdate()
    locked.status = ApplicationStatus.APPROVED
    locked.decided_at = timezone.now()
    locked.decided_by = acting_user
    locked.valid_until = today + timedelta(days=STATUS_DURATION_DAYS)
    _history(locked, acting_user)
    locked.save()
    resident_verify_by_karta(
        user=locked.user, valid_until=locked.valid_until, acting_user=acting_user
    )
    enqueue_after_commit(tasks.send_decision_email, locked.pk)
    return locked


@transaction.atomic
def status_application_reject(
    *, application: StatusApplication, acting_user: User, reason: str
) -> StatusApplication:
    from karta import tasks

    reason = _required_reason(reason, _("Podaj powód odrzucenia."))
    locked = _decide(application)
    locked.status = ApplicationStatus.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = acting_user
    locked.rejection_reason = reason[:2000]
    _history(locked, acting_user)
    locked.save()
    enqueue_after_commit(tasks.send_decision_email, locked.pk)
    return locked


def status_documents_purge(*, now: datetime | None = None) -> int:
    """Delete files decided more than the retention period ago; safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KARTA_DOCUMENT_RETENTION_DAYS)
    storage = storages["private"]
    due = StatusApplication.objects.filter(
        decided_at__lt=cutoff, file_deleted_at__isnull=True
    ).exclude(file_name="")
    count = 0
    for application in due:
        storage.delete(application.file_name)
        application.file_deleted_at = now
        _history(application, None)
        application.save(update_fields=["file_deleted_at"])
        count += 1
    family_due = LargeFamilyEntitlement.objects.filter(
        decided_at__lt=cutoff, file_deleted_at__isnull=True
    ).exclude(file_name="")
    for entitlement in family_due:
        storage.delete(entitlement.file_name)
        entitlement.file_deleted_at = now
        _history(entitlement, None)
        entitlement.save(update_fields=["file_deleted_at"])
        count += 1
    return count


def status_reminders_due(*, today: date | None = None) -> list[int]:
    """Mark approvals expiring within 30 days as reminded; returns the ids to e-mail.

    The conditional UPDATE claims each row once, so two beat runs never send twice.
    """
    today = today or timezone.localdate()
    candidates = list(
        StatusApplication.objects.filter(
            status=ApplicationStatus.APPROVED,
            reminder_sent_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=REMINDER_DAYS_BEFORE),
        ).values_list("pk", flat=True)
    )
    claimed = []
    for pk in candidates:
        if StatusApplication.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        ):
            claimed.append(pk)
    return claimed


# --------------------------------------------------------------------------------------------
# Large-family entitlement (Karta Dużej Rodziny)
# --------------------------------------------------------------------------------------------

#: An entitlement lasts as long as the family's Karta Dużej Rodziny, but never longer than
#: this without a new check (children grow up; the KDR of a parent is indefinite).
LARGE_FAMILY_MAX_DAYS = 3 * 365


def current_large_family(user: User) -> LargeFamilyEntitlement | None:
    """The approved, unexpired large-family entitlement of ``user``, if any."""
    return (
        LargeFamilyEntitlement.objects.filter(
            user=user,
            status=EntitlementStatus.APPROVED,
            valid_until__gte=timezone.localdate(),
        )
        .order_by("-valid_until")
        .first()
    )


def _check_grant(valid_until: date | None, children_count: int | None) -> date:
    today = timezone.localdate()
    if valid_until is None or valid_until <= today:
        raise ValidationError(
            _("Podaj datę ważności Karty Dużej Rodziny (w przyszłości)."), code="valid_until"
        )
    if valid_until > today + timedelta(days=LARGE_FAMILY_MAX_DAYS):
        raise ValidationError(
            _("Uprawnienie można przyznać najwyżej na 3 lata."), code="valid_until_too_far"
        )
    if children_count is None or children_count < LARGE_FAMILY_MIN_CHILDREN:
        raise ValidationError(
            _("Rodzina wielodzietna to rodzina z co najmniej trojgiem dzieci."),
            code="children_count",
        )
    return valid_until


def large_family_submit(*, user: User, data: bytes, acting_user: User) -> LargeFamilyEntitlement:
    """File a scan of the Karta Dużej Rodziny (or the decision granting it) for review.
    Raises ``ValidationError`` (nothing stored) for a bad file or a pending request."""
    try:
        clean = check_document(data)
    except DocumentError as exc:
        raise ValidationError(document_error_message(exc.code), code=exc.code) from exc
    pending = _("Masz już wniosek o uprawnienie rodziny wielodzietnej, który czeka na decyzję.")
    if LargeFamilyEntitlement.objects.filter(user=user, status=EntitlementStatus.PENDING).exists():
        raise ValidationError(pending, code="pending_exists")
    storage = storages["private"]
    name = storage.save(f"karta/{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.content))
    try:
        with transaction.atomic():
            entitlement = LargeFamilyEntitlement(
                user=user,
                method=EntitlementMethod.DOCUMENT,
                file_name=name,
                content_type=clean.content_type,
                file_size=len(clean.content),
                file_sha256=hashlib.sha256(clean.content).hexdigest(),
            )
            _history(entitlement, acting_user)
            entitlement.save()
    except IntegrityError as exc:
        storage.delete(name)
        raise ValidationError(pending, code="pending_exists") from exc
    except BaseException:
        storage.delete(name)
        raise
    return entitlement


@transaction.atomic
def large_family_verify_in_person(
    *, user: User, valid_until: date | None, children_count: int | None, acting_user: User
) -> LargeFamilyEntitlement:
    """A clerk saw the original Karta Dużej Rodziny at the office: the entitlement is
    approved at once (no file is kept). A pending upload of the same person is closed."""
    valid_until = _check_grant(valid_until, children_count)
    if not (user.is_active and user.is_authenticated):
        raise ValidationError(_("Konto mieszkańca jest nieaktywne."), code="inactive")
    now = timezone.now()
    for pending in LargeFamilyEntitlement.objects.select_for_update().filter(
        user=user, status=EntitlementStatus.PENDING
    ):
        pending.status = EntitlementStatus.REJECTED
        pending.decided_at = now
        pending.decided_by = acting_user
        pending.rejection_reason = _("Zastąpione weryfikacją w urzędzie.")
        _history(pending, acting_user)
        pending.save()
    entitlement = LargeFamilyEntitlement(
        user=user,
        method=EntitlementMethod.CLERK,
        status=EntitlementStatus.APPROVED,
        children_count=children_count,
        decided_at=now,
        decided_by=acting_user,
        valid_until=valid_until,
    )
    _history(entitlement, acting_user)
    entitlement.save()
    return entitlement


@transaction.atomic
def large_family_approve(
    *,
    entitlement: LargeFamilyEntitlement,
    valid_until: date | None,
    children_count: int | None,
    acting_user: User,
) -> LargeFamilyEntitlement:
    """Approve an uploaded proof until ``valid_until`` (the KDR's own expiry, ≤ 3 years)."""
    from karta import tasks

    valid_until = _check_grant(valid_until, children_count)
    locked = _decide(entitlement)
    locked.status = EntitlementStatus.APPROVED
    locked.decided_at = timezone.now()
    locked.decided_by = acting_user
    locked.valid_until = valid_until
    locked.children_count = children_count
    _history(locked, acting_user)
    locked.save()
    enqueue_after_commit(tasks.send_large_family_email, locked.pk)
    return locked


@transaction.atomic
def large_family_reject(
    *, entitlement: LargeFamilyEntitlement, reason: str, acting_user: User
) -> LargeFamilyEntitlement:
    from karta import tasks

    reason = _required_reason(reason, _("Podaj powód odrzucenia."))
    locked = _decide(entitlement)
    locked.status = EntitlementStatus.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = acting_user
    locked.rejection_reason = reason[:2000]
    _history(locked, acting_user)
    locked.save()
    enqueue_after_commit(tasks.send_large_family_email, locked.pk)
    return locked


@transaction.atomic
def large_family_revoke(
    *, entitlement: LargeFamilyEntitlement, reason: str, acting_user: User
) -> LargeFamilyEntitlement:
    """Withdraw an approved entitlement (e.g. the KDR was cancelled) and revoke the
    person's live cards in the large-family group: they must not keep its discounts."""
    reason = _required_reason(reason, _("Podaj powód cofnięcia."))
    locked = LargeFamilyEntitlement.objects.select_for_update().get(pk=entitlement.pk)
    if locked.status != EntitlementStatus.APPROVED:
        raise ValidationError(
            _("Cofnąć można tylko zatwierdzone uprawnienie."), code="not_approved"
        )
    locked.status = EntitlementStatus.REVOKED
    locked.rejection_reason = reason[:2000]
    _history(locked, acting_user)
    locked.save()
    if current_large_family(locked.user) is None:
        for card in Card.objects.filter(
            holder=locked.user, holder_group=HolderGroup.LARGE_FAMILY, revoked_at__isnull=True
        ):
            card_revoke(
                card=card,
                acting_user=acting_user,
                reason=_("cofnięto uprawnienie rodziny wielodzietnej"),
            )
    return locked


# --------------------------------------------------------------------------------------------
# R-KK-2 cards
# --------------------------------------------------------------------------------------------


def current_status(user: User) -> StatusApplication | None:
    return (
        StatusApplication.objects.filter(
            user=user,
            status=ApplicationStatus.APPROVED,
            valid_until__gte=timezone.localdate(),
        )
        .order_by("-valid_until")
        .first()
    )


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@transaction.atomic
def card_issue(
    *,
    holder: User,
    carrier: str,
    acting_user: User,
    child_first_name: str = "",
    child_birth_date: date | None = None,
    large_family: bool = False,
) -> Card:
    """Issue a card to a resident with a current status, or to their child under 18.

    The card is valid as long as the status; the group follows the person's age
    (child < 18, senior ≥ 65) unless ``large_family`` is asked for, which needs a current
    :class:`LargeFamilyEntitlement` (and the card then ends with it).
    """
    entitlement: LargeFamilyEntitlement | None = None
    if carrier not in Carrier.values:
        raise ValidationError(_("Wybierz nośnik karty."), code="carrier")
    status = current_status(holder)
    if status is None or status.valid_until is None:
        raise ValidationError(
            _("Karta wymaga zatwierdzonego statusu mieszkańca."), code="status_required"
        )
    today = timezone.localdate()
    child_first_name = (child_first_name or "").strip()
    if bool(child_first_name) != (child_birth_date is not None):
        raise ValidationError(_("Podaj imię i datę urodzenia dziecka."), code="child_incomplete")
    if child_birth_date is not None:
        if child_birth_date > today or _age(child_birth_date, today) >= 18:
            raise ValidationError(
                _("Kartę dziecka można wydać tylko dla dziecka poniżej 18 lat."), code="child_age"
            )
        group = HolderGroup.CHILD
    elif large_family:
        entitlement = current_large_family(holder)
        if entitlement is None or entitlement.valid_until is None:
            raise ValidationError(
                _("Karta rodziny wielodzietnej wymaga zatwierdzonego uprawnienia."),
                code="large_family_required",
            )
        group = HolderGroup.LARGE_FAMILY
    elif holder.birth_date and _age(holder.birth_date, today) >= 65:
        group = HolderGroup.SENIOR
    else:
        group = HolderGroup.ADULT
    valid_until = status.valid_until
    if group == HolderGroup.LARGE_FAMILY and entitlement is not None and entitlement.valid_until:
        valid_until = min(valid_until, entitlement.valid_until)
    if child_birth_date is not None:
        # A child's card ends on the 18th birthday at the latest.
        eighteenth = (
            child_birth_date.replace(year=child_birth_date.year + 18)
            if not (child_birth_date.month == 2 and child_birth_date.day == 29)
            else date(child_birth_date.year + 18, 3, 1)
        )
        valid_until = min(valid_until, eighteenth - timedelta(days=1))
    serial = CardSerial.objects.create()
    card = Card(
        number=generate_card_number(serial.pk),
        holder=holder,
        holder_group=group,
        carrier=carrier,
        child_first_name=child_first_name,
        child_birth_date=child_birth_date,
        valid_from=today,
        valid_until=valid_until,
    )
    _history(card, acting_user)
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Ta osoba ma już ważną kartę na tym nośniku."), code="card_exists"
        ) from exc
    return card


@transaction.atomic
def card_revoke(*, card: Card, acting_user: User, reason: str) -> Card:
    locked = Card.objects.select_for_update().get(pk=card.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revocation_reason = (reason or "").strip()[:200] or _("unieważniona")
    _history(locked, acting_user)
    locked.save()
    return locked


@transaction.atomic
def card_suspend(*, card: Card, acting_user: User, reason: str) -> Card:
    """Stop a card for now (a partner's check and new QR codes refuse it); reversible."""
    reason = _required_reason(reason, _("Podaj powód zawieszenia."))
    locked = Card.objects.select_for_update().get(pk=card.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("Karta jest już unieważniona."), code="card_revoked")
    if locked.suspended_at is not None:
        raise ValidationError(_("Karta jest już zawieszona."), code="card_suspended")
    locked.suspended_at = timezone.now()
    locked.suspension_reason = reason[:200]
    _history(locked, acting_user)
    locked.save()
    return locked


@transaction.atomic
def card_reinstate(*, card: Card, acting_user: User) -> Card:
    locked = Card.objects.select_for_update().get(pk=card.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("Karta jest już unieważniona."), code="card_revoked")
    if locked.suspended_at is None:
        raise ValidationError(_("Karta nie jest zawieszona."), code="card_not_suspended")
    locked.suspended_at = None
    locked.suspension_reason = ""
    _history(locked, acting_user)
    locked.save()
    return locked


def card_token(*, card: Card, now: datetime | None = None) -> str:
    """The QR text for an active card (signing is not a write: nothing is stored)."""
    if not card.is_active:
        raise ValidationError(_("Karta jest nieważna."), code="card_inactive")
    now = now or timezone.now()
    end = datetime.combine(
        card.valid_until + timedelta(days=1),
        datetime.min.time(),
        tzinfo=timezone.get_current_timezone(),
    )
    return keys.sign_card_token(
        number=card.number, group=card.holder_group, now=now, card_valid_until=end
    )


# --------------------------------------------------------------------------------------------
# R-KK-3 / R-KK-4 partners and usage
# --------------------------------------------------------------------------------------------


@transaction.atomic
def partner_api_key_issue(*, partner: Partner, acting_user: User | None) -> str:
    """Create the partner's API key, or rotate it: the live key (if any) stops working at
    once. Returns the key, which is never stored (only its SHA-256): show it once."""
    Partner.objects.select_for_update().filter(pk=partner.pk).first()  # serialise rotations
    now = timezone.now()
    for live in PartnerApiKey.objects.live().filter(partner=partner):
        live.revoked_at = now
        live.revoked_by = acting_user
        _history(live, acting_user)
        live.save()
    raw = "kkp_" + secrets.token_urlsafe(32)
    key = PartnerApiKey(
        partner=partner,
        key_hash=Partner.hash_key(raw),
        hint=raw[:10],
        created_by=acting_user,
    )
    _history(key, acting_user)
    key.save()
    return raw


@transaction.atomic
def partner_api_key_revoke(*, partner: Partner, acting_user: User) -> int:
    """Revoke the partner's live key (its terminals stop at once); returns how many."""
    count = 0
    for live in PartnerApiKey.objects.select_for_update().live().filter(partner=partner):
        live.revoked_at = timezone.now()
        live.revoked_by = acting_user
        _history(live, acting_user)
        live.save()
        count += 1
    if not count:
        raise ValidationError(_("Ten partner nie ma ważnego klucza API."), code="no_live_key")
    return count


class UsageError(Exception):
    """A refused check or use; ``code`` is stable for terminals, ``message`` translated."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CardCheck:
    card: Card
    offers: list[Offer]


def card_check(*, partner: Partner, token: str, at: datetime | None = None) -> CardCheck:
    """Verify a scanned token as the city does (signature, expiry, revocation) and list the
    partner's offers that apply to the holder's group. Raises :class:`UsageError`."""
    at = at or timezone.now()
    try:
        verified = verify_token(token, keys.public_keys(), at)
    except TokenError as exc:
        messages = {
            "expired": _("Token karty wygasł."),
            "not_yet_valid": _("Token karty nie jest jeszcze ważny."),
        }
        raise UsageError(
            f"token_{exc.code}",
            messages.get(exc.code, _("Token karty jest nieprawidłowy lub podrobiony.")),
        ) from exc
    card = Card.objects.select_related("holder").filter(number=verified.card_number).first()
    if card is None:
        raise UsageError("card_unknown", _("Nie znaleziono karty."))
    if card.revoked_at is not None and card.revoked_at <= at:
        raise UsageError("card_revoked", _("Karta została unieważniona."))
    if card.suspended_at is not None and card.suspended_at <= at:
        raise UsageError("card_suspended", _("Karta jest zawieszona."))
    day = timezone.localdate(at)
    if not card.valid_from <= day <= card.valid_until:
        raise UsageError("card_expired", _("Karta jest nieważna."))
    offers = list(
        Offer.objects.filter(partner=partner, is_active=True, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(**{f"for_{verified.holder_group.value}": True})
    )
    return CardCheck(card=card, offers=offers)


def _discount(offer: Offer, price: Decimal) -> Decimal:
    if offer.kind == OfferKind.FREE:
        value = price
    elif offer.kind == OfferKind.FIXED_PRICE:
        value = max(price - (offer.fixed_price or Decimal(0)), Decimal(0))
    else:
        value = price * Decimal(offer.percent or 0) / Decimal(100)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return AgeBand.UNKNOWN
    age = _age(birth, on)
    if age < 18:
        return AgeBand.UNDER_18
    if age <= 25:
        return AgeBand.YOUNG
    if age < 65:
        return AgeBand.ADULT
    return AgeBand.SENIOR


def usage_record(
    *,
    partner: Partner,
    token: str,
    offer_id: int,
    event_id: str,
    occurred_at: datetime,
    price: Decimal | None = None,
    location_id: int | None = None,
) -> tuple[UsageEvent, bool]:
    """Record one use, idempotently by the partner's ``event_id``.

    Returns ``(event, created)``; a replay of the same event returns the stored one with
    ``created=False`` and records nothing. The token is checked as of ``occurred_at`` (an
    offline terminal reports later), which may lie at most 30 days back.
    """
    event_id = (event_id or "").strip()
    if not event_id or len(event_id) > 64:
        raise UsageError("event_id", _("Identyfikator zdarzenia jest wymagany (do 64 znaków)."))
    if timezone.is_naive(occurred_at):
        raise UsageError("occurred_at", _("Czas zdarzenia musi zawierać strefę czasową."))
    now = timezone.now()
    if occurred_at > now + MAX_CLOCK_SKEW or occurred_at < now - MAX_EVENT_AGE:
        raise UsageError("occurred_at", _("Czas zdarzenia jest w przyszłości lub zbyt dawny."))
    existing = UsageEvent.objects.filter(partner=partner, event_id=event_id).first()
    if existing is not None:
        return existing, False
    check = card_check(partner=partner, token=token, at=occurred_at)
    offer = next((o for o in check.offers if o.pk == offer_id), None)
    if offer is None:
        raise UsageError(
            "offer_not_applicable", _("Ta oferta nie przysługuje tej karcie u tego partnera.")
        )
    location = None
    if location_id is not None:
        location = Location.objects.filter(pk=location_id, partner=partner).first()
        if location is None:
            raise UsageError("location", _("Nieznana lokalizacja partnera."))
    if price is None:
        price = offer.regular_price
    if price is None or price < 0 or price > Decimal("100000"):
        raise UsageError("price", _("Podaj cenę regularną (zł)."))
    price = price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    card = check.card
    holder = card.holder
    birth = card.child_birth_date or holder.birth_date
    event = UsageEvent(
        partner=partner,
        offer=offer,
        card=card,
        location=location,
        event_id=event_id,
        occurred_at=occurred_at,
        price=price,
        discount=_discount(offer, price),
        category=offer.category,
        holder_group=card.holder_group,
        district_id=holder.district_id,
        age_band=age_band(birth, timezone.localdate(occurred_at)),
    )
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        # A concurrent replay won the race: the stored event is the answer.
        return UsageEvent.objects.get(partner=partner, event_id=event_id), False
    return event, True


# --------------------------------------------------------------------------------------------
# GDPR
# --------------------------------------------------------------------------------------------


def karta_personal_data_erase(*, user: User) -> None:
    """Erase a person's Karta data (inside the account deletion transaction): the tax
    documents and applications, large-family entitlements, the cards and their history. Usage events stay for the
    statistics, already unlinked from the card (district, age band and group only)."""
    storage = storages["private"]
    applications = StatusApplication.objects.filter(user=user)
    names = [name for name in applications.values_list("file_name", flat=True) if name]
    applications.delete()
    # After the deletes: deleting a row writes one more history row, with the old values.
    StatusApplication.history.filter(user_id=user.pk).delete()
    entitlements = LargeFamilyEntitlement.objects.filter(user=user)
    names += [name for name in entitlements.values_list("file_name", flat=True) if name]
    entitlements.delete()
    LargeFamilyEntitlement.history.filter(user_id=user.pk).delete()
    cards = Card.objects.filter(holder=user)
    UsageEvent.objects.filter(card__in=cards).update(card=None)
    cards.delete()
    Card.history.filter(holder_id=user.pk).delete()

    # Files go only once the rows are gone: after a commit nothing points at them.
    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


# --------------------------------------------------------------------------------------------
# Analytics roll-up
# --------------------------------------------------------------------------------------------

#: Offline terminals may report up to MAX_EVENT_AGE late: the refresh rebuilds that window.
ROLLUP_WINDOW_DAYS = MAX_EVENT_AGE.days + 1


@transaction.atomic
def usage_rollup_refresh(*, since: date | None = None) -> int:
    """Rebuild the daily roll-ups from ``since`` (default: the late-reporting window) with
    SQL GROUP BY; returns the number of roll-up rows written. Idempotent."""
    tz = timezone.get_current_timezone()
    since = since or timezone.localdate() - timedelta(days=ROLLUP_WINDOW_DAYS)
    start = datetime.combine(since, datetime.min.time(), tzinfo=tz)
    events = UsageEvent.objects.filter(occurred_at__gte=start).annotate(
        day=TruncDate("occurred_at", tzinfo=tz)
    )
    UsageDailyOffer.objects.filter(day__gte=since).delete()
    UsageDailyDimension.objects.filter(day__gte=since).delete()
    offer_rows = [
        UsageDailyOffer(
            day=row["day"],
            offer_id=row["offer_id"],
            partner_id=row["partner_id"],
            category=row["category"],
            uses=row["uses"],
            cost=row["cost"],
            revenue=row["revenue"],
        )
        for row in events.values("day", "offer_id", "partner_id", "category")
        .annotate(uses=Count("id"), cost=Sum("discount"), revenue=Sum("price"))
        .order_by()
    ]
    UsageDailyOffer.objects.bulk_create(offer_rows, batch_size=5000)
    written = len(offer_rows)
    for dimension, field in (
        ("district", "district_id"),
        ("age_band", "age_band"),
        ("holder_group", "holder_group"),
    ):
        rows = [
            UsageDailyDimension(
                day=row["day"],
                dimension=dimension,
                value="" if row[field] is None else str(row[field]),
                uses=row["uses"],
                cost=row["cost"],
            )
            for row in events.values("day", field)
            .annotate(uses=Count("id"), cost=Sum("discount"))
            .order_by()
        ]
        UsageDailyDimension.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
    return written


MONTHLY_WATERMARK = "usage_monthly"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Events are written in short transactions stamped before they commit: re-reading this much
#: before the last watermark picks up any that committed late (recomputing is idempotent).
WATERMARK_OVERLAP = timedelta(minutes=10)


@transaction.atomic
def usage_monthly_refresh(*, now: datetime | None = None) -> int:
    """Bring :class:`UsageMonthly` up to date; returns the number of months recomputed.

    Incremental: finds the months of events recorded since the watermark (index on
    ``recorded_at``) and recomputes each of those months whole from the events (index on
    ``occurred_at``) with one GROUP BY, replacing its rows. Idempotent: running it twice, or
    over months already done, writes the same rows. The first run builds every month.
    """
    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    # The locked watermark row serialises concurrent runs (a beat firing twice).
    RollupWatermark.objects.get_or_create(
        name=MONTHLY_WATERMARK, defaults={"recorded_until": _EPOCH}
    )
    mark = RollupWatermark.objects.select_for_update().get(name=MONTHLY_WATERMARK)
    events = UsageEvent.objects.all()
    if mark.recorded_until > _EPOCH:
        events = events.filter(recorded_at__gte=mark.recorded_until - WATERMARK_OVERLAP)
    months = sorted(
        set(
            events.filter(recorded_at__lt=now)
            .annotate(m=TruncMonth("occurred_at", tzinfo=tz))
            .values_list("m", flat=True)
            .order_by()
            .distinct()
        )
    )
    for month in months:
        start = (
            month
            if isinstance(month, datetime)
            else datetime.combine(month, datetime.min.time(), tzinfo=tz)
        )
        start = start.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        end = (start + timedelta(days=32)).replace(day=1)
        first_day = start.date()
        UsageMonthly.objects.filter(month=first_day).delete()
        UsageMonthly.objects.bulk_create(
            [
                UsageMonthly(
                    month=first_day,
                    category=row["category"],
                    partner_id=row["partner_id"],
                    district_id=row["district_id"],
                    uses=row["uses"],
                    discount=row["discount"],
                )
                for row in UsageEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
                .values("category", "partner_id", "district_id")
                .annotate(uses=Count("id"), discount=Sum("discount"))
                .order_by()
            ],
            batch_size=5000,
        )
    mark.recorded_until = now
    mark.save(update_fields=["recorded_until"])
    return len(months)
