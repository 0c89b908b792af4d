import pytest

from tests.accessibility.factories import clerk_of


@pytest.fixture
def coordinator(db):  # type: ignore[no-untyped-def]
    return clerk_of("DOSTEPNOSC")


@pytest.fixture
def adm_clerk(db):  # type: ignore[no-untyped-def]
    return clerk_of("ADM")


@pytest.fixture
def other_clerk(db):  # type: ignore[no-untyped-def]
    return clerk_of("PODATKI")
