"""Paper questionnaires attached to an existing resident: looked up by PESEL in a POST body
(never a URL), one response per person across online and paper, enforced by the database."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.actions import role_grant
from accounts.models import Role
from accounts.validators import pesel_check_digit
from consultations import actions
from consultations.models import SurveyParticipation, SurveyResponse
from districts.models import District
from tests.accounts.factories import UserFactory
from tests.consultations.factories import (
    DepartmentFactory,
    resident,
    survey_with_questions,
    valid_answers,
)

pytestmark = pytest.mark.django_db


def _pesel(serial: int) -> str:
    first_ten = f"800501{serial:04d}"  # born 1 May 1980; an even 10th digit: a woman
    return first_ten + str(pesel_check_digit(first_ten))


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    department = DepartmentFactory()
    survey = survey_with_questions(department=department, anonymous=False)
    clerk = UserFactory(is_staff=True)
    role_grant(user=clerk, role=Role.CLERK, acting_user=None, department=department)
    person = resident(4, pesel=_pesel(2), first_name="Anna", last_name="Kowalska")
    return survey, clerk, person


def test_lookup_by_pesel_is_a_post_and_never_echoes_the_number(client, setting):
    survey, clerk, person = setting
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    client.force_login(clerk)
    response = client.post(url, {"pesel": person.pesel, "lookup": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Anna K." in page
    assert person.pesel not in page
    assert person.pesel_masked in page
    assert 'name="resident"' in page
    assert not SurveyResponse.objects.exists()
    # a wrong or unknown number: a clear error on the field, nothing stored, not echoed
    for bad, message in (("12345678901", "Nieprawidłowy"), (_pesel(7), "Nie ma konta")):
        response = client.post(url, {"pesel": bad, "lookup": "1"})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert bad not in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_paper_response_for_a_looked_up_resident_blocks_their_online_answer(client, setting):
    survey, clerk, person = setting
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    client.force_login(clerk)
    lookup = client.post(url, {"pesel": person.pesel, "lookup": "1"})
    token = lookup.context["respondent_form"].initial["resident"]
    assert client.post(url, {**valid_answers(survey), "resident": token}).status_code == 302
    response = SurveyResponse.objects.get()
    assert response.respondent == person
    assert response.channel == "paper"
    assert response.entered_by == clerk
    assert response.district == District.objects.get(number=4)  # from the profile
    assert response.age_band
    assert response.sex == "F"
    # the resident tries online: refused, nothing more stored
    client.force_login(person)
    online = client.post(
        reverse("consultations:survey", args=[survey.public_id]), valid_answers(survey)
    )
    assert online.status_code == 400
    assert SurveyResponse.objects.count() == 1
    assert SurveyParticipation.objects.filter(survey=survey, user=person).count() == 1


def test_online_first_then_paper_by_pesel_is_refused(client, setting):
    survey, clerk, person = setting
    actions.survey_respond(survey=survey, user=person, raw_answers=valid_answers(survey))
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    client.force_login(clerk)
    response = client.post(url, {**valid_answers(survey), "pesel": person.pesel})
    assert response.status_code == 400
    assert "już odpowiedziała" in response.content.decode()
    assert person.pesel not in response.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_tampered_resident_reference_is_refused(client, setting):
    survey, clerk, _person = setting
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    client.force_login(clerk)
    response = client.post(url, {**valid_answers(survey), "resident": "x:forged"})
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_without_an_account_the_weighting_cell_is_required(client, setting):
    survey, clerk, _person = setting
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    client.force_login(clerk)
    response = client.post(url, valid_answers(survey))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_paper_for_a_district_only_survey_from_another_district_is_refused(client, setting):
    survey, clerk, person = setting
    survey.districts.set([District.objects.get(number=1)])
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    client.force_login(clerk)
    response = client.post(url, {**valid_answers(survey), "pesel": person.pesel})
    assert response.status_code == 400
    data = {**valid_answers(survey), "district": District.objects.get(number=2).pk}
    response = client.post(url, {**data, "age_band": "65+", "sex": "M"})
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_the_database_keeps_one_participation_per_person(setting):
    survey, _clerk, person = setting
    SurveyParticipation.objects.create(survey=survey, user=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyParticipation.objects.create(survey=survey, user=person)
