"""Reads of consultations and surveys for pages, the API, feeds and other apps."""

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from consultations.models import (
    AgeBand,
    AggregateStatus,
    Consultation,
    DigestDelivery,
    ImprovementAction,
    Meeting,
    Opinion,
    Survey,
    SurveyAggregate,
    SurveyParticipation,
    SurveyPurpose,
    SurveyQuestion,
)
from districts.models import District


def consultation_list(
    *,
    status: str = "",
    district_id: int | None = None,
    topic: str = "",
    archive: bool = False,
) -> QuerySet[Consultation]:
    """Published consultations; ``status`` is a phase code (announced/collecting/analysis/
    reported); ``archive`` lists the closed ones only."""
    today = timezone.localdate()
    qs = Consultation.objects.archived(today) if archive else Consultation.objects.published()
    if status == "announced":
        qs = qs.filter(starts_on__gt=today)
    elif status == "collecting":
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today)
    elif status == "analysis":
        qs = qs.filter(ends_on__lt=today, report_published_at__isnull=True)
    elif status == "reported":
        qs = qs.filter(report_published_at__isnull=False)
    if district_id is not None:
        qs = qs.filter(Q(city_wide=True) | Q(districts__pk=district_id)).distinct()
    if topic:
        qs = qs.filter(topic=topic)
    return qs.select_related("department").prefetch_related("districts")


def consultation_detail(*, public_id: Any) -> Consultation | None:
    return (
        Consultation.objects.published()
        .select_related("department")
        .prefetch_related(
            "districts",
            "documents",
            "meetings",
            Prefetch("surveys", queryset=Survey.objects.published()),
            Prefetch(
                "opinions",
                queryset=Opinion.objects.filter(hidden_at__isnull=True).select_related("author"),
            ),
        )
        .filter(public_id=public_id)
        .first()
    )


def meeting_detail(*, public_id: Any) -> Meeting | None:
    return (
        Meeting.objects.filter(public_id=public_id, consultation__published_at__isnull=False)
        .select_related("consultation")
        .first()
    )


def upcoming_meetings() -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(
            consultation__published_at__isnull=False, ends_at__gte=timezone.now()
        )
        .select_related("consultation")
        .order_by("starts_at")
    )


def survey_list() -> QuerySet[Survey]:
    return (
        Survey.objects.published()
        .select_related("consultation", "department")
        .prefetch_related("districts")
        .order_by("-opens_at")
    )


def survey_detail(*, public_id: Any) -> Survey | None:
    return (
        Survey.objects.published()
        .select_related("consultation", "department", "aggregate")
        .prefetch_related("districts", "questions")
        .filter(public_id=public_id)
        .first()
    )


@dataclass(frozen=True)
class OptionRow:
    label: str
    count: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    weighted_share: float | None
    weighted_ci_low: float | None
    weighted_ci_high: float | None
    index: int = 0

    # Geometry of the server-rendered SVG bar chart (30 px per option, bars up to 360 px).
    @property
    def y(self) -> int:
        return 30 * self.index

    @property
    def raw_width(self) -> int:
        return round(360 * (self.share or 0))

    @property
    def weighted_width(self) -> int:
        return round(360 * (self.weighted_share or 0))


@dataclass(frozen=True)
class QuestionRows:
    question: SurveyQuestion
    n_answered: int
    options: list[OptionRow]
    raw_mean: dict[str, Any] | None
    weighted_mean: dict[str, Any] | None
    text_answers: int

    @property
    def chart_height(self) -> int:
        return 30 * len(self.options) + 10


def survey_result_rows(*, survey: Survey) -> list[QuestionRows]:
    """The stored aggregate laid out per question with option labels (empty before it is done)."""
    aggregate: SurveyAggregate | None = getattr(survey, "aggregate", None)
    if aggregate is None or aggregate.status != AggregateStatus.DONE:
        return []
    by_id = {q["id"]: q for q in aggregate.result.get("questions", [])}
    texts = aggregate.result.get("text_answer_counts", {})
    rows = []
    for question in survey.questions.all():
        data = by_id.get(question.key)
        if data is None:
            rows.append(QuestionRows(question, texts.get(question.key, 0), [], None, None, 0))
            continue
        labels = (
            list(question.options)
            if question.kind in ("single", "multiple")
            else [str(v) for v in question.scale()]
        )
        options = [
            OptionRow(
                label=str(labels[i]) if i < len(labels) else str(opt["option"]),
                count=opt["count"],
                share=opt["share"],
                ci_low=opt["ci_low"],
                ci_high=opt["ci_high"],
                weighted_share=opt["weighted_share"],
                weighted_ci_low=opt["weighted_ci_low"],
                weighted_ci_high=opt["weighted_ci_high"],
                index=i,
            )
            for i, opt in enumerate(data["options"])
        ]
        rows.append(
            QuestionRows(
                question=question,
                n_answered=data["n_answered"],
                options=options,
                raw_mean=data.get("raw_mean"),
                weighted_mean=data.get("weighted_mean"),
                text_answers=0,
            )
        )
    return rows


