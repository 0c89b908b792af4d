"""Every write on accessibility: building audits and remediation tasks, digital audits and
automated scans, the statement and the residents' accessibility requests.

Keyword-only, typed; clerk actions check the acting user's right (a clerk of the building's or
website's department, or an accessibility coordinator: clerk of department ``DOSTEPNOSC``) and
leave history with the acting user. Invalid input raises ``ValidationError`` with a translated
message and saves nothing; a missing right raises ``PermissionDenied``.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accessibility import wcag
from accessibility.models import (
    AccessibilityRequest,
    AuditItem,
    Barrier,
    Building,
    BuildingAudit,
    CriterionOutcome,
    CriterionResult,
    DigitalAudit,
    RemediationTask,
    RequestKind,
    RequestStatus,
    Requirement,
    Result,
    Scan,
    ScanStatus,
    ScanViolation,
    SiteKind,
    Statement,
    TaskStatus,
    Website,
)
from accounts.models import User
from accounts.permissions import AnyUser, clerk_department_codes

#: Art. 18 ust. 2 of the 2019 act: the request is answered "niezwłocznie, nie później niż w
#: ciągu 7 dni od dnia wystąpienia z żądaniem".
ANSWER_DAYS = 7
COORDINATOR_DEPARTMENT = "DOSTEPNOSC"
MAX_COST = Decimal("9999999999.99")


def _history(obj: Any, acting_user: User | None) -> None:
    obj._history_user = acting_user


def can_manage(user: AnyUser, department_code: str | None = None) -> bool:
    """A clerk of the accessibility coordinator's department, or of the given department."""
    codes = clerk_department_codes(user)
    return COORDINATOR_DEPARTMENT in codes or (
        department_code is not None and department_code in codes
    )


def _require(user: AnyUser, department_code: str | None = None) -> None:
    if not can_manage(user, department_code):
        raise PermissionDenied(_("Nie masz uprawnień do zarządzania dostępnością."))


def _department_code(obj: Building | Website) -> str | None:
    return obj.department.code if obj.department_id else None  # type: ignore[union-attr]


# --------------------------------------------------------------------------------------------
# Buildings
# --------------------------------------------------------------------------------------------


@transaction.atomic
def building_audit_record(
    *,
    building: Building,
    audited_on: date,
    auditor: str,
    results: dict[str, tuple[str, str]],
    acting_user: User,
    notes: str = "",
) -> BuildingAudit:
    """Record an audit: ``results`` maps every requirement to ``(result, notes)``."""
    _require(acting_user, _department_code(building))
    missing = [r for r in Requirement.values if r not in results]
    unknown = [r for r in results if r not in Requirement.values]
    if missing or unknown:
        raise ValidationError(
            _("Audyt musi ocenić każde wymaganie z listy dokładnie raz."), code="requirements"
        )
    if any(result not in Result.values for result, _notes in results.values()):
        raise ValidationError(_("Nieznany wynik oceny wymagania."), code="result")
    if audited_on > timezone.localdate():
        raise ValidationError(_("Data audytu nie może być z przyszłości."), code="audited_on")
    if not auditor.strip():
        raise ValidationError(_("Podaj audytora."), code="auditor")
    audit = BuildingAudit(
        building=building, audited_on=audited_on, auditor=auditor.strip(), notes=notes
    )
    _history(audit, acting_user)
    audit.save()
    for requirement in Requirement.values:
        result, item_notes = results[requirement]
        item = AuditItem(audit=audit, requirement=requirement, result=result, notes=item_notes)
        _history(item, acting_user)
        item.save()
    building.audit_state = "audited"
    _history(building, acting_user)
    building.save(update_fields=["audit_state"])
    return audit


def _cost(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        cost = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("Koszt musi być kwotą w złotych."), code="cost") from error
    if (
        not cost.is_finite()
        or cost < 0
        or cost > MAX_COST
        or cost != cost.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            _("Koszt musi być nieujemną kwotą z dokładnością do grosza."), code="cost"
        )
    return cost


