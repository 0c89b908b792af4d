"""Every write on districts: the funds plan and formula, yearly inputs, allocations, the
councils' budget resolutions and the follow-up of their tasks.

Each action is keyword-only, checks the acting user's right to do it (object-level: a council
member acts only for their own district) and leaves history with the acting user. Invalid input
raises ``ValidationError`` (translated message, stable ``code``) and saves nothing; a missing
right raises ``PermissionDenied``.
"""

import io
import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import is_council_member_of
from districts import allocation as alloc
from districts.models import (
    RESOLUTION_NUMBER_REGEX,
    Allocation,
    AttachmentKind,
    DeadlineOverride,
    District,
    DistrictYearInput,
    FormulaComponent,
    FundsPlanYear,
    Resolution,
    ResolutionStatus,
    ResolutionTask,
    TaskAttachment,
    TaskCategory,
    TaskStatus,
)
from districts.reference import read_districts

BASE_YEAR = 2024
GROSZ = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")


@transaction.atomic
def districts_load_reference() -> int:
    """Create or update the 18 districts from the shipped table; returns how many exist."""
    for row in read_districts():
        number = row.pop("number")  # type: ignore[misc]
        District.objects.update_or_create(number=number, defaults=dict(row))
    return District.objects.count()


def _history(obj: Any, acting_user: User | None) -> None:
    obj._history_user = acting_user


def _money(value: Any, *, field: str, positive: bool = False) -> Decimal:
    """A PLN amount in whole grosze; negative (or zero when ``positive``) is refused."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(
            {field: _("Podaj kwotę w złotych, np. 1250,50.")}, code="invalid"
        ) from None
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT or amount != amount.quantize(GROSZ):
        raise ValidationError(
            {field: _("Kwota musi być podana z dokładnością do grosza.")}, code="invalid"
        )
    if amount < 0 or (positive and amount == 0):
        raise ValidationError(
            {
                field: _("Kwota musi być większa od zera.")
                if positive
                else _("Kwota nie może być ujemna.")
            },
            code="negative",
        )
    return amount


# --------------------------------------------------------------------------------------------
# Who may do what (object-level)
# --------------------------------------------------------------------------------------------


def can_edit_district(user: Any, district_id: int) -> bool:
    """Council members of the district (and superusers) prepare its resolutions."""
    return is_council_member_of(user, district_id)


def can_review(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("districts.review_resolution")
    )


def can_update_progress(user: Any, district_id: int) -> bool:
    return can_edit_district(user, district_id) or bool(
        user.is_authenticated
        and user.is_active
        and user.has_perm("districts.change_resolutiontask")
    )


def can_override_deadline(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("districts.override_deadline")
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Nie masz uprawnień do tej czynności."))


# --------------------------------------------------------------------------------------------
# Funds: formula, plan, inputs, allocations
# --------------------------------------------------------------------------------------------

ALLOCATION_ERRORS = {
    "zero_basis": lambda: _("Brak danych do podziału: wszystkie dzielnice mają zero."),
    "missing_input": lambda: _("Brakuje danych (mieszkańcy, grunty) dla części dzielnic."),
    "negative_increase": lambda: _("Kwota roku jest niższa niż kwota bazowa 2024 r."),
    "invalid_formula": lambda: _("Udziały składników algorytmu muszą sumować się do 100%."),
}


def _allocation_error(error: alloc.AllocationError) -> ValidationError:
    message = ALLOCATION_ERRORS.get(error.code, lambda: _("Nieprawidłowe dane do podziału."))()
    return ValidationError(message, code=error.code)


def formula_load() -> alloc.Formula:
    """The split formula stored as data; the 2015 formula when none is stored."""
    rows = [(c.key, c.share.normalize(), c.basis) for c in FormulaComponent.objects.all()]
    if not rows:
        return alloc.KRAKOW_FORMULA_2015
    try:
        return alloc.Formula.of(rows)
    except alloc.AllocationError as error:
        raise _allocation_error(error) from error


@transaction.atomic
def formula_set(
    *, components: list[tuple[str, Decimal, str]], acting_user: User | None
) -> alloc.Formula:
    """Replace the formula; refused (nothing changed) unless the shares sum to exactly 1."""
    try:
        formula = alloc.Formula.of(components)
    except alloc.AllocationError as error:
        raise _allocation_error(error) from error
    for old in FormulaComponent.objects.all():
        _history(old, acting_user)
        old.delete()
    for order, (key, share, basis) in enumerate(components, start=1):
        row = FormulaComponent(key=key, share=share, basis=basis, order=order)
        _history(row, acting_user)
        row.save()
    return formula


@transaction.atomic
def funds_plan_set(
    *,
    year: int,
    total: Decimal,
    acting_user: User | None,
    filing_deadline: date | None = None,
) -> FundsPlanYear:
    """Set a year's total for all district councils (deadline: 31 March unless given)."""
    if not BASE_YEAR <= year <= 2100:
        raise ValidationError({"year": _("Plan obejmuje lata od 2024.")}, code="year")
    amount = _money(total, field="total", positive=True)
    plan = FundsPlanYear.objects.filter(year=year).first() or FundsPlanYear(year=year)
    plan.total = amount
    plan.filing_deadline = filing_deadline or plan.filing_deadline or date(year, 3, 31)
    _history(plan, acting_user)
    plan.save()
    return plan


