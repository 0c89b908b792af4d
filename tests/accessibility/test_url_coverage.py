"""Every public page in the URL configuration is in the axe harness's page lists.

Walks ``get_resolver()``: a pattern is covered when a listed path (foundation list or an app's
``a11y_pages``) resolves to it. An uncovered pattern without parameters that answers an
anonymous GET with an HTML page is a public page the harness forgot; an uncovered pattern with
parameters fails unless an anonymous GET with sample values is refused (login, 403, 405) or it
is listed in ``NOT_PAGES`` with the reason.
"""

import re
import uuid
from collections.abc import Iterator

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from tests.accessibility.pages import page_providers

pytestmark = pytest.mark.django_db

#: Prefixes that are not pages for residents: the admin, machine APIs and documents.
EXCLUDED_PREFIXES = ("admin/", "api/", "opendata/", "healthz", "media/", "static/")

#: Downloads (PDF, CSV, iCalendar, JSON, data files) are documents, not pages.
DOCUMENT_ROUTE = re.compile(r"(\.(pdf|csv|ics|json)|\.<str:fmt>|/pdf/)$")

#: Parameterised patterns that are not public pages, with the reason (checked in the views).
NOT_PAGES: dict[str, str] = {
    "budzet-obywatelski/<int:year>/glosuj/": "sign-in required (redirect_to_login in the view)",
    "budzet-obywatelski/<int:year>/glosuj/<str:pool_id>/": "sign-in required (a voter's ballot)",
    "budzet-obywatelski/<int:year>/potwierdzenie/": "sign-in required, voter's own receipt",
    "karta-krakowska/dokumenty/<uuid:public_id>/": "file download for its owner and clerks",
    "otwarte-dane/zasoby/<str:public_id>/import/": "data managers only",
    "otwarte-dane/importy/<str:public_id>/": "data managers only",
}

SAMPLES = {
    "uuid": str(uuid.UUID(int=0)),
    "int": "999999",
    "slug": "nie-ma-takiego",
    "str": "x",
    "path": "x",
}


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + route, full_ns)
        else:
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield prefix + route, name


def _route_key(route: str) -> str:
    return re.sub(r"^\^?(en/)?", "", route.replace("^", "").replace("$", "").replace("\\Z", ""))


def _sample(route: str) -> str:
    def fill(match: re.Match[str]) -> str:
        return SAMPLES.get(match.group(1) or "str", "x")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


def _covered_routes() -> set[str]:
    covered = set()
    for provider in page_providers().values():
        for path in provider():
            try:
                match = resolve(path.removeprefix("POST ").split("?")[0])
            except Resolver404:
                continue  # the 404 page is listed on purpose
            covered.add(_route_key(match.route))
    return covered


def test_every_public_page_is_in_the_axe_page_lists(client):
    # given the portal's URL configuration and the harness's page lists
    covered = _covered_routes()
    forgotten = []
    for raw_route, name in _walk(get_resolver().url_patterns):
        route = _route_key(raw_route)
        if route.startswith(EXCLUDED_PREFIXES) or route in covered or route in NOT_PAGES:
            continue
        if DOCUMENT_ROUTE.search(route):
            continue
        if re.search(r"[\\(\[]", route):  # regex patterns (allauth's, static): sample by name
            continue
        # when the page is fetched anonymously
        response = client.get(_sample(route))
        is_html = response.get("Content-Type", "").startswith("text/html")
        refused = response.status_code in (302, 401, 403, 405)
        has_params = "<" in route
        # then a page that shows HTML to anyone must be listed
        if response.status_code == 200 and is_html:
            forgotten.append(f"/{route} ({name}): public page missing from a11y_pages")
        elif has_params and not refused and response.status_code == 404:
            forgotten.append(
                f"/{route} ({name}): add an example to a11y_pages or a reason to NOT_PAGES"
            )
    assert forgotten == [], "\n".join(forgotten)


def test_the_walk_finds_the_statement_page_and_its_coverage():
    routes = {_route_key(route) for route, _name in _walk(get_resolver().url_patterns)}
    assert "dostepnosc/deklaracja/" in routes
    assert "dostepnosc/deklaracja/" in _covered_routes()
