from django.utils.translation import gettext_lazy as _

from accounts.registry import DashboardPanel, register_dashboard_panel
from services.selectors import resident_cases_panel, resident_taxes_panel

register_dashboard_panel(
    DashboardPanel(
        key="services-cases",
        title=_("Moje sprawy w urzędzie"),
        template="services/dashboard_panel.html",
        context=lambda user: resident_cases_panel(user=user),
        order=30,
    )
)

register_dashboard_panel(
    DashboardPanel(
        key="services-taxes",
        title=_("Moje podatki i opłaty lokalne"),
        template="services/dashboard_taxes.html",
        context=lambda user: resident_taxes_panel(user=user),
        order=31,
    )
)