@transaction.atomic
def district_input_set(
    *,
    district: District,
    year: int,
    residents: int,
    land_area: Decimal,
    acting_user: User | None,
    is_demo: bool = False,
) -> DistrictYearInput:
    """Record a district's permanent residents and city-owned land (ha) for a year."""
    if isinstance(residents, bool) or not isinstance(residents, int) or residents < 0:
        raise ValidationError(
            {"residents": _("Liczba mieszkańców nie może być ujemna.")}, code="negative"
        )
    try:
        area = Decimal(str(land_area))
    except InvalidOperation:
        raise ValidationError(
            {"land_area": _("Podaj powierzchnię w hektarach.")}, code="invalid"
        ) from None
    if not area.is_finite() or area < 0 or area >= 10**8:
        raise ValidationError(
            {"land_area": _("Powierzchnia nie może być ujemna.")}, code="negative"
        )
    row = DistrictYearInput.objects.filter(district=district, year=year).first()
    row = row or DistrictYearInput(district=district, year=year)
    row.residents, row.land_area, row.is_demo = residents, area.quantize(Decimal("0.0001")), is_demo
    _history(row, acting_user)
    row.save()
    return row


def _inputs(year: int) -> dict[int, dict[str, Decimal | int]]:
    rows = DistrictYearInput.objects.filter(year=year)
    return {r.district_id: {"residents": r.residents, "land_area": r.land_area} for r in rows}


@transaction.atomic
def allocations_compute(*, year: int, acting_user: User | None) -> dict[int, Decimal]:
    """Split the year's total among the 18 districts exactly to the grosz and store it.

    2024 (the base) is split by the formula; every later year keeps each district's 2024
    amount and splits only the increase by the formula with that year's inputs.
    """
    plan = FundsPlanYear.objects.filter(year=year).first()
    if plan is None:
        raise ValidationError(_("Brak kwoty w planie na ten rok."), code="no_plan")
    formula = formula_load()
    inputs = _inputs(year)
    district_ids = set(District.objects.values_list("id", flat=True))
    if set(inputs) != district_ids:
        raise ValidationError(ALLOCATION_ERRORS["missing_input"](), code="missing_input")
    try:
        if year == BASE_YEAR:
            base = {d: Decimal("0.00") for d in inputs}
            amounts = alloc.allocate(plan.total, inputs, formula)
        else:
            base_rows = Allocation.objects.filter(year=BASE_YEAR)
            base = {a.district_id: a.base_amount + a.increase for a in base_rows}
            if set(base) != district_ids:
                raise ValidationError(
                    _("Najpierw oblicz podział roku bazowego 2024."), code="no_base"
                )
            amounts = alloc.split_increase(base, plan.total, inputs, formula)
    except alloc.AllocationError as error:
        raise _allocation_error(error) from error
    existing = {a.district_id: a for a in Allocation.objects.filter(year=year)}
    for district_id, amount in amounts.items():
        row = existing.get(district_id) or Allocation(district_id=district_id, year=year)
        row.base_amount = base[district_id]
        row.increase = amount - base[district_id]
        row.amount = amount
        _history(row, acting_user)
        row.save()
    return amounts


