"""Clerks' screens. Writes with business meaning go through ``consultations.actions``."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import CheckboxSelectMultiple, ModelForm, MultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from consultations import actions
from consultations.models import (
    CHANNEL_CHOICES,
    FORM_CHOICES,
    Consultation,
    ConsultationDocument,
    ImprovementAction,
    Meeting,
    Opinion,
    PopulationCell,
    Survey,
    SurveyAggregate,
    SurveyQuestion,
    SurveyResponse,
)


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class DocumentInline(admin.TabularInline):
    model = ConsultationDocument
    extra = 0


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    readonly_fields = ["registered_count"]


class ConsultationAdminForm(ModelForm):  # type: ignore[type-arg]
    """Forms and channels are ticked from the methodology's lists; before saving, the form runs
    the same checks as the action (scope, dates, the rerun methodology and — for a published
    consultation — its minimums), so the clerk sees every reason on the form, never a 500."""

    forms = MultipleChoiceField(
        label=_("formy konsultacji"),
        choices=FORM_CHOICES,
        required=False,
        widget=CheckboxSelectMultiple,
    )
    channels = MultipleChoiceField(
        label=_("kanały udziału"),
        choices=CHANNEL_CHOICES,
        required=False,
        widget=CheckboxSelectMultiple,
    )

    class Meta:
        model = Consultation
        fields = [*actions.EDITABLE_FIELDS, "districts"]

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        probe = self.instance  # the cleaned values are already on it (construct_instance)
        districts = [] if probe.city_wide else list(self.cleaned_data.get("districts") or [])
        try:
            violations = actions.consultation_prepare(
                consultation=probe, district_numbers=[d.number for d in districts]
            )
        except ValidationError as error:
            self.add_error(None, error.messages)
            return
        if probe.published_at is not None:
            for violation in violations:
                self.add_error(None, actions.violation_text(violation))


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    form = ConsultationAdminForm
    list_display = ["title", "topic", "department", "starts_on", "ends_on", "published_at"]
    list_filter = ["topic", "department", "city_wide"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["districts"]
    readonly_fields = ["decision_summary", "published_at", "report_published_at"]
    inlines = [DocumentInline, MeetingInline]
    actions = ["publish", "publish_report"]

    @admin.display(description=_("decyzja metodologii"))
    def decision_summary(self, obj: Consultation) -> str:
        return actions.decision_summary(decision=obj.decision)

    def save_model(self, request: HttpRequest, obj: Consultation, form: Any, change: bool) -> None:
        # Every save goes through an action, which reruns the methodology and stores it.
        data = form.cleaned_data
        fields = {name: data[name] for name in actions.EDITABLE_FIELDS if name in data}
        districts = list(data.get("districts") or [])
        if change:
            saved = actions.consultation_update(
                consultation=obj,
                acting_user=request.user,  # type: ignore[arg-type]
                districts=districts,
                **fields,
            )
        else:
            saved = actions.consultation_create(
                acting_user=request.user,  # type: ignore[arg-type]
                districts=districts,
                **fields,
            )
        obj.pk = saved.pk
        obj._state.adding = False
        obj.public_id = saved.public_id
        obj.decision = saved.decision

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The districts were set by the action; only the inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    @admin.action(description=_("Opublikuj (sprawdza minimalne wymagania metodologii)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Consultation]) -> None:
        for consultation in queryset:
            try:
                actions.consultation_publish(
                    consultation=consultation,
                    acting_user=request.user,  # type: ignore[arg-type]
                )
                messages.success(request, _("Opublikowano: %s") % consultation)
            except ValidationError as error:
                _report(request, error)

    @admin.action(description=_("Opublikuj raport z konsultacji (tekst z pola „raport”)"))
    def publish_report(self, request: HttpRequest, queryset: QuerySet[Consultation]) -> None:
        for consultation in queryset:
            try:
                actions.consultation_report_publish(
                    consultation=consultation,
                    report=consultation.report,
                    acting_user=request.user,  # type: ignore[arg-type]
                )
                messages.success(request, _("Opublikowano raport: %s") % consultation)
            except ValidationError as error:
                _report(request, error)


@admin.register(Opinion)
class OpinionAdmin(SimpleHistoryAdmin):
    list_display = ["consultation", "created_at", "hidden_at", "report_count"]
    list_filter = ["hidden_at"]
    readonly_fields = ["consultation", "author", "body", "hidden_at"]
    fields = ["consultation", "author", "body", "hidden_at", "hidden_reason"]

    @admin.display(description=_("zgłoszenia"))
    def report_count(self, obj: Opinion) -> int:
        return obj.reports.count()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Opinion, form: Any, change: bool) -> None:
        user = request.user
        try:
            if obj.hidden_reason.strip():
                actions.opinion_hide(opinion=obj, reason=obj.hidden_reason, acting_user=user)  # type: ignore[arg-type]
            else:
                actions.opinion_restore(opinion=obj, acting_user=user)  # type: ignore[arg-type]
        except ValidationError as error:
            _report(request, error)


class QuestionAdminForm(ModelForm):  # type: ignore[type-arg]
    """Choice questions need a list of at least two answers; the other kinds none. A question
    that already has answers keeps its kind and options (stored answers are option indices)."""

    class Meta:
        model = SurveyQuestion
        fields = [
            "order",
            "kind",
            "required",
            "text",
            "help_text",
            "options",
            "min_value",
            "max_value",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, options = data.get("kind"), data.get("options")
        if kind in ("single", "multiple"):
            if (
                not isinstance(options, list)
                or len(options) < 2
                or not all(isinstance(o, str) and o.strip() for o in options)
            ):
                self.add_error(
                    "options",
                    _('Podaj listę co najmniej dwóch odpowiedzi, np. ["tak", "nie"].'),
                )
        elif options:
            self.add_error(
                "options", _("Odpowiedzi do wyboru podaje się tylko w pytaniach wyboru.")
            )
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_value", _("Największa wartość nie może być mniejsza od najmniejszej.")
            )
        question = self.instance
        if (
            question.pk
            and SurveyResponse.objects.filter(survey_id=question.survey_id).exists()
            and (kind != question.kind or options != question.options)
        ):
            self.add_error(
                None,
                _(
                    "Na tę ankietę już odpowiadano: nie można zmienić rodzaju pytania ani odpowiedzi."
                ),
            )
        return data


class QuestionInline(admin.StackedInline):
    model = SurveyQuestion
    form = QuestionAdminForm
    extra = 0
    fields = [
        ("order", "kind", "required"),
        "text",
        "help_text",
        "options",
        ("min_value", "max_value"),
    ]


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "purpose", "audience", "opens_at", "closes_at", "aggregate_state"]
    list_filter = ["purpose", "audience", "published"]
    list_select_related = ["aggregate"]
    filter_horizontal = ["districts"]
    readonly_fields = ["closed_at"]
    inlines = [QuestionInline]
    actions = ["close", "aggregate"]

    @admin.display(description=_("wyniki"))
    def aggregate_state(self, obj: Survey) -> str:
        aggregate: SurveyAggregate | None = getattr(obj, "aggregate", None)
        if aggregate is None:
            return "—"
        state = f"{aggregate.get_status_display()} ({aggregate.progress}%)"
        if aggregate.warnings:
            state += " — " + str(_("UWAGA: %s")) % " ".join(aggregate.warning_texts())
        return state

    def save_model(self, request: HttpRequest, obj: Survey, form: Any, change: bool) -> None:
        obj._history_user = request.user  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Zamknij i policz wyniki"))
    def close(self, request: HttpRequest, queryset: QuerySet[Survey]) -> None:
        for survey in queryset:
            actions.survey_close(survey=survey, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Zamknięto; wyniki są liczone."))

    @admin.action(description=_("Przelicz wyniki teraz"))
    def aggregate(self, request: HttpRequest, queryset: QuerySet[Survey]) -> None:
        for survey in queryset:
            actions.survey_aggregate_request(survey=survey, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Wyniki są liczone; postęp widać w kolumnie „wyniki”."))


@admin.register(SurveyAggregate)
class SurveyAggregateAdmin(admin.ModelAdmin):
    list_display = [
        "survey",
        "status",
        "progress",
        "response_count",
        "converged",
        "warning_list",
        "computed_at",
        "error",
    ]
    list_filter = ["status", "converged"]
    readonly_fields = [f.name for f in SurveyAggregate._meta.fields]

    @admin.display(description=_("ostrzeżenia"))
    def warning_list(self, obj: SurveyAggregate) -> str:
        return " ".join(obj.warning_texts()) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PopulationCell)
class PopulationCellAdmin(admin.ModelAdmin):
    list_display = ["year", "district", "age_band", "sex", "count"]
    list_filter = ["year", "age_band", "sex", "district"]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(SimpleHistoryAdmin):
    list_display = ["year", "department", "action", "owner", "status"]
    list_filter = ["year", "status", "department"]
