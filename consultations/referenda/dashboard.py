"""The referenda panel on the resident's dashboard: referenda of their district, voted or not."""

from typing import Any

from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.registry import DashboardPanel, register_dashboard_panel
from consultations.referenda.selectors import dashboard_referenda


def _panel(user: User) -> dict[str, Any] | None:
    return {"entries": dashboard_referenda(user=user), "has_district": bool(user.district_id)}


register_dashboard_panel(
    DashboardPanel(
        "referenda",
        gettext_lazy("Referenda w dzielnicach"),
        "referenda/panel.html",
        _panel,
        61,
    )
)
