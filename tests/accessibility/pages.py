"""The one list of public pages the accessibility harness checks, in every language.

The foundation's pages are listed here; each app adds its own in ``tests/<app>/a11y_pages.py``
with ``def pages() -> list[str]``: it may create the objects its pages show (it runs inside a
test with database access) and returns paths without the language prefix. Pages showing a form
with errors can be given as ``"POST <path>"`` … (see the harness).
"""

from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec

FOUNDATION_PAGES: list[str] = [
    "/",
    "/dzielnice/",
    "/konto/login/",
    "/konto/signup/",
    "/konto/password/reset/",
    "/konto/password/reset/key/done/",
    "/konto/inactive/",
    "/strona-ktorej-nie-ma/",  # the 404 page
]

APP_PAGE_MODULES = [
    "tests.accounts.a11y_pages",
    "tests.districts.a11y_pages",
    "tests.consultations.a11y_pages",
    "tests.consultations.budget.a11y_pages",
    "tests.consultations.referenda.a11y_pages",
    "tests.karta.a11y_pages",
    "tests.services.a11y_pages",
    "tests.opendata.a11y_pages",
    "tests.accessibility.a11y_pages",
]

LANGUAGE_PREFIXES = {"pl": "", "en": "/en"}


def page_providers() -> dict[str, Callable[[], list[str]]]:
    """``{"foundation": …, "<app module>": pages}`` for every app that lists pages."""
    providers: dict[str, Callable[[], list[str]]] = {"foundation": lambda: list(FOUNDATION_PAGES)}
    for name in APP_PAGE_MODULES:
        if find_spec(name.rsplit(".", 1)[0]) is not None and find_spec(name) is not None:
            providers[name.split(".", 1)[1].rsplit(".", 1)[0]] = import_module(name).pages
    return providers
