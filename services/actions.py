"""Every write of the e-services domain (R-SRV-2, R-SRV-3)."""

from __future__ import annotations

import copy
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts.actions import assisted_act_record
from accounts.models import User
from accounts.permissions import clerk_department_codes, is_assistant, is_clerk_of
from config.celery import enqueue_after_commit
from services.calendar import case_deadline, today_in_warsaw
from services.canonical import submission_sha256
from services.formengine import sniff_content_type
from services.formschema import definition_errors
from services.models import (
    OPEN_STATUSES,
    TAX_SOURCES,
    TRANSITIONS,
    Case,
    CaseAttachment,
    CaseCounter,
    CaseMessage,
    CaseNote,
    CaseNotification,
    CaseStatus,
    Draft,
    DraftAttachment,
    FormDefinition,
    Letter,
    LetterStatus,
    LetterTemplate,
    Mailing,
    MailingChannel,
    MailingStatus,
    NotificationState,
    RecipientSource,
    Service,
    TaxImport,
    TaxImportStatus,
)


def _as_actor(obj: Any, user: User | None) -> None:
    # simple-history reads the acting user from the instance when there is no request.
    obj._history_user = user


def form_definition_publish(
    *, service: Service, schema: dict[str, Any], acting_user: User
) -> FormDefinition:
    """Store ``schema`` as the next version of ``service``'s form.

    Raises ValidationError listing every problem of the definition; nothing is stored then.
    Earlier versions stay untouched, so submitted cases keep the version they were filled with.
    """
    errors = definition_errors(schema)
    if errors:
        raise ValidationError(errors, code="invalid_definition")
    with transaction.atomic():
        # Lock the service row so two editors cannot publish the same version number.
        Service.objects.select_for_update().get(pk=service.pk)
        last = FormDefinition.objects.filter(service=service).aggregate(v=Max("version"))["v"]
        definition = FormDefinition(
            service=service, version=(last or 0) + 1, schema=schema, created_by=acting_user
        )
        _as_actor(definition, acting_user)
        definition.save()
    return definition


def current_definition(service: Service) -> FormDefinition | None:
    return FormDefinition.objects.filter(service=service).order_by("-version").first()


def draft_save(
    *,
    service: Service,
    definition: FormDefinition,
    owner: User,
    data: dict[str, Any],
    uploads: dict[str, UploadedFile] | None = None,
    file_fields: set[str] | None = None,
) -> Draft:
    """Create or replace ``owner``'s draft of ``service``.

    ``uploads`` maps form field names to files already checked by the form engine
    (``formengine.check_uploads``); each replaces the draft's file of that field. With
    ``file_fields`` (the form's file inputs now), files of inputs that are gone (a removed
    row) are deleted.
    """
    if definition.service_id != service.pk:
        raise ValidationError(_("Formularz nie należy do tej usługi."), code="wrong_definition")
    with transaction.atomic():
        draft, _created = Draft.objects.update_or_create(
            owner=owner,
            service=service,
            defaults={"definition": definition, "data": data, "updated_at": timezone.now()},
        )
        if file_fields is not None:
            for gone in DraftAttachment.objects.filter(draft=draft).exclude(
                field_name__in=file_fields
            ):
                _delete_file_on_commit(gone.file)
                gone.delete()
        for name, upload in (uploads or {}).items():
            upload.seek(0)
            content = upload.read()
            content_type = sniff_content_type(content[:16])
            if content_type is None:
                raise ValidationError(_("Nieobsługiwany rodzaj pliku."), code="file_type")
            for old in DraftAttachment.objects.filter(draft=draft, field_name=name):
                _delete_file_on_commit(old.file)
                old.delete()
            digest = hashlib.sha256(content).hexdigest()
            attachment = DraftAttachment(
                draft=draft,
                field_name=name[:200],
                original_name=(upload.name or "plik").rsplit("/", 1)[-1][:200],
                content_type=content_type,
                size=len(content),
                sha256=digest,
            )
            attachment.file.save(f"{uuid.uuid4().hex}.bin", ContentFile(content), save=False)
            attachment.save()
    return draft


def _delete_file_on_commit(field_file: Any) -> None:
    # Only once the rows are gone for good: a rolled-back transaction keeps its files.
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


def _draft_delete(draft: Draft) -> None:
    for attachment in draft.attachments.all():
        _delete_file_on_commit(attachment.file)
    draft.delete()


def drafts_erase(*, owner: User) -> int:
    """Delete every draft of ``owner`` with its files (GDPR erasure)."""
    drafts = list(Draft.objects.filter(owner=owner))
    with transaction.atomic():
        for draft in drafts:
            _draft_delete(draft)
    return len(drafts)


