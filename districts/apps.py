from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class DistrictsConfig(AppConfig):
    name = "districts"
    verbose_name = _("Dzielnice")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app may describe what happens in a district in its ``district_activity.py``.
        autodiscover_modules("district_activity")
