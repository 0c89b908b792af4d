from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KartaConfig(AppConfig):
    name = "karta"
    verbose_name = _("Karta Krakowska")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from karta import checks  # noqa: F401  (registers the signing-key check)