# --------------------------------------------------------------------------------------------
# Resolutions
# --------------------------------------------------------------------------------------------


def _check_number(number: str, adopted_on: date) -> str:
    number = (number or "").strip().upper()
    if not re.fullmatch(RESOLUTION_NUMBER_REGEX, number):
        raise ValidationError(
            {"number": _("Numer uchwały ma postać sesja/numer/rok, np. XII/123/2025.")},
            code="number_format",
        )
    if int(number.rsplit("/", 1)[1]) != adopted_on.year:
        raise ValidationError(
            {"number": _("Rok w numerze uchwały musi być rokiem jej podjęcia.")},
            code="number_year",
        )
    return number


def _check_adopted_on(adopted_on: date) -> None:
    if adopted_on > timezone.localdate():
        raise ValidationError(
            {"adopted_on": _("Data podjęcia nie może być z przyszłości.")}, code="future"
        )


def _require_draft(resolution: Resolution) -> None:
    if resolution.status != ResolutionStatus.DRAFT:
        raise ValidationError(
            _("Zmieniać można tylko projekt uchwały; złożoną uchwałę zmienia się nową wersją."),
            code="not_draft",
        )


def district_allocation(*, district_id: int, year: int) -> Decimal | None:
    row = Allocation.objects.filter(district_id=district_id, year=year).first()
    return row.amount if row else None


@transaction.atomic
def resolution_draft_create(
    *, district: District, year: int, number: str, adopted_on: date, acting_user: User
) -> Resolution:
    """A council member starts the year's budget resolution of their district."""
    _require(can_edit_district(acting_user, district.pk))
    number = _check_number(number, adopted_on)
    _check_adopted_on(adopted_on)
    if not FundsPlanYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("Brak kwoty w planie na ten rok.")}, code="no_plan")
    if Resolution.objects.filter(district=district, year=year).exists():
        raise ValidationError(
            _("Uchwała na ten rok już istnieje; zmień ją albo złóż nową wersję."), code="exists"
        )
    resolution = Resolution(
        district=district, year=year, number=number, adopted_on=adopted_on, created_by=acting_user
    )
    _history(resolution, acting_user)
    try:
        with transaction.atomic():
            resolution.save()
    except IntegrityError as error:
        raise ValidationError(
            _("Uchwała na ten rok już istnieje; zmień ją albo złóż nową wersję."), code="exists"
        ) from error
    return resolution


@transaction.atomic
def resolution_update(
    *, resolution: Resolution, number: str, adopted_on: date, acting_user: User
) -> Resolution:
    _require(can_edit_district(acting_user, resolution.district_id))
    _require_draft(resolution)
    resolution.number = _check_number(number, adopted_on)
    _check_adopted_on(adopted_on)
    resolution.adopted_on = adopted_on
    _history(resolution, acting_user)
    resolution.save()
    return resolution


def _tasks_total(resolution: Resolution) -> Decimal:
    total = resolution.tasks.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


@transaction.atomic
def resolution_task_add(
    *,
    resolution: Resolution,
    title: str,
    category: str,
    amount: Decimal,
    implementing_unit: str,
    acting_user: User,
) -> ResolutionTask:
    """Add a task to a draft; refused when the tasks would exceed the district's allocation."""
    _require(can_edit_district(acting_user, resolution.district_id))
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    _require_draft(resolution)
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("Podaj nazwę zadania.")
    if category not in TaskCategory.values:
        errors["category"] = _("Wybierz kategorię z listy.")
    if not (implementing_unit or "").strip():
        errors["implementing_unit"] = _("Podaj jednostkę realizującą.")
    if errors:
        raise ValidationError(errors, code="invalid")
    value = _money(amount, field="amount", positive=True)
    funds = district_allocation(district_id=resolution.district_id, year=resolution.year)
    if funds is None:
        raise ValidationError(
            _("Środki dzielnicy na ten rok nie są jeszcze obliczone."), code="no_allocation"
        )
    if _tasks_total(resolution) + value > funds:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _("Suma zadań przekroczyłaby środki dzielnicy (%(funds)s zł).")
                    % {"funds": number_format(funds, 2, force_grouping=True)},
                    code="over_allocation",
                )
            }
        )
    task = ResolutionTask(
        resolution=resolution,
        title=title.strip(),
        category=category,
        amount=value,
        implementing_unit=implementing_unit.strip(),
    )
    _history(task, acting_user)
    task.save()
    return task


