"""Clerks' screens: catalogue, form definition editor with preview, the case work queue."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from accounts.permissions import clerk_department_codes, is_clerk_of
from services import actions, selectors
from services.formengine import DefinitionForm
from services.formschema import definition_errors
from services.models import (
    Case,
    CaseNote,
    CaseStatus,
    FormDefinition,
    Instalment,
    Liability,
    Office,
    Service,
    TaxpayerAccount,
)


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "department", "category", "is_active"]
    list_filter = ["category", "department", "is_active"]
    search_fields = ["name", "name_en", "slug"]


class DefinitionEditorForm(forms.ModelForm):  # type: ignore[type-arg]
    """The schema is edited as JSON text and checked against services/formschema.py."""

    schema_text = forms.CharField(
        label=gettext_lazy("Definicja (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Format opisano w services/formschema.py. Zapis tworzy nową wersję formularza; "
            "złożone wnioski zachowują wersję, którą wypełniono."
        ),
    )

    class Meta:
        model = FormDefinition
        fields = ["service"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["schema_text"] = json.dumps(
                self.instance.schema, ensure_ascii=False, indent=2
            )

    def clean_schema_text(self) -> Any:
        raw = self.cleaned_data["schema_text"]
        try:
            schema = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("To nie jest poprawny JSON (wiersz %(line)s, kolumna %(col)s): %(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ) from exc
        errors = definition_errors(schema)
        if errors:
            raise ValidationError(errors)
        return schema


@admin.register(FormDefinition)
class FormDefinitionAdmin(SimpleHistoryAdmin):
    form = DefinitionEditorForm
    list_display = ["service", "version", "created_at", "created_by", "preview_link"]
    list_filter = ["service"]
    readonly_fields = ["version", "created_at", "created_by"]

    @admin.display(description=gettext_lazy("Podgląd"))
    def preview_link(self, obj: FormDefinition) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:services_formdefinition_preview", args=[obj.pk]),
            _("Podgląd formularza"),
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Never overwrite a version: every save publishes the next one.
        assert isinstance(request.user, User)  # noqa: S101 — the admin requires a login
        published = actions.form_definition_publish(
            service=form.cleaned_data["service"],
            schema=form.cleaned_data["schema_text"],
            acting_user=request.user,
        )
        form.instance = published
        messages.info(request, _("Opublikowano wersję %(v)s.") % {"v": published.version})

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        return redirect("admin:services_formdefinition_changelist")

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/podglad/",
                self.admin_site.admin_view(self.preview_view),
                name="services_formdefinition_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        definition = get_object_or_404(FormDefinition, pk=pk)
        form = DefinitionForm(definition.schema)
        form.mark_accessibility()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Podgląd: %(d)s") % {"d": definition},
            "form": form,
            "layout": form.bind_layout(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "services/admin_preview.html", context)


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("po terminie")
    parameter_name = "po_terminie"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1", _("tak"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        if self.value() == "1":
            return queryset.overdue(selectors.today())
        return queryset


class CaseNoteInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CaseNote
    extra = 0
    fields = ["created_at", "author", "body"]
    readonly_fields = ["created_at", "author", "body"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseTransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=CaseStatus.choices, label=gettext_lazy("Nowy status"))
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=gettext_lazy("Notatka")
    )


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """The clerk work queue: only cases of the clerk's departments."""

    list_display = [
        "number",
        "service",
        "department",
        "status",
        "submitted_at",
        "deadline",
        "overdue",
        "assigned_clerk",
    ]
    list_filter = ["department", "status", OverdueFilter, "service"]
    search_fields = ["number"]
    list_select_related = ["service", "department", "assigned_clerk"]
    readonly_fields = [
        "number",
        "department",
        "service",
        "definition",
        "applicant",
        "submitted_at",
        "deadline",
        "status",
        "assigned_clerk",
        "decided_at",
        "submission_sha256",
        "data",
    ]
    exclude = ["year", "sequence"]
    inlines = [CaseNoteInline]
    actions = ["assign_to_me", "unassign"]
    change_form_template = "services/admin_case_change.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return selectors.cases_for_clerk(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return is_clerk_of(request.user, obj.department.code)
        return bool(clerk_department_codes(request.user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(clerk_department_codes(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    @admin.display(boolean=True, description=gettext_lazy("po terminie"))
    def overdue(self, obj: Case) -> bool:
        return obj.is_overdue_on(selectors.today())

    @admin.action(description=gettext_lazy("Przydziel mnie do zaznaczonych spraw"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        self._assign(request, queryset, request.user)

    @admin.action(description=gettext_lazy("Usuń przydział zaznaczonych spraw"))
    def unassign(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        self._assign(request, queryset, None)

    def _assign(self, request: HttpRequest, queryset: QuerySet[Case], clerk: Any) -> None:
        assert isinstance(request.user, User)  # noqa: S101
        try:
            count = actions.case_assign(cases=list(queryset), clerk=clerk, acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
        else:
            self.message_user(request, _("Zmieniono przydział %(n)s spraw.") % {"n": count})

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        case = self.get_object(request, object_id)
        if case is not None and request.method == "POST" and "to_status" in request.POST:
            assert isinstance(request.user, User)  # noqa: S101
            transition = CaseTransitionForm(request.POST)
            if transition.is_valid():
                try:
                    note = transition.cleaned_data["note"]
                    if note.strip():
                        actions.case_note_add(case=case, body=note, acting_user=request.user)
                    if transition.cleaned_data["to_status"] != case.status:
                        actions.case_transition(
                            case=case,
                            to_status=transition.cleaned_data["to_status"],
                            acting_user=request.user,
                        )
                except (ValidationError, PermissionDenied) as exc:
                    self.message_user(
                        request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
                    )
                else:
                    self.message_user(request, _("Zapisano."))
            return redirect(request.path)
        extra_context = {**(extra_context or {}), "transition_form": CaseTransitionForm()}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "address", "epuap_box", "order"]
    filter_horizontal = ["departments"]


class InstalmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Instalment
    extra = 0


@admin.register(TaxpayerAccount)
class TaxpayerAccountAdmin(SimpleHistoryAdmin):
    """Read-only: the finance system is the source of these records (API tax-records/)."""

    list_display = ["external_id", "resident", "updated_at"]
    search_fields = ["external_id"]
    readonly_fields = ["external_id", "resident", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Liability)
class LiabilityAdmin(SimpleHistoryAdmin):
    list_display = ["external_id", "account", "kind", "year"]
    list_filter = ["kind", "year"]
    inlines = [InstalmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
