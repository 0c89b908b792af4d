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

from accounts.models import Department, User
from accounts.permissions import clerk_department_codes, is_clerk_of
from services import actions, selectors
from services.formengine import DefinitionForm
from services.formschema import definition_errors
from services.models import (
    LETTER_PLACEHOLDERS,
    Case,
    CaseNote,
    CaseNotification,
    CaseStatus,
    FormDefinition,
    Instalment,
    LetterStatus,
    LetterTemplate,
    Liability,
    Mailing,
    NotificationState,
    Office,
    RecipientSource,
    Service,
    TaxImport,
    TaxImportStatus,
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


class NotificationStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("stan powiadomienia")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(NotificationState.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(CaseNotification)
class CaseNotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Status-change e-mails to residents: clerks see which failed (and why), never edit them."""

    list_display = ["case", "status", "state", "attempts", "error", "created_at", "done_at"]
    list_filter = [NotificationStateFilter]
    search_fields = ["case__number"]
    list_select_related = ["case"]
    readonly_fields = [
        "case",
        "status",
        "change_id",
        "state",
        "attempts",
        "error",
        "created_at",
        "done_at",
    ]
    exclude = ["claim", "claimed_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseNotification]:
        return selectors.case_notifications_for_clerk(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(clerk_department_codes(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return is_clerk_of(request.user, obj.case.department.code)
        return bool(clerk_department_codes(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


# ------------------------------------------------------------------ correspondence (R-SRV-6)


class _DepartmentScoped:
    """Clerks see and change only what belongs to their departments."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(clerk_department_codes(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return is_clerk_of(request.user, obj.department.code)
        return bool(clerk_department_codes(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(clerk_department_codes(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _departments_of(request: HttpRequest) -> QuerySet[Department]:
    return Department.objects.filter(code__in=clerk_department_codes(request.user))


@admin.register(LetterTemplate)
class LetterTemplateAdmin(_DepartmentScoped, SimpleHistoryAdmin):
    list_display = ["name", "department", "subject"]
    list_filter = ["department"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LetterTemplate]:
        return LetterTemplate.objects.filter(
            department__code__in=clerk_department_codes(request.user)
        ).select_related("department")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = _departments_of(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        placeholders = ", ".join(f"${k} ({v})" for k, v in LETTER_PLACEHOLDERS.items())
        form.base_fields["body"].help_text = _("Pola do wstawienia: %(list)s.") % {
            "list": placeholders
        }
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)  # noqa: S101
        actions.letter_template_save(template=obj, acting_user=request.user)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return redirect(request.path)


class MailingForm(forms.ModelForm):  # type: ignore[type-arg]
    csv_file = forms.FileField(
        label=gettext_lazy("Plik CSV z adresatami"),
        required=False,
        help_text=gettext_lazy(
            "UTF-8, nagłówek: imie_nazwisko, email, adres (przecinek lub średnik). "
            "Tylko dla adresatów „lista z pliku CSV”."
        ),
    )

    class Meta:
        model = Mailing
        fields = ["template", "source", "channel"]

    def clean(self) -> dict[str, Any]:
        from services.letters import MAX_CSV_ROWS, parse_recipients_csv

        cleaned = super().clean() or {}
        upload = cleaned.get("csv_file")
        if cleaned.get("source") == RecipientSource.CSV:
            if upload is None:
                self.add_error("csv_file", _("Dołącz plik CSV z adresatami."))
                return cleaned
            if upload.size > 20 * 1024 * 1024:
                self.add_error("csv_file", _("Plik jest za duży (do 20 MB)."))
                return cleaned
            rows, errors = parse_recipients_csv(upload.read())
            messages_for = {
                "encoding": _("plik nie jest w kodowaniu UTF-8"),
                "header": _("brak nagłówka imie_nazwisko oraz email lub adres"),
                "too_many": _("więcej niż %(n)s adresatów") % {"n": MAX_CSV_ROWS},
                "no_name": _("brak imienia i nazwiska"),
                "bad_email": _("niepoprawny adres e-mail"),
                "no_contact": _("brak adresu e-mail i adresu pocztowego"),
                "duplicate": _("adresat powtórzony"),
            }
            if errors:
                self.add_error(
                    "csv_file",
                    [
                        _("Wiersz %(row)s: %(error)s.") % {"row": row, "error": messages_for[code]}
                        for row, code in errors[:20]
                    ],
                )
            elif not rows:
                self.add_error("csv_file", _("Plik nie zawiera adresatów."))
            cleaned["csv_rows"] = rows
        return cleaned


@admin.register(Mailing)
class MailingAdmin(_DepartmentScoped, SimpleHistoryAdmin):
    """Mass correspondence: a clerk prepares a mailing, starts it and follows its progress."""

    form = MailingForm
    list_display = ["__str__", "department", "source", "channel", "status", "total", "created_at"]
    list_filter = ["status", "department"]
    list_select_related = ["department", "template"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mailing]:
        return selectors.mailings_for_clerk(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a mailing is never edited; its page shows the progress

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "template":
            kwargs["queryset"] = LetterTemplate.objects.filter(
                department__code__in=clerk_department_codes(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)  # noqa: S101
        created = actions.mailing_create(
            template=form.cleaned_data["template"],
            source=form.cleaned_data["source"],
            channel=form.cleaned_data["channel"],
            csv_rows=form.cleaned_data.get("csv_rows"),
            acting_user=request.user,
        )
        # The admin goes on with ``obj`` (log entry, redirect): make it the stored mailing.
        obj.__dict__.update(created.__dict__)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> Any:
        try:
            return super().add_view(request, form_url, extra_context)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return redirect(request.path)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        return redirect("admin:services_mailing_progress", obj.pk)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/postep/", view(self.progress_view), name="services_mailing_progress"),
            path("<int:pk>/postep.json", view(self.progress_json), name="services_mailing_json"),
            path("<int:pk>/raport.csv", view(self.report_view), name="services_mailing_report"),
            path(
                "<int:pk>/do-wydruku.pdf",
                view(self.print_pack_view),
                name="services_mailing_print_pack",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return redirect("admin:services_mailing_progress", object_id)

    def _mailing(self, request: HttpRequest, pk: int) -> Mailing:
        mailing = get_object_or_404(selectors.mailings_for_clerk(user=request.user), pk=pk)
        if not self.has_view_permission(request, mailing):
            raise PermissionDenied
        return mailing

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        mailing = self._mailing(request, pk)
        if request.method == "POST" and "start" in request.POST:
            assert isinstance(request.user, User)  # noqa: S101
            try:
                actions.mailing_start(mailing=mailing, acting_user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
                )
            else:
                self.message_user(request, _("Uruchomiono wysyłkę."))
            return redirect(request.path)
        progress = selectors.mailing_progress(mailing=mailing)
        context = {
            **self.admin_site.each_context(request),
            "title": str(mailing),
            "mailing": mailing,
            "progress": progress,
            "print_count": progress.counts.get(LetterStatus.PRINT, 0),
            "statuses": LetterStatus.choices,
            "problems": list(
                mailing.letters.filter(
                    status__in=(LetterStatus.FAILED, LetterStatus.SKIPPED)
                ).order_by("pk")[:50]
            ),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "services/admin_mailing.html", context)

    def progress_json(self, request: HttpRequest, pk: int) -> HttpResponse:
        from django.http import JsonResponse

        mailing = self._mailing(request, pk)
        progress = selectors.mailing_progress(mailing=mailing)
        return JsonResponse(
            {
                "status": mailing.status,
                "status_label": mailing.get_status_display(),
                "total": progress.total,
                "done": progress.done,
                "percent": progress.percent,
                "letters_per_second": progress.letters_per_second,
                "counts": progress.counts,
                "finished": progress.finished,
            }
        )

    def report_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        import csv

        from django.http import StreamingHttpResponse

        mailing = self._mailing(request, pk)
        labels = dict(LetterStatus.choices)

        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())

        def rows() -> Any:
            yield writer.writerow(
                [
                    _("adresat"),
                    _("e-mail"),
                    _("sprawa"),
                    _("status"),
                    _("próby"),
                    _("błąd"),
                    _("wysłano"),
                    _("SHA-256 PDF"),
                    _("pismo (PDF)"),
                ]
            )
            for letter in selectors.mailing_report_rows(mailing=mailing):
                yield writer.writerow(
                    [
                        letter.context.get("recipient_name", ""),
                        letter.email,
                        letter.case.number if letter.case else "",
                        labels.get(letter.status, letter.status),
                        letter.attempts,
                        letter.error,
                        letter.done_at.isoformat() if letter.done_at else "",
                        letter.pdf_sha256,
                        request.build_absolute_uri(
                            reverse("services:letter", kwargs={"public_id": letter.public_id})
                        )
                        if letter.status in (LetterStatus.SENT, LetterStatus.PRINT)
                        else "",
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="korespondencja-{mailing.pk}.csv"'
        response["Cache-Control"] = "no-store, private"
        return response

    def print_pack_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """All print-only letters of the mailing merged into one PDF, for the post room."""
        import tempfile

        from django.http import FileResponse

        mailing = self._mailing(request, pk)
        assert isinstance(request.user, User)  # noqa: S101
        # Spooled: a small pack stays in memory, a large one goes to a temporary file that
        # is streamed to the clerk in blocks and removed when the response closes.
        out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        try:
            actions.mailing_print_pack_write(mailing=mailing, acting_user=request.user, out=out)
        except (ValidationError, PermissionDenied) as exc:
            out.close()
            self.message_user(
                request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return redirect("admin:services_mailing_progress", mailing.pk)
        out.seek(0)
        response = FileResponse(
            out,
            as_attachment=True,
            filename=f"korespondencja-{mailing.pk}-do-wydruku.pdf",
            content_type="application/pdf",
        )
        response["Cache-Control"] = "no-store, private"
        return response


class TaxImportForm(forms.ModelForm):  # type: ignore[type-arg]
    upload = forms.FileField(
        label=gettext_lazy("Plik CSV z systemu finansowego"),
        help_text=gettext_lazy(
            "UTF-8, kolumny: typ, konto, mieszkaniec, id, rodzaj, rok, opis, rata, termin, "
            "kwota (format opisano w services/taxcsv.py). Plik wczytuje się w całości albo wcale."
        ),
    )

    class Meta:
        model = TaxImport
        fields: list[str] = []


@admin.register(TaxImport)
class TaxImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """CSV upload of tax records with progress (for holders of services.load_tax_data)."""

    form = TaxImportForm
    list_display = ["__str__", "status", "total_rows", "created_by", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["created_by"]

    def _allowed(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("services.load_tax_data"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)  # noqa: S101
        created = actions.tax_import_create(
            upload=form.cleaned_data["upload"], acting_user=request.user
        )
        obj.__dict__.update(created.__dict__)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        return redirect("admin:services_taximport_progress", obj.pk)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return redirect("admin:services_taximport_progress", object_id)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/postep/", view(self.progress_view), name="services_taximport_progress"),
            path("<int:pk>/postep.json", view(self.progress_json), name="services_taximport_json"),
            *super().get_urls(),
        ]

    def _record(self, request: HttpRequest, pk: int) -> TaxImport:
        if not self._allowed(request):
            raise PermissionDenied
        return get_object_or_404(TaxImport, pk=pk)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self._record(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": str(record),
            "record": record,
            "progress": actions.tax_import_progress(record=record),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "services/admin_tax_import.html", context)

    def progress_json(self, request: HttpRequest, pk: int) -> HttpResponse:
        from django.http import JsonResponse

        record = self._record(request, pk)
        progress = actions.tax_import_progress(record=record)
        finished = record.status in (TaxImportStatus.DONE, TaxImportStatus.FAILED)
        return JsonResponse({**progress, "finished": finished})
