"""Every write on consultations and surveys. Keyword-only, typed, with history of the acting user.

Errors a resident or clerk can cause come out as ``ValidationError`` with a translated message
(and, for survey answers, a dict of per-question messages); nothing is stored then.
"""

import math
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.actions import assisted_act_record, notification_preferences_update
from accounts.models import (
    Department,
    DigestFrequency,
    NotificationPreference,
    NotificationTopic,
    User,
)
from accounts.permissions import is_assistant
from accounts.verification import VerificationLevel, has_level
from consultations import methodology, weighting
from consultations.models import (
    CHANNEL_CHOICES,
    FORM_CHOICES,
    AggregateStatus,
    Audience,
    Consultation,
    DigestDelivery,
    Meeting,
    MeetingRegistration,
    Opinion,
    OpinionReport,
    PopulationCell,
    ResponseChannel,
    Survey,
    SurveyAggregate,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    age_band,
)
from districts.models import District

# --------------------------------------------------------------------------------------------
# Consultation processes
# --------------------------------------------------------------------------------------------


def _matter(consultation: Consultation, district_numbers: Collection[int]) -> methodology.Matter:
    return methodology.Matter(
        city_wide=consultation.city_wide,
        districts=frozenset(district_numbers),
        residents_affected=consultation.residents_affected,
        cost_pln=Decimal(consultation.cost_pln),
        reversibility=methodology.Reversibility(consultation.reversibility),
        legally_required=consultation.legally_required,
        conflict=methodology.Conflict(consultation.conflict),
    )


#: What a clerk may change on a consultation (the methodology reruns on every change).
EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "topic",
    "department",
    "announced_on",
    "starts_on",
    "ends_on",
    "report_due_on",
    "residents_affected",
    "cost_pln",
    "reversibility",
    "legally_required",
    "conflict",
    "city_wide",
    "forms",
    "channels",
    "report",
)


def _codes(values: Iterable[str], kind: Any, field: str) -> list[str]:
    try:
        return [str(kind(v).value) for v in values]
    except ValueError:
        raise ValidationError({field: _("Wybierz pozycje z listy.")}, code="choice") from None


def consultation_prepare(
    *, consultation: Consultation, district_numbers: Collection[int]
) -> list[methodology.Violation]:
    """Check a (new or changed, unsaved) consultation and store the methodology's decision for
    its matter on it. Raises ``ValidationError`` on a bad scope or dates; returns how the plan
    falls short of the new decision (empty: it may be published).

    The admin form calls this before saving too, so a clerk sees every error on the form."""
    if not consultation.city_wide and not district_numbers:
        raise ValidationError(
            {"districts": _("Wybierz dzielnice albo zaznacz „całe miasto”.")}, code="scope"
        )
    if not (
        consultation.announced_on
        <= consultation.starts_on
        <= consultation.ends_on
        <= consultation.report_due_on
    ):
        raise ValidationError(
            _("Daty etapów muszą następować po sobie: ogłoszenie, początek, koniec, raport."),
            code="dates",
        )
    consultation.forms = _codes(consultation.forms, methodology.Form, "forms")
    consultation.channels = _codes(consultation.channels, methodology.Channel, "channels")
    try:
        matter = _matter(consultation, district_numbers)
    except (TypeError, ValueError, InvalidOperation):
        raise ValidationError(
            _("Sprawdź cechy sprawy: liczba mieszkańców i koszt nie mogą być ujemne."),
            code="matter",
        ) from None
    consultation.decision = methodology.decide(matter).to_dict()
    return consultation_plan_violations(consultation=consultation)


def _refuse(violations: list[methodology.Violation]) -> None:
    if violations:
        raise ValidationError([ValidationError(violation_text(v), code=v.code) for v in violations])


@transaction.atomic
def consultation_create(
    *,
    acting_user: User,
    department: Department,
    title: str,
    summary: str,
    topic: str,
    announced_on: date,
    starts_on: date,
    ends_on: date,
    report_due_on: date,
    residents_affected: int,
    cost_pln: Decimal = Decimal(0),
    reversibility: str = "reversible",
    legally_required: bool = False,
    conflict: str = "low",
    city_wide: bool = True,
    districts: Iterable[District] = (),
    forms: Iterable[str] = (),
    channels: Iterable[str] = (),
    description: str = "",
    report: str = "",
) -> Consultation:
    """Create a draft consultation and store the methodology's decision for its matter."""
    district_list = list(districts)
    consultation = Consultation(
        department=department,
        title=title,
        summary=summary,
        description=description,
        topic=topic,
        announced_on=announced_on,
        starts_on=starts_on,
        ends_on=ends_on,
        report_due_on=report_due_on,
        residents_affected=residents_affected,
        cost_pln=cost_pln,
        reversibility=reversibility,
        legally_required=legally_required,
        conflict=conflict,
        city_wide=city_wide,
        forms=list(forms),
        channels=list(channels),
        report=report,
        created_by=acting_user,
    )
    consultation_prepare(
        consultation=consultation, district_numbers=[d.number for d in district_list]
    )
    consultation._history_user = acting_user  # type: ignore[attr-defined]
    consultation.full_clean(exclude=["decision", "created_by"])
    consultation.save()
    if district_list:
        consultation.districts.set(district_list)
    return consultation


