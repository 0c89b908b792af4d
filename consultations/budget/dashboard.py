"""The budget's panel on the resident's dashboard: where they voted and the receipt codes."""

from typing import Any

from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.registry import DashboardPanel, register_dashboard_panel
from consultations.budget.selectors import participations


def _panel(user: User) -> dict[str, Any] | None:
    entries = list(participations(user=user)[:10])
    return {"entries": entries}


register_dashboard_panel(
    DashboardPanel("budget", gettext_lazy("Budżet obywatelski"), "budget/panel.html", _panel, 60)
)
