from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    """The participatory budget (Budżet Obywatelski): a sub-app of the consultations domain."""

    name = "consultations.budget"
    label = "budget"
    verbose_name = _("Budżet obywatelski")
    default_auto_field = "django.db.models.BigAutoField"
