"""R-ACC-5 for cases: a case filed at the office by an assistant for a resident records an
assisted act in the same transaction (service and case number — never the form's data)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.actions import role_grant
from accounts.models import AssistedAct, Role
from services.actions import case_submit
from services.formengine import DefinitionForm
from services.models import Case
from services.selectors import service_definition
from tests.accounts.factories import UserFactory
from tests.services.conftest import VALID_PESEL, animal_post


def _file(service: Any, applicant: Any, acting_user: Any) -> Case:
    definition = service_definition(service=service)
    form = DefinitionForm(definition.schema, animal_post())
    assert form.is_valid(), form.errors
    return case_submit(
        service=service,
        definition=definition,
        applicant=applicant,
        data=form.submission(),
        acting_user=acting_user,
    )


@pytest.fixture
def assistant(db: Any) -> Any:
    person = UserFactory(is_staff=True)
    role_grant(user=person, role=Role.ASSISTANT, acting_user=None)
    return person


def test_assistant_filing_for_a_resident_records_the_act(
    animal_service: Any, user: Any, assistant: Any
) -> None:
    case = _file(animal_service, applicant=user, acting_user=assistant)
    act = AssistedAct.objects.get()
    assert (act.assistant, act.resident, act.kind) == (assistant, user, "case_filed")
    assert act.description == f"{animal_service.name} ({case.number})"
    stored = f"{act.kind} {act.description}"
    for secret in (VALID_PESEL, "Nowak", "Floriańska", "anna@example.org"):
        assert secret not in stored  # nothing typed into the form
    assert user.pesel is None or user.pesel not in stored


def test_resident_filing_for_themselves_records_nothing(animal_service: Any, user: Any) -> None:
    _file(animal_service, applicant=user, acting_user=user)
    assert Case.objects.count() == 1
    assert not AssistedAct.objects.exists()


def test_assistant_filing_for_themselves_records_nothing(
    animal_service: Any, assistant: Any
) -> None:
    _file(animal_service, applicant=assistant, acting_user=assistant)
    assert Case.objects.count() == 1
    assert not AssistedAct.objects.exists()


def test_other_staff_without_the_assistant_role_records_nothing(
    animal_service: Any, user: Any, clerk: Any
) -> None:
    _file(animal_service, applicant=user, acting_user=clerk)
    assert not AssistedAct.objects.exists()


def test_a_refused_case_records_no_act(animal_service: Any, user: Any, assistant: Any) -> None:
    animal_service.is_active = False
    animal_service.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        _file(animal_service, applicant=user, acting_user=assistant)
    assert not Case.objects.exists()
    assert not AssistedAct.objects.exists()


def test_the_act_and_the_case_share_one_transaction(
    animal_service: Any, user: Any, assistant: Any, monkeypatch: Any
) -> None:
    def failing(**kwargs: Any) -> None:
        raise RuntimeError("act not recorded")

    monkeypatch.setattr("services.actions.assisted_act_record", failing)
    with pytest.raises(RuntimeError):
        _file(animal_service, applicant=user, acting_user=assistant)
    assert not Case.objects.exists()
