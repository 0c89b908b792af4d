"""Verification levels (R-ACC-3): the one helper other apps use to require a level."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.permissions import BasePermission

from accounts.models import User, VerificationLevel

F = TypeVar("F", bound=Callable[..., HttpResponse])


def verification_level(user: User | AnonymousUser) -> VerificationLevel:
    """The account's level now: RESIDENT needs a current verification and a district."""
    if not isinstance(user, User):
        return VerificationLevel.UNVERIFIED
    if (
        user.resident_verified_at
        and user.district_id
        and (
            user.resident_verified_until is None
            or user.resident_verified_until >= timezone.localdate()
        )
    ):
        return VerificationLevel.RESIDENT
    cached = getattr(user, "_email_verified", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._email_verified = cached  # type: ignore[attr-defined]
    return VerificationLevel.EMAIL if cached else VerificationLevel.UNVERIFIED


def has_level(user: User | AnonymousUser, level: int, *, district_id: int | None = None) -> bool:
    """True when the user reaches ``level`` (and, when given, is verified in that district)."""
    if verification_level(user) < level:
        return False
    if district_id is not None:
        return isinstance(user, User) and user.district_id == district_id
    return True


def require_level(level: int) -> Callable[[F], F]:
    """View decorator: anonymous → login; too low a level → a page saying how to get verified."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_level(request.user, level):
                context = {
                    "required": VerificationLevel(level),
                    "current": verification_level(request.user),
                }
                return render(request, "accounts/verification_required.html", context, status=403)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def level_permission(level: int) -> type[BasePermission]:
    """DRF permission class requiring ``level``."""

    class HasLevel(BasePermission):
        message = "verification_required"

        def has_permission(self, request: Any, view: Any) -> bool:
            return has_level(request.user, level)

    HasLevel.__name__ = f"HasVerificationLevel{level}"
    return HasLevel
