"""The portal's sections as the home page introduces them.

Each app adds its section here when its pages land; the home page shows the registered ones.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    url_name: str
    title: str | Promise
    description: str | Promise
    in_nav: bool = True

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


SECTIONS: tuple[Section, ...] = (
    Section(
        "consultations:index",
        _("Konsultacje i ankiety"),
        _("Konsultacje społeczne, spotkania, ankiety i ich wyniki."),
    ),
    Section(
        "budget:index",
        _("Budżet obywatelski"),
        _("Zgłaszaj projekty, głosuj i sprawdzaj wyniki budżetu obywatelskiego."),
    ),
    Section(
        "referenda:index",
        _("Referenda w dzielnicach"),
        _("Lokalne referenda: pytania, głosowanie, frekwencja i wyniki."),
    ),
    Section(
        "karta:index",
        _("Karta Krakowska"),
        _("Status mieszkańca, karta z kodem QR i katalog zniżek."),
    ),
    Section(
        "services:index",
        _("E-usługi"),
        _("Sprawy urzędowe online, podatki lokalne, godziny pracy i kontakt."),
    ),
    Section(
        "districts:list",
        _("Dzielnice"),
        _("18 dzielnic Krakowa: dane, rady dzielnic, budżety i zadania."),
    ),
    Section(
        "opendata:index",
        _("Otwarte dane"),
        _("Zbiory danych miasta: tabele, wykresy, mapy i API zgodne z CKAN."),
    ),
    Section(
        "accessibility:index",
        _("Dostępność"),
        _("Dostępność budynków i serwisów miasta oraz deklaracja dostępności."),
    ),
    Section(
        "api-docs",
        _("API dla programistów"),
        _("Otwarte REST API portalu z dokumentacją OpenAPI."),
        in_nav=False,
    ),
)


def available_sections() -> list[Section]:
    return [section for section in SECTIONS if section.url is not None]
