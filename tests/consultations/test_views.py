from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.actions import role_grant
from accounts.models import Role
from consultations import actions
from consultations.models import (
    MeetingRegistration,
    Opinion,
    OpinionReport,
    SurveyParticipation,
    SurveyResponse,
)
from districts.models import District
from tests.accounts.factories import UserFactory
from tests.consultations.factories import (
    ConsultationFactory,
    DepartmentFactory,
    MeetingFactory,
    OpinionFactory,
    population,
    resident,
    survey_with_questions,
    valid_answers,
)

pytestmark = pytest.mark.django_db


def _verified_email(user):  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


# Public pages ------------------------------------------------------------------------------


def test_index_lists_published_consultations_with_filters(client):
    green = ConsultationFactory(title="Zielony plac", topic="greenery")
    ConsultationFactory(title="Nowa linia tramwajowa", topic="transport")
    ConsultationFactory(title="Szkic", published_at=None)
    local = ConsultationFactory(title="Park w Nowej Hucie", city_wide=False)
    local.districts.set([District.objects.get(number=18)])
    page = client.get(reverse("consultations:index")).content.decode()
    assert "Zielony plac" in page
    assert "Nowa linia" in page
    assert "Szkic" not in page
    page = client.get(reverse("consultations:index"), {"topic": "greenery"}).content.decode()
    assert green.title in page
    assert "Nowa linia" not in page
    district_5 = District.objects.get(number=5).pk
    page = client.get(reverse("consultations:index"), {"district": district_5}).content.decode()
    assert "Park w Nowej Hucie" not in page
    assert green.title in page
    page = client.get(reverse("consultations:index"), {"status": "announced"}).content.decode()
    assert green.title not in page


def test_bad_filter_values_do_not_fail(client):
    response = client.get(reverse("consultations:index"), {"district": "abc", "status": "x"})
    assert response.status_code == 200


def test_index_query_count_is_bounded(client, django_assert_max_num_queries):
    for n in range(15):
        c = ConsultationFactory()
        if n % 2:
            c.city_wide = False
            c.save()
            c.districts.set(District.objects.filter(number__in=[1, 2]))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("consultations:index")).status_code == 200


def test_survey_index_query_count_is_bounded(client, django_assert_max_num_queries):
    for _ in range(10):
        survey_with_questions().districts.set(District.objects.filter(number__in=[1, 2]))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("consultations:surveys")).status_code == 200


def test_archive_lists_closed_consultations_only(client):
    today = timezone.localdate()
    ConsultationFactory(title="Otwarte teraz")
    ConsultationFactory(
        title="Zamknięte",
        announced_on=today - timedelta(days=90),
        starts_on=today - timedelta(days=80),
        ends_on=today - timedelta(days=40),
    )
    page = client.get(reverse("consultations:archive")).content.decode()
    assert "Zamknięte" in page
    assert "Otwarte teraz" not in page


def test_detail_shows_visible_opinions_only_and_drafts_are_404(client, staff_user):
    consultation = ConsultationFactory()
    OpinionFactory(consultation=consultation, body="Widoczna opinia o placu")
    hidden = OpinionFactory(consultation=consultation, body="Ukryta obraźliwa treść")
    actions.opinion_hide(opinion=hidden, reason="regulamin", acting_user=staff_user)
    page = client.get(reverse("consultations:detail", args=[consultation.public_id]))
    assert "Widoczna opinia" in page.content.decode()
    assert "Ukryta" not in page.content.decode()
    draft = ConsultationFactory(published_at=None)
    assert client.get(reverse("consultations:detail", args=[draft.public_id])).status_code == 404
    assert client.get("/konsultacje/nie-uuid/").status_code == 404


def test_how_we_consult_and_satisfaction_pages_render(client):
    assert "CXI/2904/18" in client.get(reverse("consultations:how-we-consult")).content.decode()
    assert client.get(reverse("consultations:satisfaction")).status_code == 200


