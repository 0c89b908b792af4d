from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower, Upper
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import actions
from accounts.actions import resident_verify_in_person
from accounts.forms import PeselSearchForm, TrainingSessionAdminForm, apply_action_errors
from accounts.models import (
    ApiToken,
    AssistedAct,
    ConsentRecord,
    IdentityDocument,
    PeselLookup,
    RoleAssignment,
    TrainingSession,
    User,
)


class ConsentInline(admin.TabularInline):  # type: ignore[type-arg]
    """The person's consent log (read-only: the log is append-only)."""

    model = ConsentRecord
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["kind", "version", "given", "channel", "recorded_at", "recorded_by"]
    readonly_fields = fields
    ordering = ["recorded_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssistedActInline(ConsentInline):
    model = AssistedAct  # type: ignore[assignment]
    fk_name = "resident"
    fields = ["kind", "description", "assistant", "created_at"]
    readonly_fields = fields
    ordering = ["created_at"]
    verbose_name_plural = _("czynności asystentów dla tej osoby")


def _verify_action(document: IdentityDocument) -> Any:
    def action(modeladmin: "UserAdmin", request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset:
            try:
                resident_verify_in_person(
                    user=user,
                    document_type=document.value,
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                modeladmin.message_user(request, f"{user}: {exc.messages[0]}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request, _("Zweryfikowano zamieszkanie: %(n)d.") % {"n": done}, messages.SUCCESS
            )

    action.__name__ = f"verify_{document.value}"
    action.short_description = _("Zweryfikuj osobiście — okazany dokument: %(doc)s") % {  # type: ignore[attr-defined]
        "doc": document.label
    }
    action.allowed_permissions = ("verify",)  # type: ignore[attr-defined]
    return action


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "pesel_masked", "district", "is_staff"]
    list_select_related = ["district"]
    list_filter = ["is_staff", "is_active", "groups", "district"]
    # See get_search_results: exact e-mail or whole names, through indexes; PESEL never here.
    search_fields = ["email", "first_name", "last_name"]
    search_help_text = _(
        "Dokładny adres e-mail albo imię i/lub nazwisko (całe słowa). "
        "Po numerze PESEL szukaj formularzem „Szukaj po numerze PESEL”."
    )
    inlines = [ConsentInline, AssistedActInline]
    change_list_template = "admin/accounts/user/change_list.html"
    actions = [_verify_action(document) for document in IdentityDocument]
    readonly_fields = [
        "public_id",
        "date_joined",
        "last_login",
        "first_name",
        "last_name",
        "pesel_masked",
        "birth_date",
        "sex",
        "street_address",
        "postal_code",
        "district",
        "phone",
        "resident_verified_at",
        "resident_verified_by",
        "resident_verification_method",
        "resident_verification_document",
        "resident_verified_until",
        "anonymised_at",
    ]
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (
            _("Dane osobowe"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "pesel_masked",
                    "birth_date",
                    "sex",
                    "street_address",
                    "postal_code",
                    "district",
                    "phone",
                )
            },
        ),
        (
            _("Weryfikacja zamieszkania"),
            {
                "fields": (
                    "resident_verified_at",
                    "resident_verified_by",
                    "resident_verification_method",
                    "resident_verification_document",
                    "resident_verified_until",
                )
            },
        ),
        (
            _("Uprawnienia"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Daty"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description=_("PESEL"))
    def pesel_masked(self, obj: User) -> str:
        return obj.pesel_masked

    def has_verify_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_user")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        """``?q=`` matches an exact e-mail (the Lower(email) unique index) or whole first/last
        names (the Upper(name) indexes), never a PESEL: a number in a URL ends up in logs and
        browser history, so digits find nothing and point to the POST search form instead."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            found = queryset.alias(email_ci=Lower("email")).filter(email_ci=Lower(Value(term)))
            return found, False
        if any(ch.isdigit() for ch in term):
            self.message_user(
                request,
                _("Po numerze PESEL wyszukuj formularzem „Szukaj po numerze PESEL”."),
                messages.WARNING,
            )
            return queryset.none(), False
        queryset = queryset.alias(first_ci=Upper("first_name"), last_ci=Upper("last_name"))
        for word in term.split()[:4]:
            word_ci = Upper(Value(word))
            queryset = queryset.filter(Q(first_ci=word_ci) | Q(last_ci=word_ci))
        return queryset, False

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "szukaj-pesel/",
                self.admin_site.admin_view(self.pesel_search_view),
                name="accounts_user_pesel_search",
            )
        ]
        return own + super().get_urls()

    def pesel_search_view(self, request: HttpRequest) -> HttpResponse:
        """Search by exact PESEL through a POST body; every search is logged (PeselLookup)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PeselSearchForm(request.POST if request.method == "POST" else None)
        found: User | None = None
        searched = False
        if request.method == "POST" and form.is_valid():
            try:
                found = actions.pesel_lookup(
                    pesel=form.cleaned_data["pesel"],
                    purpose=form.cleaned_data["purpose"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except PermissionError as exc:
                raise PermissionDenied from exc
            except ValidationError as exc:
                apply_action_errors(form, exc)
            else:
                searched = True
                form = PeselSearchForm()  # the number is not echoed back into the page
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Szukaj po numerze PESEL"),
            "form": form,
            "found": found,
            "searched": searched,
        }
        response = TemplateResponse(
            request,
            "admin/accounts/user/pesel_search.html",
            context,
            status=400 if form.errors else 200,
        )
        response["Cache-Control"] = "no-store"
        return response


@admin.register(PeselLookup)
class PeselLookupAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit log of PESEL searches: read-only, for administrators."""

    list_display = ["performed_at", "clerk", "purpose", "found"]
    list_select_related = ["clerk", "found"]
    date_hierarchy = "performed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Granting and revoking roles goes through role_grant/role_revoke (group + scope)."""

    list_display = ["user", "role", "department", "district", "ends_on", "granted_by"]
    list_select_related = ["user", "department", "district", "granted_by"]
    list_filter = ["role", "department", "district"]
    fields = ["user", "role", "department", "district", "ends_on"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        saved = actions.role_grant(
            user=obj.user,
            role=obj.role,
            acting_user=request.user,  # type: ignore[arg-type]
            department=obj.department,
            district_id=obj.district_id,
            ends_on=obj.ends_on,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        actions.role_revoke(assignment=obj, acting_user=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for assignment in queryset:
            self.delete_model(request, assignment)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "hint", "created_at", "last_used_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["name"]
    exclude = ["key_hash"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "version", "given", "channel", "recorded_by", "recorded_at"]
    list_select_related = ["user", "recorded_by"]
    list_filter = ["kind", "version", "channel", "given"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(AssistedAct)
class AssistedActAdmin(ConsentRecordAdmin):
    list_display = ["kind", "assistant", "resident", "description", "created_at"]
    list_select_related = ["assistant", "resident"]
    list_filter = ["kind"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    form = TrainingSessionAdminForm
    list_display = ["title", "place", "starts_at", "seats", "seats_taken"]
    readonly_fields = ["seats_taken"]
