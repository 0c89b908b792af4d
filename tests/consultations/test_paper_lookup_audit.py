"""Paper questionnaires: the clerk's or assistant's PESEL search goes through the audited
``accounts.actions.pesel_lookup`` (every search, found or not, logged with its purpose and
never the number); a response typed in by an assistant for a resident is an assisted act."""

import pytest
from django.urls import reverse

from accounts.actions import role_grant
from accounts.models import AssistedAct, PeselLookup, Role
from accounts.validators import pesel_check_digit
from consultations import actions
from consultations.models import SurveyResponse
from tests.accounts.factories import UserFactory
from tests.consultations.factories import (
    DepartmentFactory,
    resident,
    survey_with_questions,
    valid_answers,
)

pytestmark = pytest.mark.django_db


def _pesel(serial: int) -> str:
    first_ten = f"800501{serial:04d}"
    return first_ten + str(pesel_check_digit(first_ten))


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    department = DepartmentFactory()
    survey = survey_with_questions(department=department, anonymous=False)
    clerk = UserFactory(is_staff=True)
    role_grant(user=clerk, role=Role.CLERK, acting_user=None, department=department)
    person = resident(4, pesel=_pesel(2), first_name="Anna", last_name="Kowalska")
    return survey, clerk, person


def _assistant():  # type: ignore[no-untyped-def]
    assistant = UserFactory(is_staff=True)
    role_grant(user=assistant, role=Role.ASSISTANT, acting_user=None)
    assert not assistant.has_perm("accounts.view_user")  # the allowance is what lets them in
    return assistant


def _assert_logged(lookup: PeselLookup, *, by, found, survey) -> None:  # type: ignore[no-untyped-def]
    assert lookup.clerk == by
    assert lookup.found == found
    assert str(survey.public_id) in lookup.purpose
    assert survey.title[:50] in lookup.purpose


def test_clerk_lookup_found_and_not_found_are_both_logged(client, setting):
    survey, clerk, person = setting
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    client.force_login(clerk)
    assert client.post(url, {"pesel": person.pesel, "lookup": "1"}).status_code == 200
    assert client.post(url, {"pesel": _pesel(7), "lookup": "1"}).status_code == 400
    found, missed = PeselLookup.objects.order_by("pk")
    _assert_logged(found, by=clerk, found=person, survey=survey)
    _assert_logged(missed, by=clerk, found=None, survey=survey)
    # the searched numbers are stored nowhere in the log
    for row in PeselLookup.objects.values():
        assert person.pesel not in str(row)
        assert _pesel(7) not in str(row)


def test_malformed_number_is_refused_and_not_logged(client, setting):
    survey, clerk, _person = setting
    client.force_login(clerk)
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    assert client.post(url, {"pesel": "12345678901", "lookup": "1"}).status_code == 400
    assert not PeselLookup.objects.exists()


def test_assistant_may_look_up_and_their_paper_response_is_an_assisted_act(client, setting):
    survey, _clerk, person = setting
    assistant = _assistant()
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    client.force_login(assistant)
    lookup = client.post(url, {"pesel": person.pesel, "lookup": "1"})
    assert lookup.status_code == 200
    _assert_logged(PeselLookup.objects.get(), by=assistant, found=person, survey=survey)
    token = lookup.context["respondent_form"].initial["resident"]
    answers = valid_answers(survey)
    assert client.post(url, {**answers, "resident": token}).status_code == 302
    assert SurveyResponse.objects.get().respondent == person
    act = AssistedAct.objects.get()
    assert (act.assistant, act.resident, act.kind) == (assistant, person, "survey_paper")
    assert act.description == survey.title  # the survey only: no answers, no PESEL
    assert person.pesel not in act.description
    assert person.pesel not in PeselLookup.objects.get().purpose


def test_clerk_of_another_department_is_refused_and_nothing_is_logged(client, setting):
    survey, _clerk, person = setting
    outsider = UserFactory(is_staff=True)
    role_grant(
        user=outsider,
        role=Role.CLERK,
        acting_user=None,
        department=DepartmentFactory(code="zk", name="Inny wydział"),
    )
    client.force_login(outsider)
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    assert client.post(url, {"pesel": person.pesel, "lookup": "1"}).status_code == 403
    assert not PeselLookup.objects.exists()


def test_resident_answering_online_records_nothing(setting):
    survey, _clerk, person = setting
    actions.survey_respond(survey=survey, user=person, raw_answers=valid_answers(survey))
    assert not PeselLookup.objects.exists()
    assert not AssistedAct.objects.exists()