def _task_values(
    *,
    status: str,
    blocker: str,
    planned_start: date | None,
    planned_end: date | None,
    completed_on: date | None,
    cost: Any,
) -> Decimal | None:
    """Validate a task's status, blocker, schedule and cost; return the cost as ``Decimal``."""
    if status not in TaskStatus.values:
        raise ValidationError(_("Nieznany status zadania."), code="status")
    if status == TaskStatus.BLOCKED and not blocker:
        raise ValidationError(
            _("Wstrzymane zadanie musi mieć wskazaną przeszkodę."), code="blocker"
        )
    if status == TaskStatus.DONE and completed_on is None:
        raise ValidationError(_("Podaj datę zakończenia zadania."), code="completed_on")
    if planned_start and planned_end and planned_end < planned_start:
        raise ValidationError(
            _("Planowany koniec nie może być przed planowanym początkiem."), code="dates"
        )
    return _cost(cost)


def _save_task(task: RemediationTask, acting_user: User) -> RemediationTask:
    _history(task, acting_user)
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError as error:
        raise ValidationError(_("Dane zadania są sprzeczne."), code="integrity") from error
    return task


def remediation_task_check(
    *,
    acting_user: User,
    barrier: Barrier,
    status: str,
    task: RemediationTask | None = None,
    blocker: str = "",
    planned_start: date | None = None,
    planned_end: date | None = None,
    completed_on: date | None = None,
    cost: Any = None,
    title: str | None = None,
) -> None:
    """Raise what ``remediation_task_create``/``_update`` would refuse, saving nothing (the
    admin's form calls it so a refusal is shown on the form)."""
    if task is not None and task.pk:
        stored = RemediationTask.objects.select_related("barrier__building__department").get(
            pk=task.pk
        )
        _require(acting_user, _department_code(stored.barrier.building))
    _require(acting_user, _department_code(barrier.building))
    if title is not None and not title.strip():
        raise ValidationError(_("Podaj nazwę zadania."), code="title")
    _task_values(
        status=status,
        blocker=blocker,
        planned_start=planned_start,
        planned_end=planned_end,
        completed_on=completed_on,
        cost=cost,
    )


@transaction.atomic
def remediation_task_create(
    *,
    barrier: Barrier,
    title: str,
    acting_user: User,
    status: str = TaskStatus.PLANNED,
    blocker: str = "",
    planned_start: date | None = None,
    planned_end: date | None = None,
    completed_on: date | None = None,
    cost: Any = None,
    notes: str = "",
) -> RemediationTask:
    """Plan a remediation task for a barrier of a building the acting user manages."""
    _require(acting_user, _department_code(barrier.building))
    if not title.strip():
        raise ValidationError(_("Podaj nazwę zadania."), code="title")
    task = RemediationTask(
        barrier=barrier,
        title=title.strip(),
        status=status,
        blocker=blocker,
        planned_start=planned_start,
        planned_end=planned_end,
        completed_on=completed_on,
        cost=_task_values(
            status=status,
            blocker=blocker,
            planned_start=planned_start,
            planned_end=planned_end,
            completed_on=completed_on,
            cost=cost,
        ),
        notes=notes,
    )
    return _save_task(task, acting_user)


@transaction.atomic
def remediation_task_update(
    *,
    task: RemediationTask,
    acting_user: User,
    status: str,
    blocker: str = "",
    planned_start: date | None = None,
    planned_end: date | None = None,
    completed_on: date | None = None,
    cost: Any = None,
    notes: str | None = None,
    title: str | None = None,
    barrier: Barrier | None = None,
) -> RemediationTask:
    """Change a remediation task's status, schedule, cost and blocker together (and, from the
    admin, its title or barrier: moving it needs the right to both buildings)."""
    stored = RemediationTask.objects.select_for_update().get(pk=task.pk)
    _require(acting_user, _department_code(stored.barrier.building))
    if barrier is not None and barrier.pk != stored.barrier_id:
        _require(acting_user, _department_code(barrier.building))
        task.barrier = barrier
    else:
        task.barrier = stored.barrier
    if title is not None:
        if not title.strip():
            raise ValidationError(_("Podaj nazwę zadania."), code="title")
        task.title = title.strip()
    task.cost = _task_values(
        status=status,
        blocker=blocker,
        planned_start=planned_start,
        planned_end=planned_end,
        completed_on=completed_on,
        cost=cost,
    )
    task.status = status
    task.blocker = blocker
    task.planned_start = planned_start
    task.planned_end = planned_end
    task.completed_on = completed_on
    if notes is not None:
        task.notes = notes
    return _save_task(task, acting_user)