@transaction.atomic
def resolution_task_remove(*, task: ResolutionTask, acting_user: User) -> None:
    _require(can_edit_district(acting_user, task.resolution.district_id))
    _require_draft(task.resolution)
    _history(task, acting_user)
    task.delete()


def resolution_check(resolution: Resolution) -> alloc.StatutoryCheck | None:
    """The statutory shares and the sum against the allocation (None: no allocation yet)."""
    funds = district_allocation(district_id=resolution.district_id, year=resolution.year)
    if not funds:
        return None
    per_category: dict[str, Decimal | int] = {}
    for task in resolution.tasks.all():
        per_category[task.category] = per_category.get(task.category, Decimal(0)) + task.amount
    return alloc.check_statutory_shares(per_category, funds)


STATUTORY_MESSAGES: dict[str | None, Any] = {
    TaskCategory.REPAIRS.value: lambda: _(
        "Na remonty i małą infrastrukturę trzeba przeznaczyć co najmniej 70% środków dzielnicy."
    ),
    TaskCategory.DISABILITY.value: lambda: _(
        "Na programy dla osób z niepełnosprawnościami trzeba przeznaczyć co najmniej 5% środków."
    ),
    None: lambda: _("Suma zadań przekracza środki dzielnicy."),
}


def _deadline_passed(resolution: Resolution, now: datetime) -> str | None:
    """The reason a filing is late, or None when it is on time or a clerk allowed it."""
    plan = FundsPlanYear.objects.get(year=resolution.year)
    today = timezone.localdate(now)
    if today <= plan.filing_deadline:
        return None
    override = DeadlineOverride.objects.filter(
        district_id=resolution.district_id, year=resolution.year, valid_until__gte=today
    ).first()
    if override is not None:
        return None
    return _(
        "Termin złożenia uchwały na %(year)s r. minął %(deadline)s; złożenie po terminie wymaga "
        "zgody urzędu."
    ) % {"year": resolution.year, "deadline": plan.filing_deadline.strftime("%d.%m.%Y")}


@transaction.atomic
def resolution_file(
    *, resolution: Resolution, acting_user: User, now: datetime | None = None
) -> Resolution:
    """File a draft with the city: all checks must pass, else nothing changes."""
    _require(can_edit_district(acting_user, resolution.district_id))
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    _require_draft(resolution)
    now = now or timezone.now()
    if not resolution.tasks.exists():
        raise ValidationError(
            _("Uchwała musi zawierać co najmniej jedno zadanie."), code="no_tasks"
        )
    check = resolution_check(resolution)
    if check is None:
        raise ValidationError(
            _("Środki dzielnicy na ten rok nie są jeszcze obliczone."), code="no_allocation"
        )
    if not check.ok:
        raise ValidationError(
            [
                ValidationError(STATUTORY_MESSAGES[v.category](), code=v.code)
                for v in check.violations
            ]
        )
    late = _deadline_passed(resolution, now)
    if late:
        raise ValidationError(late, code="late")
    resolution.status = ResolutionStatus.FILED
    resolution.filed_at, resolution.filed_by = now, acting_user
    resolution.reviewed_at, resolution.reviewed_by, resolution.review_comment = None, None, ""
    _history(resolution, acting_user)
    resolution.save()
    return resolution


@transaction.atomic
def resolution_review(
    *, resolution: Resolution, accept: bool, comment: str, acting_user: User
) -> Resolution:
    """A clerk accepts a filed resolution or returns it with comments (comments required)."""
    _require(can_review(acting_user))
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.status != ResolutionStatus.FILED:
        raise ValidationError(_("Ocenić można tylko złożoną uchwałę."), code="not_filed")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError(
            {"comment": _("Podaj uwagi: co rada ma poprawić.")}, code="comment_required"
        )
    resolution.status = ResolutionStatus.ACCEPTED if accept else ResolutionStatus.RETURNED
    resolution.review_comment = comment
    resolution.reviewed_at, resolution.reviewed_by = timezone.now(), acting_user
    _history(resolution, acting_user)
    resolution.save()
    return resolution