@transaction.atomic
def consultation_update(
    *,
    consultation: Consultation,
    acting_user: User,
    districts: Iterable[District] | None = None,
    **changes: Any,
) -> Consultation:
    """Change a consultation and rerun the methodology on the changed matter: the new decision
    and its reasons are stored (history keeps the old ones). A published consultation may not
    be changed so that it breaks the new decision's minimums (refused with every reason);
    a draft may, and then publishing is refused until the plan is fixed."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    for name, value in changes.items():
        setattr(consultation, name, value)
    district_list = list(districts) if districts is not None else list(consultation.districts.all())
    if consultation.city_wide:
        district_list = []
    violations = consultation_prepare(
        consultation=consultation, district_numbers=[d.number for d in district_list]
    )
    if consultation.published_at is not None:
        _refuse(violations)
    consultation.full_clean(exclude=["decision", "created_by"])
    consultation._history_user = acting_user  # type: ignore[attr-defined]
    consultation.save()
    consultation.districts.set(district_list)
    return consultation


def _stored_decision(consultation: Consultation) -> methodology.Decision:
    data = consultation.decision
    return methodology.Decision(
        required=bool(data["required"]),
        level=methodology.Level[str(data["level"]).upper()],
        announcement_days=int(data["announcement_days"]),
        duration_days=int(data["duration_days"]),
        forms=tuple(methodology.Form(f) for f in data["forms"]),
        channels=tuple(methodology.Channel(c) for c in data["channels"]),
        report_required=bool(data["report_required"]),
        reasons=(),
    )


def consultation_plan_violations(*, consultation: Consultation) -> list[methodology.Violation]:
    """How the plan falls short of the stored decision (empty: it may be published)."""
    planned = methodology.PlannedConsultation(
        announced_on=consultation.announced_on,
        starts_on=consultation.starts_on,
        ends_on=consultation.ends_on,
        forms=frozenset(methodology.Form(f) for f in consultation.forms),
        channels=frozenset(methodology.Channel(c) for c in consultation.channels),
        report_planned=True,
    )
    return methodology.check_plan(_stored_decision(consultation), planned)


def violation_text(violation: methodology.Violation) -> str:
    return violation.text_en if translation.get_language() == "en" else violation.text_pl


def decision_summary(*, decision: Mapping[str, Any]) -> str:
    """The stored decision in one paragraph of the current language (for the clerk's screen)."""
    if not decision:
        return "—"
    en = translation.get_language() == "en"
    reasons = [str(r.get("text_en" if en else "text_pl", "")) for r in decision.get("reasons", [])]
    try:
        level = methodology.Level[str(decision.get("level", "")).upper()]
        level_label = level.label_en if en else level.label_pl
    except KeyError:
        level_label = str(decision.get("level", ""))
    form_labels, channel_labels = dict(FORM_CHOICES), dict(CHANNEL_CHOICES)
    head = _(
        "Poziom: %(level)s; wymagane: %(required)s; ogłoszenie co najmniej %(announce)s dni "
        "przed; zbieranie opinii co najmniej %(duration)s dni; formy: %(forms)s; kanały: "
        "%(channels)s."
    ) % {
        "level": level_label,
        "required": _("tak") if decision.get("required") else _("nie"),
        "announce": decision.get("announcement_days", ""),
        "duration": decision.get("duration_days", ""),
        "forms": ", ".join(str(form_labels.get(f, f)) for f in decision.get("forms", [])),
        "channels": ", ".join(str(channel_labels.get(c, c)) for c in decision.get("channels", [])),
    }
    return " ".join([head, *reasons])


@transaction.atomic
def consultation_publish(*, consultation: Consultation, acting_user: User) -> Consultation:
    """Publish a draft; refused, with every reason, when it breaks the decided minimums."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.published_at is not None:
        raise ValidationError(_("Te konsultacje są już opublikowane."), code="published")
    _refuse(consultation_plan_violations(consultation=consultation))
    consultation.published_at = timezone.now()
    consultation._history_user = acting_user  # type: ignore[attr-defined]
    consultation.save(update_fields=["published_at"])
    return consultation


@transaction.atomic
def consultation_report_publish(
    *, consultation: Consultation, report: str, acting_user: User
) -> Consultation:
    if consultation.published_at is None:
        raise ValidationError(_("Najpierw opublikuj konsultacje."), code="draft")
    if timezone.localdate() <= consultation.ends_on:
        raise ValidationError(
            _("Raport można opublikować dopiero po zakończeniu zbierania opinii."), code="early"
        )
    if not report.strip():
        raise ValidationError(_("Raport nie może być pusty."), code="empty")
    consultation.report = report
    consultation.report_published_at = timezone.now()
    consultation._history_user = acting_user  # type: ignore[attr-defined]
    consultation.save(update_fields=["report", "report_published_at"])
    return consultation


# --------------------------------------------------------------------------------------------
# Opinions and moderation
# --------------------------------------------------------------------------------------------


@transaction.atomic
def opinion_submit(*, consultation: Consultation, author: User, body: str) -> Opinion:
    if not has_level(author, VerificationLevel.EMAIL):
        raise ValidationError(
            _("Opinię może dodać osoba z potwierdzonym adresem e-mail."), code="level"
        )
    if not consultation.is_collecting():
        raise ValidationError(_("Te konsultacje nie zbierają teraz opinii."), code="closed")
    body = body.strip()
    if len(body) < 10:
        raise ValidationError(_("Opinia musi mieć co najmniej 10 znaków."), code="short")
    if len(body) > 5000:
        raise ValidationError(_("Opinia może mieć najwyżej 5000 znaków."), code="long")
    opinion = Opinion(consultation=consultation, author=author, body=body)
    opinion._history_user = author  # type: ignore[attr-defined]
    opinion.save()
    return opinion


def opinion_report(*, opinion: Opinion, reporter: User, reason: str) -> OpinionReport:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Podaj powód zgłoszenia."), code="reason")
    report = OpinionReport(opinion=opinion, reporter=reporter, reason=reason[:300])
    report._history_user = reporter  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            _("Ta opinia została już przez Ciebie zgłoszona."), code="twice"
        ) from None
    return report


@transaction.atomic
def opinion_hide(*, opinion: Opinion, reason: str, acting_user: User) -> Opinion:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Podaj powód ukrycia opinii."), code="reason")
    opinion.hidden_at = timezone.now()
    opinion.hidden_reason = reason[:300]
    opinion._history_user = acting_user  # type: ignore[attr-defined]
    opinion.save(update_fields=["hidden_at", "hidden_reason"])
    return opinion


@transaction.atomic
def opinion_restore(*, opinion: Opinion, acting_user: User) -> Opinion:
    opinion.hidden_at = None
    opinion.hidden_reason = ""
    opinion._history_user = acting_user  # type: ignore[attr-defined]
    opinion.save(update_fields=["hidden_at", "hidden_reason"])
    return opinion


# --------------------------------------------------------------------------------------------
# Meetings
# --------------------------------------------------------------------------------------------


def meeting_register(*, meeting: Meeting, user: User) -> MeetingRegistration:
    """Take one place. The conditional UPDATE and the CHECK constraint keep the count within
    capacity even when many people register at the same moment."""
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("To spotkanie już się odbyło."), code="past")
    try:
        with transaction.atomic():
            registration = MeetingRegistration(meeting=meeting, user=user)
            registration._history_user = user  # type: ignore[attr-defined]
            registration.save()
            taken = Meeting.objects.filter(
                pk=meeting.pk, registered_count__lt=F("capacity")
            ).update(registered_count=F("registered_count") + 1)
            if not taken:
                raise ValidationError(_("Brak wolnych miejsc na to spotkanie."), code="full")
    except IntegrityError:
        raise ValidationError(
            _("Już jesteś zapisana/zapisany na to spotkanie."), code="twice"
        ) from None
    meeting.refresh_from_db(fields=["registered_count"])
    return registration


@transaction.atomic
def meeting_unregister(*, meeting: Meeting, user: User) -> None:
    deleted, _rows = MeetingRegistration.objects.filter(meeting=meeting, user=user).delete()
    if deleted:
        Meeting.objects.filter(pk=meeting.pk).update(registered_count=F("registered_count") - 1)


# --------------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------------


def _number(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        try:
            value = Decimal(raw.strip().replace(",", "."))
        except InvalidOperation:
            return None
    else:
        return None
    return value if value.is_finite() else None


def _is_blank(raw: Any) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


def _clean_answer(question: SurveyQuestion, raw: Any) -> tuple[Any, str | None]:
    """(normalised value, error message or None) for one non-blank answer."""
    kind = question.kind
    if kind == "text":
        if not isinstance(raw, str):
            return None, _("Wpisz tekst.")
        if len(raw) > 2000:
            return None, _("Odpowiedź może mieć najwyżej 2000 znaków.")
        return raw.strip(), None
    if kind == "single":
        index = _number(raw)
        if index is None or index != int(index) or not 0 <= int(index) < len(question.options):
            return None, _("Wybierz jedną z podanych odpowiedzi.")
        return int(index), None
    if kind == "multiple":
        items = raw if isinstance(raw, list | tuple) else [raw]
        chosen: set[int] = set()
        for item in items:
            index = _number(item)
            if index is None or index != int(index) or not 0 <= int(index) < len(question.options):
                return None, _("Wybierz odpowiedzi spośród podanych.")
            chosen.add(int(index))
        return sorted(chosen), None
    value = _number(raw)
    if value is None:
        return None, _("Podaj liczbę.")
    if kind in ("likert", "rating"):
        scale = question.scale()
        if value != int(value) or int(value) not in scale:
            return None, _("Podaj liczbę całkowitą od %(low)s do %(high)s.") % {
                "low": scale[0],
                "high": scale[-1],
            }
        return int(value), None
    if question.min_value is not None and value < question.min_value:
        return None, _("Podaj liczbę nie mniejszą niż %(low)s.") % {"low": question.min_value}
    if question.max_value is not None and value > question.max_value:
        return None, _("Podaj liczbę nie większą niż %(high)s.") % {"high": question.max_value}
    as_float = float(value)
    return (int(value) if value == int(value) else as_float), None


def survey_clean_answers(
    *, questions: Iterable[SurveyQuestion], raw: Mapping[str, Any]
) -> dict[str, Any]:
    """Validate ``raw`` (``{"q<id>": value}``, from a form or JSON) against the questions.

    Returns the normalised answers; raises ``ValidationError({"q<id>": message, …})``.
    Unknown keys are an error too (a stale form must not store half an answer).
    """
    questions = list(questions)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    known = {q.key for q in questions}
    for key in raw:
        if key not in known:
            errors[key] = _("Nie ma takiego pytania w tej ankiecie.")
    for question in questions:
        value = raw.get(question.key)
        if _is_blank(value):
            if question.required:
                errors[question.key] = _("To pytanie jest obowiązkowe.")
            continue
        normalised, error = _clean_answer(question, value)
        if error:
            errors[question.key] = error
        else:
            cleaned[question.key] = normalised
    if errors:
        raise ValidationError(errors)
    return cleaned


def survey_eligibility_error(*, survey: Survey, user: User | Any) -> str | None:
    """Why ``user`` may not answer ``survey`` now (None when they may)."""
    if not survey.is_open():
        if survey.closed_at is not None or timezone.now() >= survey.closes_at:
            return _("Ankieta jest już zamknięta.")
        return _("Ankieta nie jest jeszcze otwarta.")
    if not getattr(user, "is_authenticated", False):
        return _("Zaloguj się, aby odpowiedzieć na ankietę.")
    if survey.audience == Audience.VERIFIED_RESIDENTS and not has_level(
        user, VerificationLevel.RESIDENT
    ):
        return _("Na tę ankietę odpowiadają tylko zweryfikowani mieszkańcy Krakowa.")
    district_ids = {d.pk for d in survey.districts.all()}
    if district_ids and (
        not has_level(user, VerificationLevel.RESIDENT) or user.district_id not in district_ids
    ):
        return _("Ta ankieta jest tylko dla mieszkańców wskazanych dzielnic.")
    if SurveyParticipation.objects.filter(survey=survey, user=user).exists():
        return _("Już odpowiedziałaś/odpowiedziałeś na tę ankietę.")
    return None


def _store_response(
    *,
    survey: Survey,
    person: User | None,
    answers: dict[str, Any],
    channel: str,
    entered_by: User | None,
    district_id: int | None,
    band: str,
    sex: str,
) -> SurveyResponse:
    try:
        with transaction.atomic():
            if person is not None:
                SurveyParticipation.objects.create(survey=survey, user=person)
            return SurveyResponse.objects.create(
                survey=survey,
                respondent=None if survey.anonymous else person,
                channel=channel,
                entered_by=entered_by,
                district_id=district_id,
                age_band=band,
                sex=sex,
                answers=answers,
            )
    except IntegrityError:
        raise ValidationError(
            _("Już odpowiedziałaś/odpowiedziałeś na tę ankietę."), code="twice"
        ) from None


def survey_respond(*, survey: Survey, user: User, raw_answers: Mapping[str, Any]) -> SurveyResponse:
    """A resident answers online. One response per person per survey (the database decides)."""
    error = survey_eligibility_error(survey=survey, user=user)
    if error:
        raise ValidationError(error, code="not_allowed")
    answers = survey_clean_answers(questions=survey.questions.all(), raw=raw_answers)
    return _store_response(
        survey=survey,
        person=user,
        answers=answers,
        channel=ResponseChannel.ONLINE,
        entered_by=None,
        district_id=user.district_id,
        band=age_band(user.birth_date, timezone.localdate()),
        sex=user.sex,
    )


def survey_record_paper(
    *,
    survey: Survey,
    acting_user: User,
    raw_answers: Mapping[str, Any],
    resident: User | None = None,
    district: District | None = None,
    band: str = "",
    sex: str = "",
) -> SurveyResponse:
    """A clerk types in a paper questionnaire (recorded as assisted, with the clerk's name).

    With ``resident`` (an account) the same one-per-person rule applies as online — the
    "has responded" register is shared by both channels, so whoever answers second, online or
    on paper, is refused — and the profile gives the weighting cell; without it, the cell comes
    from the paper form. A survey limited to some districts takes paper answers from them only.
    """
    if not survey.published:
        raise ValidationError(_("Ankieta nie jest opublikowana."), code="draft")
    if survey.closed_at is not None:
        raise ValidationError(_("Ankieta jest już zamknięta."), code="closed")
    answers = survey_clean_answers(questions=survey.questions.all(), raw=raw_answers)
    district_ids = {d.pk for d in survey.districts.all()}
    if resident is not None:
        district_id = resident.district_id
        band, sex = age_band(resident.birth_date, timezone.localdate()), resident.sex
        if survey.audience == Audience.VERIFIED_RESIDENTS and not has_level(
            resident, VerificationLevel.RESIDENT
        ):
            raise ValidationError(
                _("Ta osoba nie jest zweryfikowaną mieszkanką/zweryfikowanym mieszkańcem."),
                code="not_allowed",
            )
        if SurveyParticipation.objects.filter(survey=survey, user=resident).exists():
            raise ValidationError(
                _("Ta osoba już odpowiedziała na tę ankietę (przez internet albo na papierze)."),
                code="twice",
            )
    else:
        district_id = district.pk if district else None
    if district_ids and district_id not in district_ids:
        raise ValidationError(
            _("Ta ankieta jest tylko dla mieszkańców wskazanych dzielnic."), code="district"
        )
    with transaction.atomic():
        response = _store_response(
            survey=survey,
            person=resident,
            answers=answers,
            channel=ResponseChannel.PAPER,
            entered_by=acting_user,
            district_id=district_id,
            band=band,
            sex=sex,
        )
        if resident is not None and is_assistant(acting_user) and acting_user.pk != resident.pk:
            assisted_act_record(
                assistant=acting_user,
                resident=resident,
                kind="survey_paper",
                description=survey.title,
            )
    return response


@transaction.atomic
def survey_close(*, survey: Survey, acting_user: User) -> Survey:
    """Close answering now and queue the aggregation."""
    if survey.closed_at is None:
        survey.closed_at = timezone.now()
        survey._history_user = acting_user  # type: ignore[attr-defined]
        survey.save(update_fields=["closed_at"])
    survey_aggregate_request(survey=survey, acting_user=acting_user)
    return survey


def surveys_close_due(*, now: Any = None) -> int:
    """Close the published surveys whose closing time has passed and queue their aggregation
    (the periodic task; a rerun finds nothing left to close). Returns how many were closed."""
    moment = now or timezone.now()
    closed = 0
    due = Survey.objects.filter(published=True, closed_at__isnull=True, closes_at__lte=moment)
    for survey_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            survey = Survey.objects.select_for_update().get(pk=survey_id)
            if survey.closed_at is not None:
                continue  # closed meanwhile by a clerk or another beat run
            survey.closed_at = moment
            survey.save(update_fields=["closed_at"])
            survey_aggregate_request(survey=survey, acting_user=None)
            closed += 1
    return closed


def survey_aggregate_request(*, survey: Survey, acting_user: User | None) -> SurveyAggregate:
    """Mark the aggregate as pending and queue the task (after commit)."""
    from config.celery import enqueue_after_commit
    from consultations.tasks import aggregate_survey_task

    aggregate, _created = SurveyAggregate.objects.update_or_create(
        survey=survey,
        defaults={"status": AggregateStatus.PENDING, "progress": 0, "requested_at": timezone.now()},
    )
    enqueue_after_commit(aggregate_survey_task, survey.pk)
    return aggregate


def _population_margins(year: int) -> dict[str, dict[Any, float]]:
    cells: dict[tuple[Hashable, ...], float] = {
        (district_id, band, sex): float(count)
        for district_id, band, sex, count in PopulationCell.objects.filter(year=year).values_list(
            "district_id", "age_band", "sex", "count"
        )
    }
    return weighting.margins_from_cells(cells, ["district", "age_band", "sex"])


def _numeric_input(question: SurveyQuestion, answers: Any) -> weighting.Question:
    kind = question.kind
    if kind == "single":
        return weighting.Question(
            id=question.key,
            kind="single",
            answers=answers,
            options=tuple(range(len(question.options))),
        )
    return weighting.Question(
        id=question.key, kind="numeric", answers=answers, options=tuple(question.scale())
    )


def _question_input(question: SurveyQuestion, values: list[Any]) -> weighting.Question | None:
    n = len(values)
    if question.kind == "single":
        arr = np.fromiter(
            (math.nan if v is None else float(v) for v in values), dtype=np.float64, count=n
        )
        return weighting.Question(
            id=question.key,
            kind="single",
            answers=arr,
            options=tuple(range(len(question.options))),
        )
    if question.kind == "multiple":
        ticked = np.zeros((n, len(question.options)), dtype=bool)
        answered = np.zeros(n, dtype=bool)
        for i, chosen in enumerate(values):
            if chosen is not None:
                answered[i] = True
                ticked[i, chosen] = True
        return weighting.Question(
            id=question.key,
            kind="multiple",
            answers=ticked,
            options=tuple(range(len(question.options))),
            answered=answered,
        )
    if question.kind in ("likert", "rating", "number"):
        arr = np.fromiter(
            (math.nan if v is None else float(v) for v in values), dtype=np.float64, count=n
        )
        return weighting.Question(
            id=question.key, kind="numeric", answers=arr, options=tuple(question.scale())
        )
    return None


@dataclass
class _Loaded:
    """The responses of a survey, column-wise, in one respondent order."""

    total: int
    districts: list[Any]
    bands: list[Any]
    sexes: list[Any]
    inputs: list[weighting.Question]
    text_counts: dict[str, int]


def _question_sql(question: SurveyQuestion) -> tuple[list[str], list[Any]]:
    """SELECT expressions (and their parameters) giving the question's column(s)."""
    key = question.key
    if question.kind == "multiple":
        exprs = [
            "array_agg(coalesce(answers -> %s @> %s::jsonb, false))" for _i in question.options
        ]
        params: list[Any] = []
        for i in range(len(question.options)):
            params += [key, str(i)]
        return ["array_agg(answers ? %s)", *exprs], [key, *params]
    if question.kind == "text":
        return ["count(*) FILTER (WHERE coalesce(answers ->> %s, '') <> '')"], [key]
    return ["array_agg((answers ->> %s)::float8)"], [key]


def _load_postgresql(survey: Survey, questions: list[SurveyQuestion]) -> _Loaded:
    """One query; PostgreSQL extracts every answer column (the aggregates of one SELECT see
    the rows in the same order, so the columns line up respondent by respondent)."""
    exprs = ["count(*)", "array_agg(district_id)", "array_agg(age_band)", "array_agg(sex)"]
    params: list[Any] = []
    spans: list[tuple[SurveyQuestion, int, int]] = []
    for question in questions:
        q_exprs, q_params = _question_sql(question)
        spans.append((question, len(exprs), len(exprs) + len(q_exprs)))
        exprs += q_exprs
        params += q_params
    sql = (
        f"SELECT {', '.join(exprs)} FROM {SurveyResponse._meta.db_table}"  # noqa: S608 — fixed expressions
        " WHERE survey_id = %s AND district_id IS NOT NULL AND age_band <> '' AND sex <> ''"
    )
    connection.ensure_connection()
    import psycopg

    # A server-binding psycopg 3 cursor: binary results load 100,000-element arrays several
    # times faster than Django's client-side (text) cursor.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [*params, survey.pk], binary=True)
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - an aggregate query always returns one row
        raise RuntimeError("aggregate query returned no row")
    total = SurveyResponse.objects.filter(survey=survey).count()
    weighted_n = int(row[0])
    inputs: list[weighting.Question] = []
    texts: dict[str, int] = {}
    for question, first, last in spans:
        values = row[first:last]
        if question.kind == "text":
            texts[question.key] = int(values[0])
        elif weighted_n == 0:
            continue
        elif question.kind == "multiple":
            inputs.append(
                weighting.Question(
                    id=question.key,
                    kind="multiple",
                    answers=np.array(values[1:], dtype=bool).T.reshape(weighted_n, -1),
                    options=tuple(range(len(question.options))),
                    answered=np.array(values[0], dtype=bool),
                )
            )
        else:
            inputs.append(_numeric_input(question, np.array(values[0], dtype=np.float64)))
    return _Loaded(
        total=total,
        districts=list(row[1] or []),
        bands=list(row[2] or []),
        sexes=list(row[3] or []),
        inputs=inputs,
        text_counts=texts,
    )


def _load_python(survey: Survey, questions: list[SurveyQuestion]) -> _Loaded:
    """The portable path (SQLite in local development)."""
    rows = SurveyResponse.objects.filter(survey=survey).values_list(
        "district_id", "age_band", "sex", "answers"
    )
    districts: list[Any] = []
    bands: list[str] = []
    sexes: list[str] = []
    columns: dict[str, list[Any]] = {q.key: [] for q in questions}
    total = 0
    for district_id, band, sex, answers in rows.iterator(chunk_size=5000):
        total += 1
        if district_id is None or not band or not sex:
            continue  # no weighting cell: counted, not weighted (see "excluded" below)
        districts.append(district_id)
        bands.append(band)
        sexes.append(sex)
        for key, column in columns.items():
            column.append(answers.get(key))
    inputs = []
    texts: dict[str, int] = {}
    for question in questions:
        item = _question_input(question, columns[question.key]) if districts else None
        if question.kind == "text":
            texts[question.key] = sum(1 for v in columns[question.key] if v)
        elif item is not None:
            inputs.append(item)
    return _Loaded(total, districts, bands, sexes, inputs, texts)


def aggregate_warnings(report: weighting.RakingReport) -> list[str]:
    """Warning codes (``models.AGGREGATE_WARNINGS``) for a raking the clerk should know about."""
    warnings = []
    if not report.converged:
        warnings.append("not_converged")
    if report.trimming is not None and not report.trimming.caps_met_after_reraking:
        warnings.append("trimming_caps")
    if report.empty_categories:
        warnings.append("empty_groups")
    return warnings


def survey_aggregate_compute(*, survey_id: int) -> SurveyAggregate:
    """Load every response, weight it to the population and store the aggregate (idempotent:
    a rerun recomputes from the stored responses and overwrites the same row)."""
    survey = Survey.objects.get(pk=survey_id)
    aggregate, _created = SurveyAggregate.objects.get_or_create(survey=survey)
    SurveyAggregate.objects.filter(pk=aggregate.pk).update(
        status=AggregateStatus.RUNNING, progress=5, error=""
    )
    questions = list(survey.questions.all())
    loader = _load_postgresql if connection.vendor == "postgresql" else _load_python
    loaded = loader(survey, questions)
    total, districts, bands, sexes = loaded.total, loaded.districts, loaded.bands, loaded.sexes
    texts = loaded.text_counts
    SurveyAggregate.objects.filter(pk=aggregate.pk).update(progress=50)
    year = (
        PopulationCell.objects.filter(year__lte=survey.opens_at.year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    result: dict[str, Any] = {"excluded_without_profile": total - len(districts)}
    try:
        if year is None:
            raise ValueError("no population structure stored")
        inputs = loaded.inputs
        if not districts:
            raise ValueError("no respondents with a weighting cell")
        computed = weighting.aggregate_survey(
            {"district": districts, "age_band": bands, "sex": sexes},
            _population_margins(year),
            inputs,
        )
        result.update(computed.to_dict())
        result["text_answer_counts"] = {k: v for k, v in texts.items() if v}
        report = computed.raking
        converged: bool | None = bool(report.converged)
        margin_error: float | None = float(report.max_margin_error)
        warnings = aggregate_warnings(report)
        result["warnings"] = warnings
        status, error = AggregateStatus.DONE, ""
    except ValueError as exc:
        status, error = AggregateStatus.FAILED, str(exc)[:500]
        converged, margin_error, warnings = None, None, []
    SurveyAggregate.objects.filter(pk=aggregate.pk).update(
        status=status,
        progress=100,
        response_count=total,
        population_year=year,
        result=result if status == AggregateStatus.DONE else {},
        error=error,
        converged=converged,
        max_margin_error=margin_error,
        warnings=warnings,
        computed_at=timezone.now(),
    )
    aggregate.refresh_from_db()
    return aggregate


# --------------------------------------------------------------------------------------------
# Reaching residents: subscriptions and digests
# --------------------------------------------------------------------------------------------


def digest_send(*, frequency: str, period_start: date) -> int:
    """Send each subscriber (accounts' notification preferences: topic "consultations", this
    frequency) one e-mail with the consultations announced or closing in the period, in their
    districts (all districts when none chosen). The DigestDelivery row (unique per user,
    frequency and period) is written in the same transaction as the send, so a rerun sends
    nothing twice. Returns the number of e-mails sent."""
    period_days = {DigestFrequency.DAILY: 1, DigestFrequency.WEEKLY: 7}.get(frequency)  # type: ignore[call-overload]
    if period_days is None:
        raise ValueError(f"unknown digest frequency {frequency!r}")
    period_end = period_start + timedelta(days=period_days)
    relevant = list(
        Consultation.objects.published()
        .filter(
            Q(announced_on__gte=period_start, announced_on__lt=period_end)
            | Q(ends_on__gte=period_start, ends_on__lt=period_end)
        )
        .prefetch_related("districts")
    )
    if not relevant:
        return 0
    prefs = (
        NotificationPreference.objects.filter(
            digest_frequency=frequency, user__is_active=True, user__email__isnull=False
        )
        .select_related("user")
        .prefetch_related("districts")
    )
    sent = 0
    for pref in prefs:
        if NotificationTopic.CONSULTATIONS not in pref.topics:
            continue
        wanted = {d.pk for d in pref.districts.all()}
        matching = [
            c
            for c in relevant
            if not wanted or c.city_wide or wanted & {d.pk for d in c.districts.all()}
        ]
        user = pref.user
        if not matching or not user.email:
            continue
        with transaction.atomic():
            delivery, created = DigestDelivery.objects.get_or_create(
                user=user,
                frequency=frequency,
                period_start=period_start,
                defaults={"consultation_count": len(matching)},
            )
            if not created:
                continue
            with translation.override(user.preferred_language):
                unsubscribe_url = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
                    "consultations:unsubscribe", args=[digest_unsubscribe_token(delivery=delivery)]
                )
                body = render_to_string(
                    "consultations/email/digest.txt",
                    {
                        "consultations": matching,
                        "period_start": period_start,
                        "unsubscribe_url": unsubscribe_url,
                    },
                )
                subject = _("Konsultacje społeczne w Krakowie: podsumowanie")
            EmailMessage(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
                headers={
                    # RFC 2369 and RFC 8058: mail programs offer their own one-click button.
                    "List-Unsubscribe": f"<{unsubscribe_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            ).send()
        sent += 1
    return sent


#: Signed links in digests identify the delivery (never a person, an e-mail or a PESEL), so an
#: old e-mail keeps working without signing in; they expire after half a year.
UNSUBSCRIBE_SALT = "consultations.digest-unsubscribe"
UNSUBSCRIBE_MAX_AGE = 183 * 24 * 3600


def digest_unsubscribe_token(*, delivery: DigestDelivery) -> str:
    return signing.dumps(delivery.pk, salt=UNSUBSCRIBE_SALT)


def digest_unsubscribe_user(*, token: str) -> User | None:
    """The subscriber a digest link was sent to (None: forged, expired or unknown)."""
    try:
        delivery_id = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(delivery_id, int):
        return None
    delivery = DigestDelivery.objects.filter(pk=delivery_id).select_related("user").first()
    if delivery is None or not delivery.user.is_active:
        return None
    return delivery.user


@transaction.atomic
def digest_unsubscribe(*, user: User) -> bool:
    """Stop consultation digests for ``user`` through accounts' notification preferences (the
    other topics, districts and frequency stay; history records the user as the actor).
    Returns False when there was nothing to stop (a second click changes nothing)."""
    pref = NotificationPreference.objects.filter(user=user).prefetch_related("districts").first()
    if pref is None or NotificationTopic.CONSULTATIONS not in pref.topics:
        return False
    notification_preferences_update(
        user=user,
        topics=[t for t in pref.topics if t != NotificationTopic.CONSULTATIONS],
        district_ids=[d.pk for d in pref.districts.all()],
        digest_frequency=pref.digest_frequency,
        acting_user=user,
    )
    return True
