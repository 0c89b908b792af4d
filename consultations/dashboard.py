"""The consultations panel on the resident's "My city" dashboard."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.registry import DashboardPanel, register_dashboard_panel
from consultations.selectors import resident_overview


def _context(user: User) -> dict[str, Any] | None:
    return resident_overview(user=user)


register_dashboard_panel(
    DashboardPanel(
        "consultations",
        _("Konsultacje społeczne"),
        "consultations/panels/overview.html",
        _context,
        40,
    )
)
