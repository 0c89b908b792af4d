from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konta mieszkańców")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app's dashboard panels and GDPR contributions register themselves.
        autodiscover_modules("dashboard", "gdpr")
