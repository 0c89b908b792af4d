"""Clerks' screens. Writes with business meaning go through ``consultations.actions``."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from consultations import actions
from consultations.models import (
    Consultation,
    ConsultationDocument,
    ImprovementAction,
    Meeting,
    Opinion,
    PopulationCell,
    Survey,
    SurveyAggregate,
    SurveyQuestion,
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


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "topic", "department", "starts_on", "ends_on", "published_at"]
    list_filter = ["topic", "department", "city_wide"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["districts"]
    readonly_fields = ["decision", "published_at", "report_published_at"]
    inlines = [DocumentInline, MeetingInline]
    actions = ["publish"]

    def save_model(self, request: HttpRequest, obj: Consultation, form: Any, change: bool) -> None:
        if change:
            obj._history_user = request.user  # type: ignore[attr-defined]
            super().save_model(request, obj, form, change)
            return
        # New consultations go through the action, which runs the methodology and stores it.
        data = form.cleaned_data
        created = actions.consultation_create(
            acting_user=request.user,  # type: ignore[arg-type]
            department=data["department"],
            title=data["title"],
            summary=data["summary"],
            description=data.get("description", ""),
            topic=data["topic"],
            announced_on=data["announced_on"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            report_due_on=data["report_due_on"],
            residents_affected=data["residents_affected"],
            cost_pln=data["cost_pln"],
            reversibility=data["reversibility"],
            legally_required=data["legally_required"],
            conflict=data["conflict"],
            city_wide=data["city_wide"],
            districts=data.get("districts") or [],
            forms=data.get("forms") or [],
            channels=data.get("channels") or [],
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj.public_id = created.public_id

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)
        else:
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


class QuestionInline(admin.StackedInline):
    model = SurveyQuestion
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
    filter_horizontal = ["districts"]
    readonly_fields = ["closed_at"]
    inlines = [QuestionInline]
    actions = ["close", "aggregate"]

    @admin.display(description=_("wyniki"))
    def aggregate_state(self, obj: Survey) -> str:
        aggregate = SurveyAggregate.objects.filter(survey=obj).first()
        if aggregate is None:
            return "—"
        return f"{aggregate.get_status_display()} ({aggregate.progress}%)"

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
    list_display = ["survey", "status", "progress", "response_count", "computed_at", "error"]
    readonly_fields = [f.name for f in SurveyAggregate._meta.fields]

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
