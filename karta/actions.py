"""Every write of the Karta Krakowska domain. Keyword-only; history records the acting user."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import resident_verify_by_karta
from accounts.models import User
from config.celery import enqueue_after_commit
from karta import keys
from karta.cardnumbers import generate_card_number
from karta.documents import DocumentError, check_document
from karta.models import (
    AgeBand,
    ApplicationStatus,
    Card,
    CardSerial,
    Carrier,
    DocumentKind,
    HolderGroup,
    Location,
    Offer,
    OfferKind,
    Partner,
    StatusApplication,
    UsageDailyDimension,
    UsageDailyOffer,
    UsageEvent,
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


def _decide(application: StatusApplication) -> StatusApplication:
    locked = StatusApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.PENDING:
        raise ValidationError(_("O tym wniosku już zdecydowano."), code="already_decided")
    return locked


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

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Podaj powód odrzucenia."), code="reason_required")
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
    (child < 18, senior ≥ 65) unless the family holds a large-family entitlement.
    """
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
        group = HolderGroup.LARGE_FAMILY
    elif holder.birth_date and _age(holder.birth_date, today) >= 65:
        group = HolderGroup.SENIOR
    else:
        group = HolderGroup.ADULT
    valid_until = status.valid_until
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
def partner_api_key_issue(*, partner: Partner, acting_user: User) -> str:
    """A new API key for the partner (the previous one stops working); shown once."""
    raw = "kkp_" + secrets.token_urlsafe(32)
    partner.api_key_hash = Partner.hash_key(raw)
    partner.api_key_hint = raw[:10]
    _history(partner, acting_user)
    partner.save(update_fields=["api_key_hash", "api_key_hint"])
    return raw


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
    documents and applications, the cards and their history. Usage events stay for the
    statistics, already unlinked from the card (district, age band and group only)."""
    storage = storages["private"]
    applications = StatusApplication.objects.filter(user=user)
    names = [name for name in applications.values_list("file_name", flat=True) if name]
    applications.delete()
    # After the deletes: deleting a row writes one more history row, with the old values.
    StatusApplication.history.filter(user_id=user.pk).delete()
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
