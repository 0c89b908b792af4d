"""Fixtures for the e-services tests: the shipped services and the people of the matrix."""

from typing import Any

import pytest

from accounts.actions import role_grant
from accounts.models import Department, Role
from services.actions import services_load_reference
from services.models import Service
from tests.accounts.factories import UserFactory

VALID_PESEL = "44051401359"


@pytest.fixture
def reference(db: Any) -> None:
    # Transactional tests flush the data migration's rows: load them again when missing.
    if not Service.objects.exists():
        services_load_reference()


@pytest.fixture
def animal_service(reference: None) -> Service:
    return Service.objects.get(slug="sterylizacja-kastracja-czipowanie")


@pytest.fixture
def flat_service(reference: None) -> Service:
    return Service.objects.get(slug="mieszkanie-za-remont")


@pytest.fixture
def letter_service(reference: None) -> Service:
    return Service.objects.get(slug="pismo-ogolne")


@pytest.fixture
def clerk(reference: None) -> Any:
    """A clerk of the environment department (ks), which handles the animal service."""
    user = UserFactory(is_staff=True)
    role_grant(
        user=user, role=Role.CLERK, acting_user=None, department=Department.objects.get(code="ks")
    )
    return user


@pytest.fixture
def other_clerk(reference: None) -> Any:
    """A clerk of another department (om): no permission on ks cases."""
    user = UserFactory(is_staff=True)
    role_grant(
        user=user, role=Role.CLERK, acting_user=None, department=Department.objects.get(code="om")
    )
    return user


@pytest.fixture
def council_member(db: Any) -> Any:
    """A district-scoped member: a role, but none over cases."""
    from districts.models import District

    user = UserFactory()
    role_grant(
        user=user,
        role=Role.COUNCIL_MEMBER,
        acting_user=None,
        district_id=District.objects.order_by("number").first().pk,
    )
    return user


def animal_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "f-owner-first_name": "Anna",
        "f-owner-last_name": "Nowak",
        "f-owner-pesel": VALID_PESEL,
        "f-owner-address": "ul. Floriańska 1/2",
        "f-owner-postal_code": "31-019",
        "f-owner-phone": "",
        "f-owner-email": "anna@example.org",
        "f-animal-species": "cat",
        "f-animal-sex": "female",
        "f-animal-age_years": "3",
        "f-animal-chip_number": "",
        "f-animal-clinic": "lecznica-podgorze",
        "f-declarations-resident": "on",
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def animal_case(animal_service: Service, user: Any) -> Any:
    from services.actions import case_submit
    from services.formengine import DefinitionForm
    from services.selectors import service_definition

    definition = service_definition(service=animal_service)
    form = DefinitionForm(definition.schema, animal_post())
    assert form.is_valid(), form.errors
    return case_submit(
        service=animal_service,
        definition=definition,
        applicant=user,
        data=form.submission(),
        acting_user=user,
    )
