"""Public e-services pages checked with axe in Polish and English.

The form pages need a login; tests/services/test_browser.py checks them with axe, empty and
with errors shown, in both languages.
"""


def pages() -> list[str]:
    from services.actions import services_load_reference
    from services.models import Service

    services_load_reference()
    paths = ["/e-uslugi/", "/e-uslugi/?kategoria=animals&q=kot", "/e-uslugi/kontakt/"]
    paths += [f"/e-uslugi/{slug}/" for slug in Service.objects.values_list("slug", flat=True)]
    paths += ["/e-uslugi/weryfikacja/", f"/e-uslugi/weryfikacja/?sha256={'0' * 64}"]
    return paths