def _next_number(department_id: int, year: int) -> int:
    """The next sequence number of (department, year), gap-free.

    Runs inside the submit transaction: the counter row is locked with SELECT … FOR UPDATE, so
    concurrent submissions queue on it and a rolled-back submission gives its number back.
    """
    CaseCounter.objects.bulk_create(
        [CaseCounter(department_id=department_id, year=year, last=0)], ignore_conflicts=True
    )
    counter = CaseCounter.objects.select_for_update().get(department_id=department_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _store_upload(case: Case, path: str, upload: UploadedFile) -> dict[str, Any]:
    upload.seek(0)
    content = upload.read()
    content_type = sniff_content_type(content[:16])
    if content_type is None:  # the form checked it already; never store an unknown type
        raise ValidationError(_("Nieobsługiwany rodzaj pliku."), code="file_type")
    digest = hashlib.sha256(content).hexdigest()
    name = (upload.name or "plik").rsplit("/", 1)[-1][:200]
    attachment = CaseAttachment(
        case=case,
        field_key=path,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=digest,
    )
    # The stored name is random: the resident's file name may carry personal data.
    attachment.file.save(f"{digest[:32]}.bin", ContentFile(content), save=False)
    attachment.save()
    return {"name": name, "sha256": digest, "size": len(content), "content_type": content_type}


def _place_upload(data: dict[str, Any], path: str, value: dict[str, Any]) -> None:
    parts = path.split(".")
    if len(parts) == 2:
        data[parts[0]][parts[1]] = value
    else:
        data[parts[0]][int(parts[1])][parts[2]] = value


def case_submit(
    *,
    service: Service,
    definition: FormDefinition,
    applicant: User,
    data: dict[str, Any],
    uploads: dict[str, UploadedFile] | None = None,
    acting_user: User,
    now: datetime | None = None,
) -> Case:
    """Register a validated submission as a new case and delete the resident's draft.

    ``data`` must come from the form engine (``DefinitionForm.submission()``) for
    ``definition``. Numbers are ``<DEPT>/<year>/<sequence>``, gap-free per department and year.
    The SHA-256 covers the canonical JSON (services/canonical.py) of the service, definition
    version, number, submission time and data, including each attachment's own SHA-256.
    When an assistant files for another person (``acting_user`` != ``applicant``), the
    assisted act is recorded in the same transaction (service name and case number only).
    """
    if definition.service_id != service.pk or not service.is_active:
        raise ValidationError(_("Ta usługa nie przyjmuje wniosków."), code="inactive")
    if current_definition(service) != definition:
        raise ValidationError(
            _("Formularz został w międzyczasie zmieniony. Sprawdź dane i wyślij ponownie."),
            code="stale_definition",
        )
    now = now or timezone.now()
    year = today_in_warsaw(now).year
    department = service.department
    with transaction.atomic():
        sequence = _next_number(department.pk, year)
        number = f"{department.code.upper()}/{year}/{sequence:06d}"
        case = Case(
            number=number,
            department=department,
            year=year,
            sequence=sequence,
            service=service,
            definition=definition,
            applicant=applicant,
            data={},
            submission_sha256="pending-" + number,
            submitted_at=now,
            deadline=case_deadline(today_in_warsaw(now), complex_case=service.complex_case),
        )
        _as_actor(case, acting_user)
        case.save()
        stored = copy.deepcopy(data)
        for path, upload in (uploads or {}).items():
            _place_upload(stored, path, _store_upload(case, path, upload))
        case.data = stored
        case.submission_sha256 = submission_sha256(confirmation_payload(case))
        _as_actor(case, acting_user)
        case.save(update_fields=["data", "submission_sha256"])
        update_change_reason(case, "submitted")
        if acting_user.pk != applicant.pk and is_assistant(acting_user):
            # Filed at the office by an assistant (R-ACC-5): the service and case number only.
            assisted_act_record(
                assistant=acting_user,
                resident=applicant,
                kind="case_filed",
                description=f"{service.name} ({case.number})",
            )
        for draft in Draft.objects.filter(owner=applicant, service=service):
            _draft_delete(draft)
    return case


def confirmation_payload(case: Case) -> dict[str, Any]:
    """What the confirmation's SHA-256 is computed over (see ``case_submit``)."""
    return {
        "service": case.service.slug,
        "definition_version": case.definition.version,
        "number": case.number,
        "submitted_at": case.submitted_at.astimezone(UTC).isoformat(),
        "data": case.data,
    }


def _require_clerk(case: Case, user: User) -> None:
    if not is_clerk_of(user, case.department.code):
        raise PermissionDenied(_("Nie prowadzisz spraw tego wydziału."))


def case_transition(*, case: Case, to_status: str, acting_user: User) -> Case:
    """Move ``case`` along the workflow; any move the workflow does not allow is refused."""
    _require_clerk(case, acting_user)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if to_status not in TRANSITIONS.get(locked.status, frozenset()):
            raise ValidationError(
                _("Nie można zmienić statusu z „%(old)s” na „%(new)s”.")
                % {
                    "old": CaseStatus(locked.status).label,
                    "new": CaseStatus(to_status).label
                    if to_status in CaseStatus.values
                    else to_status,
                },
                code="bad_transition",
            )
        locked.status = to_status
        if to_status in (CaseStatus.APPROVED, CaseStatus.REJECTED):
            locked.decided_at = timezone.now()
        _as_actor(locked, acting_user)
        locked.save(update_fields=["status", "decided_at"])
        # The history row just written identifies this status change: one notice per change.
        change_id = locked.history.order_by("-history_id").values_list("history_id", flat=True)[0]
        notification = CaseNotification.objects.create(
            case=locked, change_id=change_id, status=to_status
        )
        from services.tasks import case_notification_send

        enqueue_after_commit(case_notification_send, notification.pk)
    return locked


#: A status notice claimed by a worker that died is claimable again after this long.
NOTIFICATION_LEASE = timedelta(minutes=10)
#: Sending attempts of one status notice before it is recorded as failed (the task retries
#: with backoff in between; a resumed notice counts its earlier attempts too).
NOTIFICATION_MAX_ATTEMPTS = 6


def _case_status_email(notification: CaseNotification) -> Any:
    from email.utils import make_msgid

    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.urls import reverse

    case = notification.case
    applicant = case.applicant
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    with translation.override(applicant.preferred_language or "pl"):
        label = CaseStatus(notification.status).label
        link = base + reverse("services:case", kwargs={"public_id": case.public_id})
        subject = _("Sprawa %(number)s: %(status)s") % {"number": case.number, "status": label}
        body = _(
            "Status Twojej sprawy %(number)s (%(service)s) zmienił się na: %(status)s.\n"
            "Szczegóły zobaczysz po zalogowaniu na portalu: %(link)s"
        ) % {"number": case.number, "service": case.service.title, "status": label, "link": link}
    return EmailMessage(
        subject=subject,
        body=body,
        to=[str(applicant.email)],
        # One Message-ID per status change: should a worker die between the mail server's
        # acceptance and the "sent" mark, the one resend is recognisable as a duplicate.
        headers={
            "Message-ID": make_msgid(idstring=str(notification.public_id), domain="krakow.pl")
        },
    )


def case_notification_send(*, notification_id: int, give_up: bool = False) -> str:
    """E-mail the applicant about one status change, at most once per change.

    The notice is claimed with a conditional update (pending, or sending with an expired
    lease → sending with a new claim token) and marked sent after the mail server accepted it.
    Returns what happened: ``sent``; ``done`` (already sent, failed or skipped: a redelivered
    task does nothing); ``busy`` (another worker holds the claim); ``skipped`` (nobody to tell,
    or the case has moved on — a late notice must not announce a status the case no longer
    has); ``retry`` (a transient mail-server failure: back to pending, the task retries with
    backoff); ``failed`` (a permanent failure, or a transient one on the last attempt or with
    ``give_up``), recorded with the error for the clerks.
    """
    now = timezone.now()
    claim = uuid.uuid4()
    claimed = CaseNotification.objects.filter(
        Q(state=NotificationState.PENDING)
        | Q(state=NotificationState.SENDING, claimed_at__lt=now - NOTIFICATION_LEASE),
        pk=notification_id,
    ).update(
        state=NotificationState.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        state = (
            CaseNotification.objects.filter(pk=notification_id)
            .values_list("state", flat=True)
            .first()
        )
        return "busy" if state == NotificationState.SENDING else "done"
    notification = CaseNotification.objects.select_related("case__applicant", "case__service").get(
        pk=notification_id
    )
    mine = CaseNotification.objects.filter(
        pk=notification_id, claim=claim, state=NotificationState.SENDING
    )

    def finish(state: str, error: str = "") -> None:
        mine.update(state=state, error=error[:300], done_at=timezone.now())

    applicant = notification.case.applicant
    if not applicant.email or not applicant.is_active:
        finish(NotificationState.SKIPPED, "no active applicant with an e-mail address")
        return "skipped"
    if notification.case.status != notification.status:
        finish(NotificationState.SKIPPED, "the case has moved on to another status")
        return "skipped"
    try:
        _case_status_email(notification).send()
    except Exception as exc:  # every failure is recorded: retried if transient, else failed
        text = f"{type(exc).__name__}: {exc}"[:300]
        last = give_up or notification.attempts >= NOTIFICATION_MAX_ATTEMPTS
        if _is_transient(exc) and not last:
            mine.update(state=NotificationState.PENDING, error=text)
            return "retry"
        finish(NotificationState.FAILED, text)
        return "failed"
    finish(NotificationState.SENT)
    return "sent"


def case_notification_for_change(*, case_id: int, status: str) -> int | None:
    """The notice of the latest change of case ``case_id`` to ``status``, made if missing.

    For status-notice tasks queued (by case id and status) before notices were recorded.
    """
    change_id = (
        Case.history.filter(id=case_id, status=status)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    if change_id is None:
        return None
    notification, _created = CaseNotification.objects.get_or_create(
        case_id=case_id, change_id=change_id, defaults={"status": status}
    )
    return notification.pk


def case_notifications_stalled() -> list[int]:
    """Notices whose task was lost: pending or claimed for longer than a retry cycle takes."""
    stale = timezone.now() - 3 * NOTIFICATION_LEASE
    return list(
        CaseNotification.objects.filter(
            Q(state=NotificationState.PENDING, created_at__lt=stale)
            & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
            | Q(state=NotificationState.SENDING, claimed_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )


def case_assign(*, cases: list[Case], clerk: User | None, acting_user: User) -> int:
    """Assign cases to ``clerk`` (None: unassign). Every case must be of a department the
    acting user is a clerk of, and the new clerk must work for that department."""
    allowed = clerk_department_codes(acting_user)
    with transaction.atomic():
        for case in cases:
            code = case.department.code
            if code not in allowed:
                raise PermissionDenied(_("Nie prowadzisz spraw tego wydziału."))
            if clerk is not None and not is_clerk_of(clerk, code):
                raise ValidationError(
                    _("%(clerk)s nie jest urzędnikiem wydziału %(dept)s.")
                    % {"clerk": clerk, "dept": case.department.name},
                    code="not_clerk",
                )
            case.assigned_clerk = clerk
            _as_actor(case, acting_user)
            case.save(update_fields=["assigned_clerk"])
    return len(cases)


def case_note_add(*, case: Case, body: str, acting_user: User) -> CaseNote:
    _require_clerk(case, acting_user)
    if not body.strip():
        raise ValidationError(_("Notatka nie może być pusta."), code="empty")
    note = CaseNote(case=case, author=acting_user, body=body.strip())
    _as_actor(note, acting_user)
    note.save()
    return note


def case_message_send(*, case: Case, body: str, acting_user: User) -> CaseMessage:
    """A message from the applicant or from a clerk of the case's department.

    A clerk's message is e-mailed to the resident (a notice, without the content) after commit.
    """
    from_office = acting_user.pk != case.applicant_id
    if from_office:
        _require_clerk(case, acting_user)
    if not body.strip():
        raise ValidationError(_("Wiadomość nie może być pusta."), code="empty")
    if len(body) > 5000:
        raise ValidationError(_("Wiadomość jest za długa (do 5000 znaków)."), code="too_long")
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("Sprawa jest zamknięta."), code="closed")
    with transaction.atomic():
        message = CaseMessage(
            case=case, author=acting_user, from_office=from_office, body=body.strip()
        )
        _as_actor(message, acting_user)
        message.save()
        if from_office:
            from services.tasks import case_message_notify

            enqueue_after_commit(case_message_notify, message.pk)
    return message


def case_message_notify_send(*, message_id: int) -> bool:
    """E-mail the resident that a message arrived. Returns False when there is nobody to tell."""
    message = CaseMessage.objects.select_related("case__applicant").get(pk=message_id)
    applicant = message.case.applicant
    if not applicant.email:
        return False
    send_mail(
        subject=_("Nowa wiadomość w sprawie %(number)s") % {"number": message.case.number},
        message=_(
            "W Twojej sprawie %(number)s jest nowa wiadomość z urzędu. "
            "Przeczytasz ją po zalogowaniu na portalu, w zakładce „Moje sprawy”."
        )
        % {"number": message.case.number},
        from_email=None,
        recipient_list=[applicant.email],
    )
    return True


def services_load_reference() -> int:
    """The shipped services, forms and offices (as migration 0002 loads them)."""
    from django.apps import apps

    from services.reference import load

    return load(apps.get_model)


def tax_records_load(*, payload: dict[str, Any], acting_user: User) -> dict[str, int]:
    """Upsert the finance system's records, idempotent by its ids (unique in the database).

    ``payload``: ``{"accounts": [{"id", "resident"?}], "liabilities": [{"id", "account", "kind",
    "year", "description"?, "instalments": [{"number", "due_date", "amount"}]}], "payments":
    [{"id", "account", "paid_on", "amount"}]}`` — already validated by the API serializer.
    ``resident`` is the resident's public id. Runs in one transaction: all or nothing.
    """
    from services.models import Instalment, Liability, Payment, TaxpayerAccount

    counts = {"accounts": 0, "liabilities": 0, "payments": 0}
    with transaction.atomic():
        accounts: dict[str, TaxpayerAccount] = {}
        for row in payload.get("accounts", []):
            resident = None
            if row.get("resident"):
                resident = User.objects.filter(public_id=row["resident"]).first()
                if resident is None:
                    raise ValidationError(
                        _("Nieznany mieszkaniec dla konta %(id)s.") % {"id": row["id"]},
                        code="unknown_resident",
                    )
            account, _created = TaxpayerAccount.objects.get_or_create(external_id=row["id"])
            if "resident" in row or _created:  # a file without the column keeps the link
                account.resident = resident
            account.updated_at = timezone.now()
            _as_actor(account, acting_user)
            account.save()
            accounts[row["id"]] = account
            counts["accounts"] += 1

        def account_for(external_id: str) -> TaxpayerAccount:
            if external_id not in accounts:
                found = TaxpayerAccount.objects.filter(external_id=external_id).first()
                if found is None:
                    raise ValidationError(
                        _("Nieznane konto podatnika %(id)s.") % {"id": external_id},
                        code="unknown_account",
                    )
                accounts[external_id] = found
            return accounts[external_id]

        for row in payload.get("liabilities", []):
            liability, _created = Liability.objects.update_or_create(
                external_id=row["id"],
                defaults={
                    "account": account_for(row["account"]),
                    "kind": row["kind"],
                    "year": row["year"],
                    "description": row.get("description", ""),
                },
            )
            liability.instalments.all().delete()
            Instalment.objects.bulk_create(
                [
                    Instalment(
                        liability=liability,
                        number=i["number"],
                        due_date=i["due_date"],
                        amount=i["amount"],
                    )
                    for i in row["instalments"]
                ]
            )
            counts["liabilities"] += 1
        for row in payload.get("payments", []):
            Payment.objects.update_or_create(
                external_id=row["id"],
                defaults={
                    "account": account_for(row["account"]),
                    "paid_on": row["paid_on"],
                    "amount": row["amount"],
                },
            )
            counts["payments"] += 1
    return counts


# ------------------------------------------------------------------ correspondence (R-SRV-6)

#: Letters per Celery task: one SMTP connection per batch, and a redelivered batch redoes
#: at most this many claims (each letter is claimed once, so nothing is sent twice).
LETTER_BATCH = 50
#: A letter claimed by a worker that died is claimable again after this long.
LETTER_LEASE = timedelta(minutes=15)


def _require_mailing_clerk(department_code: str, user: User) -> None:
    if not is_clerk_of(user, department_code):
        raise PermissionDenied(_("Nie prowadzisz korespondencji tego wydziału."))


def _template_errors(template: LetterTemplate) -> list[str]:
    from services.letters import unknown_placeholders
    from services.models import LETTER_PLACEHOLDERS

    unknown = unknown_placeholders(
        template.subject + "\n" + template.body, set(LETTER_PLACEHOLDERS)
    )
    if not unknown:
        return []
    return [
        _("Nieznane pola w treści: %(names)s. Dozwolone: %(allowed)s.")
        % {
            "names": ", ".join(f"${n}" for n in unknown),
            "allowed": ", ".join(f"${n}" for n in LETTER_PLACEHOLDERS),
        }
    ]


def letter_template_save(*, template: LetterTemplate, acting_user: User) -> LetterTemplate:
    """Create or change a letter template of a department the acting user is a clerk of."""
    _require_mailing_clerk(template.department.code, acting_user)
    if template.pk:
        stored = LetterTemplate.objects.select_related("department").get(pk=template.pk)
        _require_mailing_clerk(stored.department.code, acting_user)
    errors = _template_errors(template)
    if errors:
        raise ValidationError(errors, code="placeholders")
    _as_actor(template, acting_user)
    template.save()
    return template


def mailing_create(
    *,
    template: LetterTemplate,
    source: str,
    channel: str,
    acting_user: User,
    csv_rows: list[dict[str, str]] | None = None,
) -> Mailing:
    """A mailing in the draft state; ``mailing_start`` sends it."""
    _require_mailing_clerk(template.department.code, acting_user)
    if source not in RecipientSource.values or channel not in MailingChannel.values:
        raise ValidationError(_("Nieznany rodzaj adresatów lub kanał."), code="invalid")
    if source == RecipientSource.CSV and not csv_rows:
        raise ValidationError(_("Dołącz plik CSV z adresatami."), code="no_csv")
    if source in TAX_SOURCES and not acting_user.has_perm("services.send_tax_mailing"):
        raise PermissionDenied(_("Nie masz uprawnienia do wysyłania pism do podatników."))
    errors = _template_errors(template)
    if errors:
        raise ValidationError(errors, code="placeholders")
    mailing = Mailing(
        department=template.department,
        template=template,
        source=source,
        channel=channel,
        csv_rows=csv_rows if source == RecipientSource.CSV else [],
        created_by=acting_user,
    )
    _as_actor(mailing, acting_user)
    mailing.save()
    return mailing


def mailing_start(*, mailing: Mailing, acting_user: User) -> Mailing:
    """Queue a draft mailing: a Celery job selects the recipients and sends in batches."""
    _require_mailing_clerk(mailing.department.code, acting_user)
    if mailing.source in TAX_SOURCES and not acting_user.has_perm("services.send_tax_mailing"):
        raise PermissionDenied(_("Nie masz uprawnienia do wysyłania pism do podatników."))
    from services.tasks import mailing_prepare

    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.status != MailingStatus.DRAFT:
            raise ValidationError(_("Ta korespondencja została już uruchomiona."), code="started")
        locked.status = MailingStatus.QUEUED
        locked.started_at = timezone.now()
        _as_actor(locked, acting_user)
        locked.save(update_fields=["status", "started_at"])
        enqueue_after_commit(mailing_prepare, locked.pk)
    return locked


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def _address_of(user: User) -> str:
    lines = [user.street_address, f"{user.postal_code} Kraków" if user.postal_code else ""]
    return "\n".join(line for line in lines if line)


def _recipients(mailing: Mailing) -> list[dict[str, Any]]:
    """Who gets a letter: ``{"key", "user", "case", "email", "name", "address", "values"}``."""
    from services.selectors import taxpayers_with_balance

    found: list[dict[str, Any]] = []
    if mailing.source in TAX_SOURCES:
        for user, balance, overdue in taxpayers_with_balance(
            overdue_only=mailing.source == RecipientSource.TAX_OVERDUE
        ):
            found.append(
                {
                    "key": f"u{user.pk}",
                    "user": user,
                    "case": None,
                    "values": {"saldo": _money(balance), "zalegle": _money(overdue)},
                }
            )
    elif mailing.source == RecipientSource.DEPARTMENT_CASES:
        seen: set[int] = set()
        cases = (
            Case.objects.filter(department=mailing.department, status__in=OPEN_STATUSES)
            .select_related("applicant", "service")
            .order_by("-submitted_at")
        )
        for case in cases:
            if case.applicant_id in seen:
                continue
            seen.add(case.applicant_id)
            found.append(
                {
                    "key": f"u{case.applicant_id}",
                    "user": case.applicant,
                    "case": case,
                    "values": {"numer_sprawy": case.number, "usluga": case.service.name},
                }
            )
    else:
        emails = [r["email"] for r in mailing.csv_rows if r.get("email")]
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails) if u.email}
        for row in mailing.csv_rows:
            listed = users.get(row.get("email", ""))
            key = (
                f"u{listed.pk}"
                if listed
                else "c"
                + hashlib.sha256(
                    f"{row['email']}\n{row['name']}\n{row['address']}".encode()
                ).hexdigest()[:40]
            )
            found.append(
                {
                    "key": key,
                    "user": listed,
                    "case": None,
                    "email": row["email"],
                    "name": row["name"],
                    "address": row["address"],
                    "values": {},
                }
            )
    for item in found:
        user = item["user"]
        if user is not None:
            item.setdefault("name", f"{user.first_name} {user.last_name}".strip())
            item.setdefault("address", _address_of(user))
            item.setdefault("email", user.email or "")
        item["values"] = {
            "imie_nazwisko": item["name"],
            "adres": item["address"].replace("\n", ", "),
            **item["values"],
        }
    return found


def mailing_prepare(*, mailing_id: int) -> list[list[int]]:
    """Create every recipient's letter (once: unique per mailing and recipient) and return the
    batches of letter ids still to send. Safe to run twice."""
    from django.utils.formats import date_format

    from services.letters import fill

    with transaction.atomic():
        mailing = (
            Mailing.objects.select_for_update()
            .select_related("template", "department")
            .get(pk=mailing_id)
        )
        if mailing.status not in (MailingStatus.QUEUED, MailingStatus.RUNNING):
            return []
        if mailing.status == MailingStatus.QUEUED:
            template = mailing.template
            with translation.override("pl"):
                place_date = (
                    "Kraków, " + date_format(today_in_warsaw(timezone.now()), "j E Y") + " r."
                )
            letters = []
            for item in _recipients(mailing):
                letters.append(
                    Letter(
                        mailing=mailing,
                        recipient_key=item["key"],
                        recipient=item["user"],
                        case=item["case"],
                        email=item["email"],
                        context={
                            "place_date": place_date,
                            "recipient_name": item["name"],
                            "recipient_address": item["address"],
                            "subject": fill(template.subject, item["values"]),
                            "body": fill(template.body, item["values"]),
                            "signature": template.signature,
                            "department": mailing.department.name,
                        },
                    )
                )
            Letter.objects.bulk_create(letters, batch_size=1000, ignore_conflicts=True)
            mailing.status = MailingStatus.RUNNING
            mailing.total = Letter.objects.filter(mailing=mailing).count()
            mailing.save(update_fields=["status", "total"])
        todo = list(
            Letter.objects.filter(
                mailing=mailing, status__in=(LetterStatus.PENDING, LetterStatus.SENDING)
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if not todo:
        mailing_finish_if_done(mailing_id=mailing_id)
    return [todo[i : i + LETTER_BATCH] for i in range(0, len(todo), LETTER_BATCH)]


def _is_transient(exc: Exception) -> bool:
    """A mail-server failure worth retrying: connection trouble or a 4xx reply."""
    import smtplib

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


def _letter_email(letter: Letter, pdf: bytes, connection: Any) -> Any:
    from email.utils import make_msgid

    from django.core.mail import EmailMessage

    language = getattr(letter.recipient, "preferred_language", "") or "pl"
    with translation.override(language):
        subject = _("Pismo z Urzędu Miasta Krakowa: %(subject)s") % {
            "subject": letter.context["subject"]
        }
        body = _(
            "W załączniku przesyłamy pismo „%(subject)s” (%(department)s). "
            "Zalogowani mieszkańcy znajdą je także na portalu, w swoich sprawach i podatkach."
        ) % {"subject": letter.context["subject"], "department": letter.context["department"]}
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[letter.email],
        connection=connection,
        # One Message-ID per letter: a mail server or archive can spot a resend.
        headers={"Message-ID": make_msgid(idstring=str(letter.public_id), domain="krakow.pl")},
    )
    message.attach("pismo.pdf", pdf, "application/pdf")
    return message


def letter_pdf(letter: Letter) -> bytes:
    from config.pdf import render_pdf

    return render_pdf("services/letter_pdf.html", letter.context)


def mailing_send_batch(*, letter_ids: list[int], give_up: bool = False) -> list[int]:
    """Render and send (or mark for print) the letters of one batch.

    Each letter is first claimed with a conditional update (pending, or sending with an
    expired lease → sending with a new claim token): a batch that runs twice, or two workers
    on one batch, never send a letter twice. A mail-server failure puts the letter back to
    pending and stops the batch; the ids still to send are returned for a retry. With
    ``give_up`` (the last retry) such letters are marked failed instead.
    """
    from django.core.mail import get_connection

    now = timezone.now()
    claim = uuid.uuid4()
    Letter.objects.filter(
        Q(status=LetterStatus.PENDING)
        | Q(status=LetterStatus.SENDING, claimed_at__lt=now - LETTER_LEASE),
        pk__in=letter_ids,
        mailing__status=MailingStatus.RUNNING,
    ).update(status=LetterStatus.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1)
    letters = list(
        Letter.objects.filter(claim=claim, status=LetterStatus.SENDING)
        .select_related("recipient", "mailing")
        .order_by("pk")
    )
    if not letters:
        return []
    connection = None
    retry: list[int] = []

    def finish(letter: Letter, status: str, **fields: Any) -> None:
        Letter.objects.filter(pk=letter.pk, claim=claim, status=LetterStatus.SENDING).update(
            status=status, done_at=timezone.now(), **fields
        )

    try:
        for index, letter in enumerate(letters):
            recipient = letter.recipient
            if (recipient is not None and not recipient.is_active) or not (
                letter.email or letter.context.get("recipient_address")
            ):
                finish(letter, LetterStatus.SKIPPED, error="no active recipient or address")
                continue
            try:
                pdf = letter_pdf(letter)
            except Exception as exc:  # a letter that cannot render is reported, not retried
                finish(letter, LetterStatus.FAILED, error=f"PDF: {exc}"[:300])
                continue
            digest = hashlib.sha256(pdf).hexdigest()
            if letter.mailing.channel == MailingChannel.PRINT or not letter.email:
                finish(letter, LetterStatus.PRINT, pdf_sha256=digest, error="")
                continue
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                _letter_email(letter, pdf, connection).send()
            except Exception as exc:
                text = f"{type(exc).__name__}: {exc}"[:300]
                if not _is_transient(exc):
                    finish(letter, LetterStatus.FAILED, error=text)
                    continue
                if give_up:
                    finish(letter, LetterStatus.FAILED, error=text)
                    continue
                Letter.objects.filter(pk=letter.pk, claim=claim).update(
                    status=LetterStatus.PENDING, error=text
                )
                rest = [other.pk for other in letters[index + 1 :]]
                Letter.objects.filter(pk__in=rest, claim=claim).update(
                    status=LetterStatus.PENDING, attempts=F("attempts") - 1
                )
                retry = [letter.pk, *rest]
                break
            finish(letter, LetterStatus.SENT, pdf_sha256=digest, error="")
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: S110 — a broken connection has nothing left to close
                pass
    return retry


def mailing_finish_if_done(*, mailing_id: int) -> bool:
    """Mark the mailing finished once no letter is pending or being sent."""
    busy = Letter.objects.filter(
        mailing_id=mailing_id, status__in=(LetterStatus.PENDING, LetterStatus.SENDING)
    ).exists()
    if busy:
        return False
    return bool(
        Mailing.objects.filter(pk=mailing_id, status=MailingStatus.RUNNING).update(
            status=MailingStatus.FINISHED, finished_at=timezone.now()
        )
    )


# ------------------------------------------------------------------ tax CSV import (R-SRV-4)

TAX_IMPORT_MAX_BYTES = 50 * 1024 * 1024


def mailing_print_pack_write(*, mailing: Mailing, acting_user: User, out: Any) -> int:
    """Write one PDF with every print-only letter of ``mailing`` (in letter order) to ``out``.

    Only a clerk of the mailing's department may; each letter is rendered again from its
    stored context, as its own page link does. Returns the number of letters merged.
    """
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    _require_mailing_clerk(mailing.department.code, acting_user)
    letters = (
        Letter.objects.filter(mailing=mailing, status=LetterStatus.PRINT)
        .select_related("recipient")
        .order_by("pk")
    )
    if not letters.exists():
        raise ValidationError(_("Ta korespondencja nie ma pism do wydruku."), code="no_print")
    writer = PdfWriter()
    count = 0
    for letter in letters.iterator(chunk_size=200):
        writer.append(PdfReader(BytesIO(letter_pdf(letter))))
        count += 1
    writer.write(out)
    return count


def _progress_key(import_id: int) -> str:
    return f"services:tax-import:{import_id}"


def tax_import_create(*, upload: UploadedFile, acting_user: User) -> TaxImport:
    """Store the file privately and queue its import (after commit)."""
    from services.tasks import tax_import_run

    if not acting_user.has_perm("services.load_tax_data"):
        raise PermissionDenied(_("Nie masz uprawnienia do wczytywania danych podatkowych."))
    if upload.size is None or upload.size > TAX_IMPORT_MAX_BYTES:
        raise ValidationError(_("Plik jest za duży (do 50 MB)."), code="too_large")
    with transaction.atomic():
        record = TaxImport(
            original_name=(upload.name or "import.csv").rsplit("/", 1)[-1][:200],
            created_by=acting_user,
        )
        upload.seek(0)
        record.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(upload.read()), save=False)
        record.save()
        enqueue_after_commit(tax_import_run, record.pk)
    return record


def tax_import_progress(*, record: TaxImport) -> dict[str, Any]:
    """Percent, rows processed and rows/s of an import (live from the cache while running)."""
    from django.core.cache import cache

    processed = record.processed_rows
    if record.status == TaxImportStatus.RUNNING:
        processed = max(processed, int(cache.get(_progress_key(record.pk)) or 0))
    total = record.total_rows
    end = record.finished_at or timezone.now()
    seconds = (end - record.started_at).total_seconds() if record.started_at else 0
    return {
        "status": record.status,
        "total": total,
        "processed": processed,
        "percent": 100
        if record.status == TaxImportStatus.DONE
        else (int(processed * 100 / total) if total else 0),
        "rows_per_second": round(processed / seconds, 1) if seconds > 0 and processed else None,
    }


def tax_import_run(*, import_id: int) -> str:
    """Check every row, then load all of them in one transaction, or nothing when any row is
    wrong (the errors are kept by row and column). Safe to run twice: a finished import is
    left alone, and the load itself is idempotent by the finance system's ids."""
    from django.core.cache import cache

    from services import taxcsv

    claimed = TaxImport.objects.filter(
        pk=import_id, status__in=(TaxImportStatus.QUEUED, TaxImportStatus.RUNNING)
    ).update(status=TaxImportStatus.RUNNING, started_at=timezone.now())
    record = TaxImport.objects.select_related("created_by").get(pk=import_id)
    if not claimed:
        return record.status
    key = _progress_key(import_id)
    with record.file.open("rb") as handle:
        rows, problem = taxcsv.rows_of(handle.read())

    def fail(errors: list[dict[str, Any]]) -> str:
        TaxImport.objects.filter(pk=import_id).update(
            status=TaxImportStatus.FAILED, errors=errors, finished_at=timezone.now()
        )
        return TaxImportStatus.FAILED

    if problem:
        message = {
            "encoding": _("Plik nie jest w kodowaniu UTF-8."),
            "header": _("Brak wymaganych kolumn: typ, konto, id, termin, kwota."),
        }[problem]
        return fail([{"row": 1, "column": "", "message": str(message)}])
    TaxImport.objects.filter(pk=import_id).update(total_rows=len(rows))
    # Checking is half the work, writing the other half: the cache shows the rows done.
    payload, errors = taxcsv.parse(rows, progress=lambda n: cache.set(key, n // 2, 3600))
    known = set(
        str(u)
        for u in User.objects.filter(
            public_id__in={a["resident"] for a in payload["accounts"] if a.get("resident")}
        ).values_list("public_id", flat=True)
    )
    for account in payload["accounts"]:
        if account.get("resident") and account["resident"] not in known:
            errors.append((0, "mieszkaniec", "resident"))
    if errors:
        labels = {
            "required": _("pole wymagane"),
            "type": _("typ musi być „rata” albo „wplata”"),
            "id": _("niedozwolone znaki w identyfikatorze (do 64)"),
            "kind": _("nieznany rodzaj należności"),
            "year": _("niepoprawny rok"),
            "number": _("niepoprawny numer raty"),
            "date": _("data w formacie RRRR-MM-DD"),
            "amount": _("kwota dodatnia, najwyżej 2 miejsca po przecinku"),
            "resident": _("nieznany mieszkaniec"),
            "conflict": _("należność o tym id ma inne konto, rodzaj lub rok w innym wierszu"),
            "duplicate": _("powtórzony wiersz"),
        }
        return fail(
            [
                {"row": row, "column": column, "message": str(labels[code])}
                for row, column, code in errors
            ]
        )
    cache.set(key, len(rows) // 2, 3600)
    try:
        counts = tax_records_load(payload=payload, acting_user=record.created_by)
    except (ValidationError, IntegrityError) as exc:  # rolled back whole: nothing was loaded
        return fail(
            [
                {
                    "row": 0,
                    "column": "",
                    "message": " ".join(getattr(exc, "messages", []))
                    or str(_("Dane są sprzeczne z zapisanymi wcześniej.")),
                }
            ]
        )
    TaxImport.objects.filter(pk=import_id).update(
        status=TaxImportStatus.DONE,
        processed_rows=len(rows),
        counts=counts,
        finished_at=timezone.now(),
    )
    cache.delete(key)
    return TaxImportStatus.DONE


def mailings_stalled() -> list[int]:
    """Mailings whose work was lost (a worker died and its task was not redelivered): queued or
    running, with letters still to send and nothing finished for longer than the lease.
    Running ``mailing_prepare`` again for them is safe (see ``mailing_send_batch``)."""
    from django.db.models import Exists, OuterRef

    cutoff = timezone.now() - LETTER_LEASE
    recent = Letter.objects.filter(mailing=OuterRef("pk"), done_at__gte=cutoff)
    todo = Letter.objects.filter(
        mailing=OuterRef("pk"), status__in=(LetterStatus.PENDING, LetterStatus.SENDING)
    )
    queued = Q(status=MailingStatus.QUEUED, started_at__lt=cutoff)
    running = (
        Q(status=MailingStatus.RUNNING, started_at__lt=cutoff)
        & Q(Exists(todo))
        & ~Q(Exists(recent))
    )
    return list(Mailing.objects.filter(queued | running).values_list("pk", flat=True))
