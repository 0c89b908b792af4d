"""Writes on accounts: verification, roles. Each leaves history with the acting user."""

from datetime import date
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    Department,
    IdentityDocument,
    Role,
    RoleAssignment,
    User,
    VerificationMethod,
)


def _history_user(user: User, acting_user: User | None) -> None:
    user._history_user = acting_user  # type: ignore[attr-defined]


@transaction.atomic
def resident_verify_in_person(*, user: User, document_type: str, acting_user: User) -> User:
    """A clerk confirms, with an identity document in hand, that the person lives in Kraków.

    Only the document *type* is recorded, never its number (data minimisation).
    """
    if document_type not in IdentityDocument.values:
        raise ValidationError(_("Nieznany rodzaj dokumentu."), code="document_type")
    if user.district_id is None:
        raise ValidationError(
            _("Najpierw uzupełnij adres i dzielnicę mieszkańca."), code="district_missing"
        )
    user.resident_verified_at = timezone.now()
    user.resident_verified_by = acting_user
    user.resident_verification_method = VerificationMethod.IN_PERSON
    user.resident_verification_document = document_type
    user.resident_verified_until = None
    _history_user(user, acting_user)
    user.save()
    return user


@transaction.atomic
def resident_verify_by_karta(*, user: User, valid_until: date, acting_user: User | None) -> User:
    """The hook the Karta Krakowska app calls when a resident's PIT status is approved."""
    if user.district_id is None:
        raise ValidationError(
            _("Najpierw uzupełnij adres i dzielnicę mieszkańca."), code="district_missing"
        )
    user.resident_verified_at = timezone.now()
    user.resident_verified_by = acting_user
    user.resident_verification_method = VerificationMethod.KARTA
    user.resident_verification_document = ""
    user.resident_verified_until = valid_until
    _history_user(user, acting_user)
    user.save()
    return user


def resident_verification_clear(*, user: User) -> None:
    """Back to unverified residency (address or district changed); the caller saves."""
    user.resident_verified_at = None
    user.resident_verified_by = None
    user.resident_verification_method = ""
    user.resident_verification_document = ""
    user.resident_verified_until = None


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    acting_user: User | None,
    department: Department | None = None,
    district_id: int | None = None,
    ends_on: date | None = None,
) -> RoleAssignment:
    """Give ``user`` a role (scoped to a department or district) and its Django group."""
    scope: dict[str, Any] = {"department": department, "district_id": district_id}
    assignment, _created = RoleAssignment.objects.update_or_create(
        user=user, role=role, **scope, defaults={"granted_by": acting_user, "ends_on": ends_on}
    )
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if (
        role in (Role.CLERK, Role.MODERATOR, Role.ASSISTANT, Role.ADMINISTRATOR)
        and not user.is_staff
    ):
        user.is_staff = True
        _history_user(user, acting_user)
        user.save(update_fields=["is_staff"])
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, acting_user: User | None) -> None:
    user, role = assignment.user, assignment.role
    assignment._history_user = acting_user  # type: ignore[attr-defined]
    assignment.delete()
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        user.groups.remove(*Group.objects.filter(name=role))
