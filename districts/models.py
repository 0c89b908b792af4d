"""The 18 districts (dzielnice) of Kraków: every app points at these rows."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DistrictQuerySet(models.QuerySet["District"]):
    def by_number(self) -> "DistrictQuerySet":
        return self.order_by("number")


class District(models.Model):
    number = models.PositiveSmallIntegerField(_("numer"), unique=True)
    roman = models.CharField(_("numer rzymski"), max_length=6, unique=True)
    name = models.CharField(_("nazwa"), max_length=100, unique=True)
    slug = models.SlugField(_("skrót w adresie"), max_length=100, unique=True)
    area_km2 = models.DecimalField(_("powierzchnia (km²)"), max_digits=9, decimal_places=4)
    population = models.PositiveIntegerField(_("liczba mieszkańców"))
    population_year = models.PositiveSmallIntegerField(_("rok danych o mieszkańcach"))
    council_seats = models.PositiveSmallIntegerField(_("liczba radnych"))

    history = HistoricalRecords()
    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("dzielnica")
        verbose_name_plural = _("dzielnice")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1) & models.Q(number__lte=18),
                name="districts_district_number_1_18",
            ),
            models.CheckConstraint(
                condition=models.Q(area_km2__gt=Decimal("0")), name="districts_area_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.roman} {self.name}"

    @property
    def density(self) -> int:
        return round(self.population / float(self.area_km2))
