from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.actions import resident_verify_in_person
from accounts.forms import TrainingSessionAdminForm
from accounts.models import (
    ApiToken,
    AssistedAct,
    ConsentRecord,
    IdentityDocument,
    TrainingSession,
    User,
)


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
    # PESEL is matched exactly in get_search_results, never as a substring.
    search_fields = ["email", "first_name", "last_name"]
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
        term = search_term.strip()
        if term.isdigit() and len(term) == 11:
            return queryset.filter(pesel=term), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "hint", "created_at", "last_used_at", "expires_at"]
    search_fields = ["user__email", "name"]
    exclude = ["key_hash"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "given", "channel", "recorded_by", "recorded_at"]
    list_select_related = ["user", "recorded_by"]
    list_filter = ["kind", "channel", "given"]

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