def test_feeds_and_calendars(client):
    consultation = ConsultationFactory(title="Konsultacje w kanale")
    meeting = MeetingFactory(consultation=consultation)
    assert "Konsultacje w kanale" in client.get(reverse("consultations:feed-rss")).content.decode()
    assert "<feed" in client.get(reverse("consultations:feed-atom")).content.decode()
    ics = client.get(reverse("consultations:meeting-ical", args=[meeting.public_id]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    assert str(meeting.public_id).encode() in ics.content
    assert b"BEGIN:VEVENT" in client.get(reverse("consultations:ical")).content
    assert b"BEGIN:VEVENT" in client.get(reverse("consultations:meetings-ical")).content


def test_report_page_and_pdf(client, staff_user):
    today = timezone.localdate()
    consultation = ConsultationFactory(
        announced_on=today - timedelta(days=90),
        starts_on=today - timedelta(days=80),
        ends_on=today - timedelta(days=40),
        report_due_on=today,
    )
    assert (
        client.get(reverse("consultations:report", args=[consultation.public_id])).status_code
        == 404
    )
    actions.consultation_report_publish(
        consultation=consultation, report="Mieszkańcy chcą drzew.", acting_user=staff_user
    )
    assert (
        "chcą drzew"
        in client.get(
            reverse("consultations:report", args=[consultation.public_id])
        ).content.decode()
    )
    pdf = client.get(reverse("consultations:report-pdf", args=[consultation.public_id]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


# Opinions: who may post ---------------------------------------------------------------------


def test_opinion_matrix(client):
    consultation = ConsultationFactory()
    url = reverse("consultations:detail", args=[consultation.public_id])
    body = {"body": "Proszę o więcej zieleni na placu."}
    # anonymous → login, nothing stored
    assert client.post(url, body).status_code == 302
    assert not Opinion.objects.exists()
    # unverified account → clear error, nothing stored
    client.force_login(UserFactory())
    response = client.post(url, body)
    assert response.status_code == 400
    assert "potwierdzonym" in response.content.decode()
    assert not Opinion.objects.exists()
    # too short → error, nothing stored
    client.force_login(_verified_email(UserFactory()))
    response = client.post(url, {"body": "krótko"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Opinion.objects.exists()
    assert client.post(url, body).status_code == 302
    assert Opinion.objects.count() == 1


def test_report_opinion_needs_login_and_only_once(client):
    opinion = OpinionFactory()
    url = reverse("consultations:opinion-report", args=[opinion.pk])
    assert client.post(url, {"reason": "spam"}).status_code == 302
    assert not OpinionReport.objects.exists()
    client.force_login(UserFactory())
    client.post(url, {"reason": "spam"})
    client.post(url, {"reason": "spam"})
    assert OpinionReport.objects.count() == 1
    assert client.get(url).status_code == 405


# Meetings ---------------------------------------------------------------------------------


def test_meeting_registration_matrix(client):
    meeting = MeetingFactory(capacity=1)
    url = reverse("consultations:meeting-register", args=[meeting.public_id])
    assert client.post(url).status_code == 302
    assert not MeetingRegistration.objects.exists()
    first = UserFactory()
    client.force_login(first)
    client.post(url)
    client.force_login(UserFactory())
    response = client.post(url, follow=True)
    assert "Brak wolnych miejsc" in response.content.decode()
    assert MeetingRegistration.objects.count() == 1
    client.force_login(first)
    client.post(url, {"cancel": "1"})
    assert not MeetingRegistration.objects.exists()


# Surveys ----------------------------------------------------------------------------------


def test_survey_answer_matrix(client):
    survey = survey_with_questions()
    survey.districts.set([District.objects.get(number=1)])
    url = reverse("consultations:survey", args=[survey.public_id])
    answers = valid_answers(survey)

    def stored() -> int:
        return SurveyResponse.objects.count() + SurveyParticipation.objects.count()

    assert client.post(url, answers).status_code == 302  # anonymous → login
    client.force_login(UserFactory())  # not a verified resident
    assert client.post(url, answers).status_code == 400
    client.force_login(resident(2))  # another district's resident
    response = client.post(url, answers)
    assert response.status_code == 400
    assert "dzielnic" in response.content.decode()
    assert stored() == 0
    person = resident(1)
    client.force_login(person)
    bad = {**answers, survey.questions.get(kind="likert").key: "9"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert stored() == 0
    assert client.post(url, answers).status_code == 302
    assert client.post(url, answers).status_code == 400  # twice
    assert SurveyResponse.objects.count() == 1


def test_paper_entry_matrix(client):
    department = DepartmentFactory()
    survey = survey_with_questions(department=department)
    url = reverse("consultations:survey-paper", args=[survey.public_id])
    data = {**valid_answers(survey), "district": District.objects.get(number=3).pk}
    data.update(age_band="65+", sex="M")
    assert client.post(url, data).status_code == 302
    for outsider in (resident(1), UserFactory(is_staff=True)):
        client.force_login(outsider)
        assert client.post(url, data).status_code == 403
    other_clerk = UserFactory(is_staff=True)
    role_grant(
        user=other_clerk,
        role=Role.CLERK,
        acting_user=None,
        department=DepartmentFactory(code="inny", name="Inny wydział"),
    )
    client.force_login(other_clerk)
    assert client.post(url, data).status_code == 403
    council = UserFactory()
    role_grant(
        user=council,
        role=Role.COUNCIL_MEMBER,
        acting_user=None,
        district_id=District.objects.get(number=1).pk,
    )
    client.force_login(council)
    assert client.post(url, data).status_code == 403
    assert not SurveyResponse.objects.exists()
    clerk = UserFactory(is_staff=True)
    role_grant(user=clerk, role=Role.CLERK, acting_user=None, department=department)
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    response = SurveyResponse.objects.get()
    assert response.channel == "paper"
    assert response.entered_by == clerk
    assert response.age_band == "65+"


def test_results_page_and_csv(client, staff_user, django_capture_on_commit_callbacks):
    population(timezone.now().year)
    survey = survey_with_questions()
    for n in range(4):
        actions.survey_respond(
            survey=survey,
            user=resident(n + 1, sex="M" if n % 2 else "F"),
            raw_answers=valid_answers(survey),
        )
    url = reverse("consultations:survey-results", args=[survey.public_id])
    assert "nie są jeszcze dostępne" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actions.survey_close(survey=survey, acting_user=staff_user)
    page = client.get(url).content.decode()
    assert "Udział ważony" in page
    assert "<svg" in page
    assert "<table" in page
    csv_text = client.get(reverse("consultations:survey-csv", args=[survey.public_id])).content
    assert csv_text.decode().splitlines()[0].startswith("question,option,count")
    assert "Czy popierasz projekt?,tak,4" in csv_text.decode()
