from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Otwarte dane")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app's own datasets register themselves (see opendata/registry.py).
        autodiscover_modules("opendata")
        from opendata import own_datasets  # noqa: F401  (this app's own registrations)