# --------------------------------------------------------------------------------------------
# Satisfaction index
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexValue:
    year: int
    department: str
    value: float
    ci_low: float
    ci_high: float
    n: int


def _scaled(aggregate: SurveyAggregate, question: SurveyQuestion) -> IndexValue | None:
    scale = question.scale() or []
    if len(scale) < 2:
        return None
    data = next((q for q in aggregate.result.get("questions", []) if q["id"] == question.key), None)
    if not data or not data.get("weighted_mean") or data["weighted_mean"]["mean"] is None:
        return None
    mean = data["weighted_mean"]
    low, span = scale[0], scale[-1] - scale[0]

    def to100(x: float | None) -> float:
        return 100.0 * ((x if x is not None else mean["mean"]) - low) / span

    return IndexValue(
        year=aggregate.survey.opens_at.year,
        department=aggregate.survey.department.name,
        value=to100(mean["mean"]),
        ci_low=to100(mean["ci_low"]),
        ci_high=to100(mean["ci_high"]),
        n=int(mean["n"]),
    )


def _pooled(year: int, parts: list[IndexValue]) -> IndexValue:
    """Overall index: departments pooled by their number of answers (variances combined)."""
    total = sum(p.n for p in parts)
    value = sum(p.value * p.n for p in parts) / total
    variance = sum(((p.n / total) * (p.ci_high - p.ci_low) / (2 * 1.959964)) ** 2 for p in parts)
    half = 1.959964 * math.sqrt(variance)
    return IndexValue(year, "", value, max(value - half, 0.0), min(value + half, 100.0), total)


@dataclass(frozen=True)
class SatisfactionYear:
    year: int
    overall: IndexValue
    departments: list[IndexValue]
    previous: float | None

    @property
    def rule_met(self) -> bool | None:
        """The city's rule: this year's index is not lower than last year's."""
        return None if self.previous is None else self.overall.value >= self.previous


def satisfaction_index() -> list[SatisfactionYear]:
    """Per year (oldest first): the overall and per-department index with 95% intervals."""
    aggregates = (
        SurveyAggregate.objects.filter(
            status=AggregateStatus.DONE,
            survey__purpose=SurveyPurpose.SATISFACTION,
            survey__index_question__isnull=False,
        )
        .select_related("survey__department", "survey__index_question")
        .order_by("survey__opens_at")
    )
    per_year: dict[int, list[IndexValue]] = {}
    for aggregate in aggregates:
        question = aggregate.survey.index_question
        value = _scaled(aggregate, question) if question is not None else None
        if value is not None:
            per_year.setdefault(value.year, []).append(value)
    years: list[SatisfactionYear] = []
    previous: float | None = None
    for year in sorted(per_year):
        overall = _pooled(year, per_year[year])
        years.append(SatisfactionYear(year, overall, per_year[year], previous))
        previous = overall.value
    return years


def improvement_actions() -> QuerySet[ImprovementAction]:
    return ImprovementAction.objects.select_related("department", "survey")


# --------------------------------------------------------------------------------------------
# For other apps: dashboard, GDPR, open data
# --------------------------------------------------------------------------------------------


def resident_overview(*, user: User) -> dict[str, Any]:
    today = timezone.localdate()
    open_here = Consultation.objects.open_on(today).filter(
        Q(city_wide=True) | Q(districts__pk=user.district_id)
    )
    return {
        "open_consultations": list(open_here.distinct()[:5]),
        "meetings": list(
            Meeting.objects.filter(registrations__user=user, ends_at__gte=timezone.now())
            .select_related("consultation")
            .order_by("starts_at")[:5]
        ),
    }


def personal_data(*, user: User) -> dict[str, Any]:
    """What consultations hold about a person (responses to anonymous surveys are not linked
    to anyone and so cannot be exported)."""
    return {
        "opinions": [
            {
                "consultation": o.consultation.title,
                "created_at": o.created_at.isoformat(),
                "body": o.body,
                "hidden_reason": o.hidden_reason,
            }
            for o in Opinion.objects.filter(author=user).select_related("consultation")
        ],
        "meeting_registrations": [
            {"meeting": r.meeting.title, "starts_at": r.meeting.starts_at.isoformat()}
            for r in user.meeting_registrations.select_related("meeting")
        ],
        "surveys_answered": [
            p.survey.title for p in user.survey_participations.select_related("survey")
        ],
        "survey_responses": [
            {"survey": r.survey.title, "submitted_on": r.submitted_on.isoformat(), **r.answers}
            for r in user.survey_responses.select_related("survey")
        ],
        "digests_sent": [
            {"frequency": d.frequency, "period_start": d.period_start.isoformat()}
            for d in DigestDelivery.objects.filter(user=user)
        ],
    }


