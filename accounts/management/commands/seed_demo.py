"""Load demonstration data: idempotent, every record visibly labelled as demo.

Each app contributes through its own ``demo.py`` with ``seed(*, log) -> None``; this command
runs them in INSTALLED_APPS order. Running it twice changes nothing the second time.
"""

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load demonstration data (idempotent, labelled as demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo runs only with DEMO_MODE on (never on real data).")
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