@transaction.atomic
def remediation_task_delete(*, task: RemediationTask, acting_user: User) -> None:
    _require(acting_user, _department_code(task.barrier.building))
    _history(task, acting_user)
    task.delete()


# --------------------------------------------------------------------------------------------
# Building registry and barriers (the clerks' admin writes through these)
# --------------------------------------------------------------------------------------------

BUILDING_FIELDS = frozenset(
    {
        "slug",
        "name",
        "address",
        "functions",
        "department",
        "district",
        "heritage_protected",
        "acquired_year",
        "audit_state",
        "summary",
    }
)
BARRIER_FIELDS = frozenset({"building", "requirement", "description", "severity", "found_on"})


def _only(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("Nieznane pole: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )


def building_check(*, acting_user: User, building: Building | None = None, **fields: Any) -> None:
    """Raise what ``building_create``/``building_update`` would refuse, saving nothing."""
    _only(fields, BUILDING_FIELDS)
    if building is not None and building.pk:
        stored = Building.objects.select_related("department").get(pk=building.pk)
        _require(acting_user, _department_code(stored))
    department = fields.get("department", building.department if building else None)
    _require(acting_user, department.code if department is not None else None)
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError(_("Podaj nazwę budynku."), code="name")


def _save_checked(obj: Any, acting_user: User) -> None:
    obj.full_clean()
    _history(obj, acting_user)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        raise ValidationError(_("Dane są sprzeczne z zapisanymi."), code="integrity") from error


@transaction.atomic
def building_create(*, acting_user: User, **fields: Any) -> Building:
    """Register a building of a department the acting user manages (the coordinator: any)."""
    building_check(acting_user=acting_user, **fields)
    building = Building(**fields)
    _save_checked(building, acting_user)
    return building


@transaction.atomic
def building_update(*, building: Building, acting_user: User, **fields: Any) -> Building:
    """Change a building; moving it to another department needs the right to both."""
    Building.objects.select_for_update().filter(pk=building.pk).first()
    building_check(acting_user=acting_user, building=building, **fields)
    for name, value in fields.items():
        setattr(building, name, value)
    _save_checked(building, acting_user)
    return building


@transaction.atomic
def building_delete(*, building: Building, acting_user: User) -> None:
    """Remove a building with its audits, barriers and tasks, each leaving history with the
    acting user (a cascade would record no one)."""
    _require(acting_user, _department_code(building))
    for task in RemediationTask.objects.filter(barrier__building=building):
        _history(task, acting_user)
        task.delete()
    for barrier in Barrier.objects.filter(building=building):
        _history(barrier, acting_user)
        barrier.delete()
    for item in AuditItem.objects.filter(audit__building=building):
        _history(item, acting_user)
        item.delete()
    for audit in BuildingAudit.objects.filter(building=building):
        _history(audit, acting_user)
        audit.delete()
    _history(building, acting_user)
    building.delete()


def barrier_check(*, acting_user: User, barrier: Barrier | None = None, **fields: Any) -> None:
    """Raise what ``barrier_create``/``barrier_update`` would refuse, saving nothing."""
    _only(fields, BARRIER_FIELDS)
    if barrier is not None and barrier.pk:
        stored = Barrier.objects.select_related("building__department").get(pk=barrier.pk)
        _require(acting_user, _department_code(stored.building))
    building = fields.get("building", barrier.building if barrier else None)
    if building is None:
        raise ValidationError(_("Wskaż budynek."), code="building")
    _require(acting_user, _department_code(building))
    if "description" in fields and not str(fields["description"]).strip():
        raise ValidationError(_("Opisz barierę."), code="description")
    found_on = fields.get("found_on")
    if found_on is not None and found_on > timezone.localdate():
        raise ValidationError(
            _("Data stwierdzenia bariery nie może być z przyszłości."), code="found_on"
        )


@transaction.atomic
def barrier_create(*, acting_user: User, **fields: Any) -> Barrier:
    barrier_check(acting_user=acting_user, **fields)
    barrier = Barrier(**fields)
    _save_checked(barrier, acting_user)
    return barrier


@transaction.atomic
def barrier_update(*, barrier: Barrier, acting_user: User, **fields: Any) -> Barrier:
    Barrier.objects.select_for_update().filter(pk=barrier.pk).first()
    barrier_check(acting_user=acting_user, barrier=barrier, **fields)
    for name, value in fields.items():
        setattr(barrier, name, value)
    _save_checked(barrier, acting_user)
    return barrier


@transaction.atomic
def barrier_delete(*, barrier: Barrier, acting_user: User) -> None:
    _require(acting_user, _department_code(barrier.building))
    for task in RemediationTask.objects.filter(barrier=barrier):
        _history(task, acting_user)
        task.delete()
    _history(barrier, acting_user)
    barrier.delete()


# --------------------------------------------------------------------------------------------
# Digital audits and scans
# --------------------------------------------------------------------------------------------


@transaction.atomic
def digital_audit_record_results(
    *, audit: DigitalAudit, results: dict[str, tuple[str, str]], acting_user: User
) -> list[CriterionResult]:
    """Set the outcome (and notes) of the given WCAG 2.1 criteria in an audit."""
    _require(acting_user, _department_code(audit.website))
    for number, (outcome, _notes) in results.items():
        if number not in wcag.BY_NUMBER:
            raise ValidationError(
                _("%(number)s nie jest kryterium WCAG 2.1 A/AA.") % {"number": number},
                code="criterion",
            )
        if outcome not in CriterionOutcome.values:
            raise ValidationError(_("Nieznany wynik kryterium."), code="outcome")
    saved = []
    for number, (outcome, notes) in results.items():
        row = CriterionResult.objects.filter(audit=audit, criterion=number).first()
        row = row or CriterionResult(audit=audit, criterion=number)
        row.outcome = outcome
        row.notes = notes
        _history(row, acting_user)
        row.save()
        saved.append(row)
    return saved


def scan_request(*, website: Website, url: str | None = None, acting_user: User) -> Scan:
    """Queue an automated axe scan of ``url`` (the website's address by default)."""
    from accessibility.tasks import scan_run
    from config.celery import enqueue_after_commit

    _require(acting_user, _department_code(website))
    target = url or website.url
    if not target.startswith(("http://", "https://")):
        raise ValidationError(_("Adres musi zaczynać się od http:// lub https://."), code="url")
    with transaction.atomic():
        scan = Scan(website=website, url=target, requested_by=acting_user)
        _history(scan, acting_user)
        scan.save()
        enqueue_after_commit(scan_run, scan.pk)
    return scan


#: The portal's own entry in the website registry: the periodic scan's trend lives here.
PORTAL_WEBSITE_SLUG = "portal"


@transaction.atomic
def portal_scan_schedule(*, base_url: str, paths: list[str], run_key: str) -> list[int]:
    """Queue one scan per public page of the portal for the periodic run ``run_key``.

    Idempotent: a page already scanned (or queued) in this run is not queued again; returns
    the ids of this run's scans still waiting, so a redelivered task resumes where it stopped.
    """
    if not base_url.startswith(("http://", "https://")):
        raise ValidationError(_("Adres musi zaczynać się od http:// lub https://."), code="url")
    if not run_key or len(run_key) > 40:
        raise ValidationError(_("Nieprawidłowy identyfikator przebiegu."), code="run_key")
    base = base_url.rstrip("/")
    website = Website.objects.filter(slug=PORTAL_WEBSITE_SLUG).first()
    if website is None:
        website = Website(
            slug=PORTAL_WEBSITE_SLUG,
            name="Portal „Miasto bliżej mieszkańców”",
            url=f"{base}/",
            kind=SiteKind.WEBSITE,
        )
        _history(website, None)
        website.save()
    for path in paths:
        url = f"{base}{path}"
        if not Scan.objects.filter(website=website, url=url, run_key=run_key).exists():
            scan = Scan(website=website, url=url, run_key=run_key)
            _history(scan, None)
            try:
                with transaction.atomic():
                    scan.save()
            except IntegrityError:
                pass  # a concurrent run queued the same page: the constraint keeps one
    return list(
        Scan.objects.filter(website=website, run_key=run_key, status=ScanStatus.QUEUED).values_list(
            "pk", flat=True
        )
    )


def summarise_violations(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """axe violations → one row per (rule, WCAG criterion); rules naming no 2.1 A/AA
    criterion (best practices) keep an empty criterion."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for violation in violations:
        criteria = wcag.criteria_for_tags(list(violation.get("tags", []))) or [""]
        for criterion in criteria:
            key = (str(violation["id"])[:80], criterion)
            row = rows.setdefault(
                key,
                {
                    "rule_id": key[0],
                    "criterion": criterion,
                    "impact": str(violation.get("impact") or "")[:12],
                    "help": str(violation.get("help", ""))[:300],
                    "node_count": 0,
                },
            )
            row["node_count"] += len(violation.get("nodes", []))
    return list(rows.values())


@transaction.atomic
def scan_store_result(
    *,
    scan: Scan,
    violations: list[dict[str, Any]] | None,
    error: str = "",
    finished_at: datetime | None = None,
) -> Scan:
    """Store a scan's outcome once (a re-run of a finished scan changes nothing)."""
    scan = Scan.objects.select_for_update().get(pk=scan.pk)
    if scan.status != ScanStatus.QUEUED:
        return scan
    scan.finished_at = finished_at or timezone.now()
    if violations is None:
        scan.status = ScanStatus.FAILED
        scan.error = error[:2000]
    else:
        rows = summarise_violations(violations)
        ScanViolation.objects.bulk_create(ScanViolation(scan=scan, **row) for row in rows)
        scan.status = ScanStatus.DONE
        scan.violation_count = sum(row["node_count"] for row in rows)
    scan.save()
    return scan


# --------------------------------------------------------------------------------------------
# Statement and requests
# --------------------------------------------------------------------------------------------


@transaction.atomic
def statement_update(*, acting_user: User, **fields: Any) -> Statement:
    _require(acting_user)
    statement = Statement.objects.select_for_update().get(pk=1)
    for name, value in fields.items():
        if name not in {f.name for f in Statement._meta.fields} or name == "id":
            raise ValidationError(_("Nieznane pole deklaracji."), code="field")
        setattr(statement, name, value)
    statement.full_clean()
    _history(statement, acting_user)
    statement.save()
    return statement


def answer_due(submitted: datetime) -> date:
    """The last day to answer: 7 days from the day of the request (art. 18 ust. 2)."""
    return timezone.localdate(submitted) + timedelta(days=ANSWER_DAYS)


def accessibility_request_submit(
    *,
    kind: str,
    name: str,
    email: str,
    subject_url: str,
    description: str,
    phone: str = "",
    preferred_contact: str = "",
    user: AnyUser | None = None,
    language: str = "pl",
) -> AccessibilityRequest:
    """Store a resident's request or complaint, compute the answer deadline and e-mail a
    confirmation after commit."""
    if kind not in RequestKind.values:
        raise ValidationError(_("Wybierz rodzaj zgłoszenia."), code="kind")
    for value, message in (
        (name, _("Podaj imię i nazwisko.")),
        (email, _("Podaj adres e-mail.")),
        (subject_url, _("Wskaż stronę lub budynek.")),
        (description, _("Opisz problem.")),
    ):
        if not str(value).strip():
            raise ValidationError(message, code="required")
    now = timezone.now()
    request = AccessibilityRequest(
        kind=kind,
        name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        subject_url=subject_url.strip(),
        description=description.strip(),
        preferred_contact=preferred_contact.strip(),
        user=user if isinstance(user, User) else None,
        submitted_at=now,
        answer_due=answer_due(now),
    )
    request.full_clean()
    with transaction.atomic():
        _history(request, request.user)
        request.save()
        transaction.on_commit(lambda: _send_confirmation(request.pk, language))
    return request


def _send_confirmation(request_id: int, language: str) -> None:
    from django.utils import translation

    request = AccessibilityRequest.objects.get(pk=request_id)
    with translation.override(language):
        send_mail(
            subject=_("Potwierdzenie zgłoszenia dotyczącego dostępności"),
            message=render_to_string("accessibility/request_email.txt", {"request": request}),
            from_email=None,
            recipient_list=[request.email],
        )


@transaction.atomic
def accessibility_request_answer(
    *, request: AccessibilityRequest, answer: str, acting_user: User
) -> AccessibilityRequest:
    _require(acting_user)
    if not answer.strip():
        raise ValidationError(_("Treść odpowiedzi nie może być pusta."), code="answer")
    request = AccessibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.ANSWERED:
        raise ValidationError(_("Na to zgłoszenie już odpowiedziano."), code="answered")
    request.answer = answer.strip()
    request.status = RequestStatus.ANSWERED
    request.answered_at = timezone.now()
    _history(request, acting_user)
    request.save()
    return request
