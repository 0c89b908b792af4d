import io
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from karta.models import Card, Location, Offer, Partner, StatusApplication
from tests.accounts.factories import UserFactory


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (200, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (250, 250, 240)).save(out, format=fmt)
    return out.getvalue()


def first_district_id() -> int:
    from districts.models import District

    return District.objects.order_by("number").values_list("pk", flat=True)[0]


class ResidentFactory(UserFactory):
    district_id = factory.LazyFunction(first_district_id)
    street_address = "ul. Floriańska 1"
    postal_code = "31-019"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    slug = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.Sequence(lambda n: f"Muzeum {n}")
    kind = "city"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    partner = factory.SubFactory(PartnerFactory)
    name = "Siedziba"
    address = "Rynek Główny 1"
    latitude = Decimal("50.061700")
    longitude = Decimal("19.937300")


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    partner = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Bilet ulgowy {n}")
    category = "culture"
    kind = "percent"
    percent = 50
    regular_price = Decimal("20.00")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))


class ApprovedApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusApplication

    user = factory.SubFactory(ResidentFactory)
    document_kind = "upo"
    status = "approved"
    decided_at = factory.LazyFunction(timezone.now)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card

    number = factory.Sequence(
        lambda n: __import__("karta.cardnumbers").cardnumbers.generate_card_number(900000 + n)
    )
    holder = factory.SubFactory(ResidentFactory)
    holder_group = "adult"
    carrier = "mobile"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))


def birth_years_ago(years: int) -> date:
    today = timezone.localdate()
    return date(today.year - years, 1, 1)
