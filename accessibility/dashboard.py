"""The accessibility panel on the resident's "My city" dashboard: the accessibility requests
and complaints the resident filed (barriers reported), their status and answer deadline."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accessibility.selectors import resident_requests
from accounts.models import User
from accounts.registry import DashboardPanel, register_dashboard_panel


def _context(user: User) -> dict[str, Any] | None:
    requests = resident_requests(user=user)
    if not requests:
        return None  # nothing reported: no panel
    return {"requests": requests, "today": timezone.localdate()}


register_dashboard_panel(
    DashboardPanel(
        "accessibility-requests",
        _("Moje zgłoszenia dostępności"),
        "accessibility/dashboard_panel.html",
        _context,
        70,
    )
)