def closed_results_rows() -> list[dict[str, Any]]:
    """Open data: raw and weighted share per option of closed consultations' surveys."""
    rows: list[dict[str, Any]] = []
    today = timezone.localdate()
    aggregates = SurveyAggregate.objects.filter(
        status=AggregateStatus.DONE,
        survey__published=True,
        survey__consultation__published_at__isnull=False,
        survey__consultation__ends_on__lt=today,
    ).select_related("survey__consultation")
    surveys = {a.survey_id: a for a in aggregates}
    questions = SurveyQuestion.objects.filter(survey_id__in=surveys).order_by("survey_id", "order")
    for question in questions:
        aggregate = surveys[question.survey_id]
        rows_for_survey = survey_result_rows_for(aggregate, question)
        rows.extend(rows_for_survey)
    return rows


def survey_result_rows_for(
    aggregate: SurveyAggregate, question: SurveyQuestion
) -> list[dict[str, Any]]:
    data = next((q for q in aggregate.result.get("questions", []) if q["id"] == question.key), None)
    if data is None:
        return []
    labels = (
        list(question.options)
        if question.kind in ("single", "multiple")
        else [str(v) for v in question.scale()]
    )
    consultation = aggregate.survey.consultation
    return [
        {
            "consultation": consultation.title if consultation else "",
            "survey": aggregate.survey.title,
            "question": question.text,
            "option": str(labels[i]) if i < len(labels) else str(opt["option"]),
            "respondents": data["n_answered"],
            "count": opt["count"],
            "share": opt["share"],
            "weighted_share": opt["weighted_share"],
        }
        for i, opt in enumerate(data["options"])
    ]


def opinion_counts(*, consultation_ids: list[int]) -> dict[int, int]:
    rows = (
        Opinion.objects.filter(consultation_id__in=consultation_ids, hidden_at__isnull=True)
        .values("consultation_id")
        .annotate(n=Count("id"))
    )
    return {row["consultation_id"]: row["n"] for row in rows}


def resident_by_pesel(*, pesel: str) -> User | None:
    """The active account holding this PESEL (the column is unique): links a paper ballot to
    its resident's account for the assisted-act record (nothing is shown to the clerk, so this
    is not a staff look-up; the paper-questionnaire search uses ``accounts.pesel_lookup``).
    The number comes from a POST body only, never from a URL."""
    return User.objects.filter(pesel=pesel, is_active=True).select_related("district").first()


def resident_by_public_id(*, public_id: Any) -> User | None:
    return (
        User.objects.filter(public_id=public_id, is_active=True).select_related("district").first()
    )


def has_responded(*, survey: Survey, user: User) -> bool:
    return SurveyParticipation.objects.filter(survey=survey, user=user).exists()


@dataclass(frozen=True)
class GroupRow:
    """A group of respondents (one category of one weighting dimension), in words."""

    dimension: str
    name: str
    respondents: int
    respondent_share: float
    population_share: float
    representation_ratio: float | None
    response_rate: float | None
    flags: list[str]


def _dimension_names() -> dict[str, str]:
    return {
        "district": str(_("Dzielnica")),
        "age_band": str(_("Grupa wieku")),
        "sex": str(_("Płeć")),
    }


def _flag_names() -> dict[str, str]:
    return {
        "no_respondents": str(_("brak odpowiedzi")),
        "under_represented": str(_("słabo reprezentowana")),
        "too_few_respondents": str(_("za mało odpowiedzi")),
    }


def flagged_groups(*, aggregate: SurveyAggregate | None) -> list[GroupRow]:
    """The flagged groups of a done aggregate with their human names: the district's name, the
    age band's label, "women"/"men", and the flags in words (one query for the districts)."""
    if aggregate is None or aggregate.status != AggregateStatus.DONE:
        return []
    groups = [g for g in aggregate.result.get("groups", []) if g.get("flags")]
    district_ids = {g["category"] for g in groups if g.get("dimension") == "district"}
    districts = {d.pk: str(d) for d in District.objects.filter(pk__in=district_ids)}
    categories: dict[str, dict[Any, str]] = {
        "district": districts,
        "age_band": {code: str(label) for code, label in AgeBand.choices},
        "sex": {"F": str(_("kobiety")), "M": str(_("mężczyźni"))},
    }
    dimensions, flags = _dimension_names(), _flag_names()
    return [
        GroupRow(
            dimension=dimensions.get(g["dimension"], str(g["dimension"])),
            name=categories.get(g["dimension"], {}).get(g["category"], str(g["category"])),
            respondents=int(g["respondents"]),
            respondent_share=float(g["respondent_share"]),
            population_share=float(g["population_share"]),
            representation_ratio=g.get("representation_ratio"),
            response_rate=g.get("response_rate"),
            flags=[flags.get(f, f) for f in g["flags"]],
        )
        for g in groups
    ]