@transaction.atomic
def resolution_amend(*, resolution: Resolution, acting_user: User) -> Resolution:
    """Start a new version of a filed, accepted or returned resolution (a draft with the same
    tasks); the previous version stays, marked superseded, and remains visible."""
    _require(can_edit_district(acting_user, resolution.district_id))
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.status in (ResolutionStatus.DRAFT, ResolutionStatus.SUPERSEDED):
        raise ValidationError(
            _("Nową wersję tworzy się ze złożonej uchwały."), code="not_amendable"
        )
    resolution.status = ResolutionStatus.SUPERSEDED
    _history(resolution, acting_user)
    resolution.save()
    new = Resolution(
        district_id=resolution.district_id,
        year=resolution.year,
        version=resolution.version + 1,
        previous=resolution,
        number=resolution.number,
        adopted_on=resolution.adopted_on,
        created_by=acting_user,
    )
    _history(new, acting_user)
    new.save()
    for task in resolution.tasks.all():
        copy = ResolutionTask(
            resolution=new,
            title=task.title,
            category=task.category,
            amount=task.amount,
            implementing_unit=task.implementing_unit,
            status=task.status,
            committed=task.committed,
            spent=task.spent,
            progress_updated_at=task.progress_updated_at,
        )
        _history(copy, acting_user)
        copy.save()
        for attachment in task.attachments.all():
            attachment.pk, attachment.task = None, copy
            _history(attachment, acting_user)
            attachment.save()
    return new


@transaction.atomic
def deadline_override_grant(
    *, district: District, year: int, reason: str, valid_until: date, acting_user: User
) -> DeadlineOverride:
    """A clerk records that a council may file after the deadline (until ``valid_until``)."""
    _require(can_override_deadline(acting_user))
    if valid_until is None:
        raise ValidationError({"valid_until": _("Podaj datę ważności zgody.")}, code="required")
    if year < BASE_YEAR or year > 2100:
        raise ValidationError({"year": _("Plan obejmuje lata od 2024.")}, code="year")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Podaj uzasadnienie zgody.")}, code="reason")
    override = DeadlineOverride.objects.filter(district=district, year=year).first()
    override = override or DeadlineOverride(district=district, year=year)
    override.reason, override.valid_until, override.granted_by = (
        reason.strip(),
        valid_until,
        acting_user,
    )
    _history(override, acting_user)
    override.save()
    return override


@transaction.atomic
def deadline_override_revoke(*, override: DeadlineOverride, acting_user: User) -> None:
    """A clerk withdraws a recorded permission to file late (a filing already made stays)."""
    _require(can_override_deadline(acting_user))
    _history(override, acting_user)
    override.delete()


# --------------------------------------------------------------------------------------------
# Task follow-up (R-DIS-4)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def task_progress_update(
    *,
    task: ResolutionTask,
    status: str,
    committed: Decimal,
    spent: Decimal,
    acting_user: User,
) -> ResolutionTask:
    """Record a task's status and money committed/spent (filed or accepted resolutions)."""
    _require(can_update_progress(acting_user, task.resolution.district_id))
    if task.resolution.status not in (ResolutionStatus.FILED, ResolutionStatus.ACCEPTED):
        raise ValidationError(
            _("Postęp zapisuje się dla zadań ze złożonej uchwały."), code="not_filed"
        )
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Wybierz stan z listy.")}, code="invalid")
    committed_value = _money(committed, field="committed")
    spent_value = _money(spent, field="spent")
    if spent_value > committed_value:
        raise ValidationError(
            {"spent": _("Wydano więcej, niż zaangażowano.")}, code="spent_over_committed"
        )
    task.status, task.committed, task.spent = status, committed_value, spent_value
    task.progress_updated_at = timezone.now()
    _history(task, acting_user)
    task.save()
    return task


MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def _sniff(data: bytes) -> tuple[str, str] | None:
    """The file's real type from its content (JPEG, PNG or a PDF that parses), else None."""

    for magic, content_type, extension in _SIGNATURES:
        if not data.startswith(magic):
            continue
        try:
            if content_type == "application/pdf":
                from pypdf import PdfReader

                PdfReader(io.BytesIO(data)).pages[0]  # noqa: B018 — parses the first page
            else:
                from PIL import Image

                with Image.open(io.BytesIO(data)) as image:
                    image.verify()
        except Exception:  # noqa: BLE001 — any parser failure means "not a valid file"
            return None
        return content_type, extension
    return None


