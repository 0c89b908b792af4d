import pytest

from districts.models import District
from tests.districts.factories import budget_year, clerk, fund, member_of


@pytest.fixture
def year(db):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    y = budget_year()
    fund(y, Decimal("25000000.00"))
    return y


@pytest.fixture
def district_a(db):  # type: ignore[no-untyped-def]
    return District.objects.get(number=12)


@pytest.fixture
def district_b(db):  # type: ignore[no-untyped-def]
    return District.objects.get(number=18)


@pytest.fixture
def member_a(district_a):  # type: ignore[no-untyped-def]
    return member_of(district_a)


@pytest.fixture
def member_b(district_b):  # type: ignore[no-untyped-def]
    return member_of(district_b)


@pytest.fixture
def reviewer(db):  # type: ignore[no-untyped-def]
    return clerk("review_resolution", "override_deadline", "change_resolutiontask")


@pytest.fixture
def plain_clerk(db):  # type: ignore[no-untyped-def]
    return clerk()
