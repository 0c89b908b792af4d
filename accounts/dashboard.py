"""Accounts' panels on the "My city" dashboard: profile, verification, notifications."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User, VerificationLevel
from accounts.registry import DashboardPanel, register_dashboard_panel
from accounts.selectors import notification_preferences
from accounts.verification import verification_level


def _profile(user: User) -> dict[str, Any]:
    return {"profile_user": user}


def _verification(user: User) -> dict[str, Any]:
    level = verification_level(user)
    return {"level": level, "is_resident": level == VerificationLevel.RESIDENT}


def _notifications(user: User) -> dict[str, Any]:
    return {"pref": notification_preferences(user=user)}


register_dashboard_panel(
    DashboardPanel("profile", _("Mój profil"), "accounts/panels/profile.html", _profile, 10)
)
register_dashboard_panel(
    DashboardPanel(
        "verification",
        _("Poziom weryfikacji"),
        "accounts/panels/verification.html",
        _verification,
        20,
    )
)
register_dashboard_panel(
    DashboardPanel(
        "notifications",
        _("Powiadomienia"),
        "accounts/panels/notifications.html",
        _notifications,
        30,
    )
)