#: Larger photos are refused before decoding (a small file can decompress to gigabytes).
MAX_PHOTO_PIXELS = 40_000_000


def _strip_photo_metadata(data: bytes, content_type: str) -> bytes:
    """The photo re-encoded without its metadata: EXIF (with the GPS position, the camera's
    serial number, the time), XMP, comments and PNG text chunks. Task photos are public; where
    and with what device the uploader stood is not. The EXIF orientation is applied to the
    pixels first, so the photo keeps its upright position."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise ValidationError(
                    {
                        "file": ValidationError(
                            _("Zdjęcie może mieć najwyżej 40 megapikseli."), code="pixels"
                        )
                    }
                )
            image.load()
            icc_profile = image.info.get("icc_profile")
            transparency = image.info.get("transparency")
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — a file that verified but does not decode is refused
        raise ValidationError(
            {"file": _("Zdjęcie musi być plikiem JPEG lub PNG, a dokument plikiem PDF.")},
            code="type",
        ) from None
    # Only what the pixels need survives: every other key of ``info`` (exif, xmp, comment,
    # dpi, PNG text) is dropped, and nothing is passed on to the encoder but these.
    upright.info = {}
    options: dict[str, Any] = {"icc_profile": icc_profile} if icc_profile else {}
    out = io.BytesIO()
    if content_type == "image/jpeg":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=90, optimize=True, **options)
    else:
        if transparency is not None and upright.mode in ("P", "L", "RGB"):
            options["transparency"] = transparency
        upright.save(out, format="PNG", optimize=True, **options)
    return out.getvalue()


@transaction.atomic
def task_attachment_add(
    *, task: ResolutionTask, kind: str, title: str, data: bytes, acting_user: User
) -> TaskAttachment:
    """Attach a public photo (JPEG/PNG) or document (PDF) to a task of a filed resolution."""
    _require(can_update_progress(acting_user, task.resolution.district_id))
    if task.resolution.status not in (ResolutionStatus.FILED, ResolutionStatus.ACCEPTED):
        raise ValidationError(
            _("Postęp zapisuje się dla zadań ze złożonej uchwały."), code="not_filed"
        )
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Wybierz rodzaj z listy.")}, code="invalid")
    if not (title or "").strip():
        raise ValidationError({"title": _("Podaj opis załącznika.")}, code="required")
    if not data or len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("Plik musi mieć od 1 bajta do 5 MB.")}, code="size")
    sniffed = _sniff(data)
    allowed = ("image/jpeg", "image/png") if kind == AttachmentKind.PHOTO else ("application/pdf",)
    if sniffed is None or sniffed[0] not in allowed:
        raise ValidationError(
            {"file": _("Zdjęcie musi być plikiem JPEG lub PNG, a dokument plikiem PDF.")},
            code="type",
        )
    content_type, extension = sniffed
    if content_type != "application/pdf":
        data = _strip_photo_metadata(data, content_type)
    attachment = TaskAttachment(
        task=task,
        kind=kind,
        title=title.strip(),
        content_type=content_type,
        size=len(data),
        uploaded_by=acting_user,
    )
    # A generated name: the uploader's file name never reaches storage or URLs.
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    _history(attachment, acting_user)
    attachment.save()
    return attachment


@transaction.atomic
def task_attachment_remove(*, attachment: TaskAttachment, acting_user: User) -> None:
    """Remove a task's photo or document (the district's council members and clerks with the
    permission); the file goes from storage once the removal commits."""
    task = attachment.task
    _require(can_update_progress(acting_user, task.resolution.district_id))
    if task.resolution.status not in (ResolutionStatus.FILED, ResolutionStatus.ACCEPTED):
        raise ValidationError(
            _("Załączniki zmienia się tylko przy zadaniach ze złożonej uchwały."),
            code="not_filed",
        )
    name, storage = attachment.file.name, attachment.file.storage
    # A superseded version may share the file (amendments copy attachments): keep it then.
    shared = TaskAttachment.objects.filter(file=name).exclude(pk=attachment.pk).exists()
    _history(attachment, acting_user)
    attachment.delete()
    if name and not shared:
        transaction.on_commit(lambda: storage.delete(name))
