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
        "districts:list",
        _("Dzielnice"),
        _("18 dzielnic Krakowa: dane, rady dzielnic, budżety i zadania."),
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
