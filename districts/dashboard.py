"""The resident's district on the "My city" dashboard: council, next sessions, resolutions,
funds."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import council_district_ids
from accounts.registry import DashboardPanel, register_dashboard_panel
from districts.selectors import resident_district_overview


def _context(user: User) -> dict[str, Any] | None:
    is_member = bool(council_district_ids(user))
    district = user.district
    if district is None:
        # Nothing to show but the way to choose the district (or the council's work).
        return {"district": None, "is_member": is_member}
    return {**resident_district_overview(district=district), "is_member": is_member}


register_dashboard_panel(
    DashboardPanel(
        "districts",
        _("Moja dzielnica"),
        "districts/panels/overview.html",
        _context,
        50,
    )
)
