"""Reads of the e-services domain used by views, the API, the admin and other apps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import clerk_department_codes, is_clerk_of, is_owner
from services.calendar import OfficeHours, today_in_warsaw
from services.models import (
    Case,
    Draft,
    DraftAttachment,
    FormDefinition,
    Letter,
    Office,
    Service,
)

AnyUser = User | AnonymousUser
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def service_catalogue(
    *, query: str = "", category: str = "", life_situation: str = ""
) -> QuerySet[Service]:
    """Active services, searched in both languages and filtered by category / life situation."""
    services = Service.objects.filter(is_active=True).select_related("department")
    if query:
        services = services.filter(
            Q(name__icontains=query)
            | Q(name_en__icontains=query)
            | Q(summary__icontains=query)
            | Q(summary_en__icontains=query)
        )
    if category:
        services = services.filter(category=category)
    if life_situation:
        services = services.filter(life_situations__contains=[life_situation])
    return services.order_by("name")


def service_get(*, slug: str) -> Service | None:
    return Service.objects.select_related("department").filter(slug=slug, is_active=True).first()


def service_definition(*, service: Service) -> FormDefinition | None:
    return FormDefinition.objects.filter(service=service).order_by("-version").first()


def draft_of(*, user: AnyUser, service: Service) -> Draft | None:
    """Only ever the user's own draft: another resident's draft is not reachable at all."""
    if not isinstance(user, User):
        return None
    return Draft.objects.filter(owner=user, service=service).first()


def draft_attachment_of(*, user: AnyUser, slug: str, attachment_id: int) -> Any:
    from services.models import DraftAttachment

    if not isinstance(user, User):
        return None
    return DraftAttachment.objects.filter(
        pk=attachment_id, draft__owner=user, draft__service__slug=slug
    ).first()


def cases_of_resident(*, user: AnyUser) -> QuerySet[Case]:
    if not isinstance(user, User):
        return Case.objects.none()
    return Case.objects.filter(applicant=user).select_related("service", "department")


def cases_for_clerk(*, user: AnyUser) -> QuerySet[Case]:
    """Cases of the departments the user is a clerk of (none for everyone else)."""
    codes = clerk_department_codes(user)
    return Case.objects.filter(department__code__in=codes).select_related(
        "service", "department", "applicant", "assigned_clerk"
    )


def can_view_case(user: AnyUser, case: Case) -> bool:
    return is_owner(user, case.applicant_id) or is_clerk_of(user, case.department.code)


def case_for_user(*, user: AnyUser, public_id: Any) -> Case | None:
    """The case if ``user`` is its applicant or a clerk of its department, else None."""
    case = (
        Case.objects.select_related("service", "department", "definition", "applicant")
        .filter(public_id=public_id)
        .first()
    )
    if case is None or not can_view_case(user, case):
        return None
    return case


@dataclass(frozen=True)
class VerifiedSubmission:
    number: str
    submitted_at: datetime


def submission_by_hash(*, sha256: str) -> VerifiedSubmission | None:
    """Whether a submission with this SHA-256 exists: its number and time, nothing personal."""
    digest = (sha256 or "").strip().lower()
    if not SHA256_RE.fullmatch(digest):
        return None
    row = Case.objects.filter(submission_sha256=digest).values("number", "submitted_at").first()
    return VerifiedSubmission(row["number"], row["submitted_at"]) if row else None


def today() -> date:
    return today_in_warsaw(timezone.now())


# --------------------------------------------------------------------------------- offices


def _hours(office: Office) -> OfficeHours:
    def parse(intervals: Any) -> list[tuple[Any, Any]]:
        return [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in intervals]

    return OfficeHours(
        weekly={int(day): parse(iv) for day, iv in (office.weekly_hours or {}).items()},
        exceptions={
            date.fromisoformat(day): parse(iv) for day, iv in (office.exceptions or {}).items()
        },
    )


@dataclass(frozen=True)
class OfficeInfo:
    office: Office
    open_now: bool
    closes_at: datetime | None
    next_opening: datetime | None
    weekly: list[tuple[int, list[tuple[str, str]]]]
    departments: list[str]


def offices_list(*, at: datetime | None = None) -> list[OfficeInfo]:
    """Every office location with its "open now" state in Europe/Warsaw time at ``at``."""
    at = at or timezone.now()
    result = []
    for office in Office.objects.prefetch_related("departments"):
        hours = _hours(office)
        closes = hours.closes_at(at)
        result.append(
            OfficeInfo(
                office=office,
                open_now=closes is not None,
                closes_at=closes,
                next_opening=None if closes else hours.next_opening(at),
                weekly=[
                    (day, [(a, b) for a, b in office.weekly_hours.get(str(day), [])])
                    for day in range(7)
                ],
                departments=[d.name for d in office.departments.all()],
            )
        )
    return result


# ------------------------------------------------------------------------------ statistics


def service_statistics() -> list[dict[str, Any]]:
    """Cases per service per month (Warsaw time) and the median handling time in days.

    Handling time runs from submission to decision; months without decided cases have none.
    Aggregated: nothing here identifies a person.
    """
    from collections import defaultdict
    from statistics import median

    groups: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    rows = Case.objects.values_list("service__slug", "submitted_at", "decided_at")
    for slug, submitted, decided in rows.iterator():
        month = today_in_warsaw(submitted).strftime("%Y-%m")
        days = (decided - submitted).total_seconds() / 86400 if decided else None
        groups[(slug, month)].append(days)
    result = []
    for (slug, month), values in sorted(groups.items()):
        decided_days = [v for v in values if v is not None]
        result.append(
            {
                "service": slug,
                "month": month,
                "cases": len(values),
                "decided": len(decided_days),
                "median_handling_days": round(median(decided_days), 1) if decided_days else None,
            }
        )
    return result


def resident_cases_panel(*, user: AnyUser) -> dict[str, Any] | None:
    """The dashboard panel: the resident's open cases and drafts (None: nothing to show)."""
    if not isinstance(user, User):
        return None
    cases = list(cases_of_resident(user=user)[:5])
    drafts = list(Draft.objects.filter(owner=user).select_related("service"))
    if not cases and not drafts:
        return None
    return {"cases": cases, "drafts": drafts, "today": today()}


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything this app holds about ``user`` (GDPR art. 15/20)."""
    cases = Case.objects.filter(applicant=user).select_related("service", "department")
    return {
        "drafts": [
            {"service": d.service.slug, "updated_at": d.updated_at.isoformat(), "data": d.data}
            for d in Draft.objects.filter(owner=user).select_related("service")
        ],
        "cases": [
            {
                "number": c.number,
                "service": c.service.slug,
                "status": c.status,
                "submitted_at": c.submitted_at.isoformat(),
                "data": c.data,
                "submission_sha256": c.submission_sha256,
                "messages": [
                    {"from_office": m.from_office, "at": m.created_at.isoformat(), "body": m.body}
                    for m in c.messages.all()
                ],
            }
            for c in cases.prefetch_related("messages")
        ],
        "draft_files": [
            {"field": a.field_name, "name": a.original_name, "sha256": a.sha256}
            for a in DraftAttachment.objects.filter(draft__owner=user)
        ],
        "letters": [
            {
                "subject": letter.context.get("subject", ""),
                "status": letter.status,
                "sent_at": letter.done_at.isoformat() if letter.done_at else None,
                "body": letter.context.get("body", ""),
            }
            for letter in Letter.objects.filter(recipient=user).order_by("pk")
        ],
        "tax_accounts": [
            {
                "id": account.external_id,
                "liabilities": [
                    {
                        "kind": lb.kind,
                        "year": lb.year,
                        "instalments": [
                            {"due_date": i.due_date.isoformat(), "amount": str(i.amount)}
                            for i in lb.instalments.all()
                        ],
                    }
                    for lb in account.liabilities.all()
                ],
                "payments": [
                    {"paid_on": p.paid_on.isoformat(), "amount": str(p.amount)}
                    for p in account.payments.all()
                ],
            }
            for account in user.taxpayer_accounts.prefetch_related(
                "liabilities__instalments", "payments"
            )
        ],
    }


# ------------------------------------------------------------------------------ local taxes


@dataclass(frozen=True)
class TaxSummary:
    liabilities: list[Any]
    payments: list[Any]
    total_due: Decimal
    total_paid: Decimal
    balance: Decimal
    overdue: Decimal


def tax_summary(*, user: AnyUser, on: date | None = None) -> TaxSummary | None:
    """The resident's liabilities, payments, balance and overdue amount (None: no account).

    Payments settle the earliest instalments first, so the overdue amount is what is due by
    ``on`` minus everything paid, never below zero.
    """
    from django.db.models import Prefetch

    from services.models import Instalment, Liability, Payment

    if not isinstance(user, User):
        return None
    accounts = list(user.taxpayer_accounts.values_list("pk", flat=True))
    if not accounts:
        return None
    on = on or today()
    liabilities = list(
        Liability.objects.filter(account__in=accounts).prefetch_related(
            Prefetch("instalments", queryset=Instalment.objects.order_by("due_date", "number"))
        )
    )
    payments = list(Payment.objects.filter(account__in=accounts))
    zero = Decimal("0.00")
    total_due = sum((i.amount for lb in liabilities for i in lb.instalments.all()), zero)
    due_by_now = sum(
        (i.amount for lb in liabilities for i in lb.instalments.all() if i.due_date < on), zero
    )
    total_paid = sum((p.amount for p in payments), zero)
    return TaxSummary(
        liabilities=liabilities,
        payments=payments,
        total_due=total_due,
        total_paid=total_paid,
        balance=total_due - total_paid,
        overdue=max(due_by_now - total_paid, zero),
    )


def office_info(*, slug: str, at: datetime | None = None) -> OfficeInfo | None:
    """One office location by slug with its "open now" state (None when there is none); for
    other apps that show an office (e.g. a district council's seat) without its model."""
    office = Office.objects.prefetch_related("departments").filter(slug=slug).first()
    if office is None:
        return None
    at = at or timezone.now()
    hours = _hours(office)
    closes = hours.closes_at(at)
    return OfficeInfo(
        office=office,
        open_now=closes is not None,
        closes_at=closes,
        next_opening=None if closes else hours.next_opening(at),
        weekly=[
            (day, [(a, b) for a, b in office.weekly_hours.get(str(day), [])]) for day in range(7)
        ],
        departments=[d.name for d in office.departments.all()],
    )


def office_choices() -> list[tuple[str, str]]:
    """(slug, name) of every office location, for other apps' forms that link to one."""
    return [(o.slug, o.title) for o in Office.objects.order_by("order", "name")]


# ------------------------------------------------------------------ correspondence (R-SRV-6)


def taxpayers_with_balance(*, overdue_only: bool = False) -> list[tuple[User, Decimal, Decimal]]:
    """Residents whose tax accounts show an amount to pay: (resident, balance, overdue).

    The same arithmetic as ``tax_summary``: balance = all instalments − payments; overdue =
    instalments due before today − payments, never below zero. Three queries in all.
    """
    from django.db.models import Sum

    from services.models import Instalment, Payment

    on = today()
    due: dict[int, Decimal] = {}
    due_now: dict[int, Decimal] = {}
    paid: dict[int, Decimal] = {}
    zero = Decimal("0.00")
    rows = (
        Instalment.objects.filter(liability__account__resident__isnull=False)
        .values("liability__account__resident", "due_date")
        .annotate(s=Sum("amount"))
    )
    for row in rows:
        resident = row["liability__account__resident"]
        due[resident] = due.get(resident, zero) + row["s"]
        if row["due_date"] < on:
            due_now[resident] = due_now.get(resident, zero) + row["s"]
    payments = (
        Payment.objects.filter(account__resident__isnull=False)
        .values("account__resident")
        .annotate(s=Sum("amount"))
    )
    for paid_row in payments:
        paid[paid_row["account__resident"]] = paid_row["s"]
    result = []
    wanted = []
    for resident, total in due.items():
        balance = total - paid.get(resident, zero)
        overdue = max(due_now.get(resident, zero) - paid.get(resident, zero), zero)
        if (overdue if overdue_only else balance) > zero:
            wanted.append((resident, balance, overdue))
    users = User.objects.in_bulk([r for r, _b, _o in wanted])
    for resident, balance, overdue in wanted:
        if resident in users:
            result.append((users[resident], balance, overdue))
    result.sort(key=lambda row: row[0].pk)
    return result


def mailings_for_clerk(*, user: AnyUser) -> QuerySet[Any]:
    from services.models import Mailing

    return Mailing.objects.filter(department__code__in=clerk_department_codes(user)).select_related(
        "department", "template", "created_by"
    )


@dataclass(frozen=True)
class MailingProgress:
    total: int
    counts: dict[str, int]
    done: int
    percent: int
    letters_per_second: float | None
    finished: bool


def mailing_progress(*, mailing: Any) -> MailingProgress:
    """Counts by status, percent done and the send rate so far (one query)."""
    from django.db.models import Count, Max

    from services.models import LETTER_DONE, Letter, LetterStatus, MailingStatus

    rows = Letter.objects.filter(mailing=mailing).values("status").annotate(n=Count("pk"))
    counts = {status: 0 for status in LetterStatus.values}
    for row in rows:
        counts[row["status"]] = row["n"]
    total = mailing.total or sum(counts.values())
    done = sum(counts[s] for s in LETTER_DONE)
    rate = None
    if mailing.started_at and done:
        last = Letter.objects.filter(mailing=mailing).aggregate(m=Max("done_at"))["m"]
        if last and last > mailing.started_at:
            rate = round(done / (last - mailing.started_at).total_seconds(), 1)
    return MailingProgress(
        total=total,
        counts=counts,
        done=done,
        percent=int(done * 100 / total) if total else (100 if done == total else 0),
        letters_per_second=rate,
        finished=mailing.status == MailingStatus.FINISHED,
    )


def mailing_report_rows(*, mailing: Any) -> Any:
    """The final report: one row per letter (streamed in id order)."""
    from services.models import Letter

    return (
        Letter.objects.filter(mailing=mailing)
        .select_related("case")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )


def letters_of_resident(*, user: AnyUser, case: Any = None, taxes: bool = False) -> list[Any]:
    """Letters delivered to ``user`` (sent or printed): of one case, or the tax letters."""
    from services.models import TAX_SOURCES, Letter, LetterStatus

    if not isinstance(user, User):
        return []
    letters = Letter.objects.filter(
        recipient=user, status__in=(LetterStatus.SENT, LetterStatus.PRINT)
    ).select_related("mailing")
    if case is not None:
        letters = letters.filter(case=case)
    if taxes:
        letters = letters.filter(mailing__source__in=TAX_SOURCES)
    return list(letters.order_by("-done_at"))


def case_letters(*, case: Case) -> list[Any]:
    """Letters of a mailing sent about ``case`` (shown on the case page)."""
    from services.models import Letter, LetterStatus

    return list(
        Letter.objects.filter(case=case, status__in=(LetterStatus.SENT, LetterStatus.PRINT))
        .select_related("mailing")
        .order_by("-done_at")
    )


def letter_for_user(*, user: AnyUser, public_id: Any) -> Any:
    """A delivered letter its recipient, or a clerk of the sending department, may open."""
    from services.models import Letter, LetterStatus

    if not isinstance(user, User):
        return None
    letter = (
        Letter.objects.filter(
            public_id=public_id, status__in=(LetterStatus.SENT, LetterStatus.PRINT)
        )
        .select_related("mailing__department")
        .first()
    )
    if letter is None:
        return None
    if letter.recipient_id == user.pk or is_clerk_of(user, letter.mailing.department.code):
        return letter
    return None


def resident_taxes_panel(*, user: AnyUser) -> dict[str, Any] | None:
    """The dashboard panel: balance, overdue amount and the next instalment (None: no account)."""
    summary = tax_summary(user=user)
    if summary is None:
        return None
    on = today()
    upcoming = sorted(
        (i for lb in summary.liabilities for i in lb.instalments.all() if i.due_date >= on),
        key=lambda i: (i.due_date, i.number),
    )
    return {"summary": summary, "next_instalment": upcoming[0] if upcoming else None}


def case_notifications_for_clerk(*, user: AnyUser) -> QuerySet[Any]:
    """Status-change notices of the cases of the user's departments (none for everyone else)."""
    from services.models import CaseNotification

    return CaseNotification.objects.filter(
        case__department__code__in=clerk_department_codes(user)
    ).select_related("case__department", "case__applicant")
