"""Every write of the e-services domain (R-SRV-2, R-SRV-3)."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts.models import User
from accounts.permissions import clerk_department_codes, is_clerk_of
from config.celery import enqueue_after_commit
from services.calendar import case_deadline, today_in_warsaw
from services.canonical import submission_sha256
from services.formengine import sniff_content_type
from services.formschema import definition_errors
from services.models import (
    TRANSITIONS,
    Case,
    CaseAttachment,
    CaseCounter,
    CaseMessage,
    CaseNote,
    CaseStatus,
    Draft,
    FormDefinition,
    Service,
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
    *, service: Service, definition: FormDefinition, owner: User, data: dict[str, Any]
) -> Draft:
    """Create or replace ``owner``'s draft of ``service`` (drafts hold no files)."""
    if definition.service_id != service.pk:
        raise ValidationError(_("Formularz nie należy do tej usługi."), code="wrong_definition")
    draft, _created = Draft.objects.update_or_create(
        owner=owner,
        service=service,
        defaults={"definition": definition, "data": data, "updated_at": timezone.now()},
    )
    return draft


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
        Draft.objects.filter(owner=applicant, service=service).delete()
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
    return locked


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
