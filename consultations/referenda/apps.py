from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferendaConfig(AppConfig):
    """District referenda: a sub-app of the consultations domain."""

    name = "consultations.referenda"
    label = "referenda"
    verbose_name = _("Referenda w dzielnicach")
    default_auto_field = "django.db.models.BigAutoField"
