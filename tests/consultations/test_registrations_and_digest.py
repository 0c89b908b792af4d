from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import NotificationPreference
from accounts.registry import dashboard_panels, gdpr_contributors
from consultations import actions, selectors
from consultations.models import (
    Consultation,
    DigestDelivery,
    ImprovementAction,
    Survey,
    SurveyAggregate,
)
from districts.models import District
from opendata.registry import registered_dataset
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


def _subscriber(*, district_number=None, frequency="weekly", topics=("consultations",)):  # type: ignore[no-untyped-def]
    user = UserFactory()
    pref = NotificationPreference.objects.create(
        user=user, topics=list(topics), digest_frequency=frequency
    )
    if district_number:
        pref.districts.set([District.objects.get(number=district_number)])
    return user


def test_digest_goes_once_per_subscriber_and_period():
    today = timezone.localdate()
    period_start = today - timedelta(days=7)
    local = ConsultationFactory(
        title="Lokalna w Bieżanowie",
        city_wide=False,
        announced_on=period_start + timedelta(days=1),
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=40),
        report_due_on=today + timedelta(days=80),
    )
    local.districts.set([District.objects.get(number=12)])
    ConsultationFactory(title="Stara", announced_on=today - timedelta(days=60))
    here = _subscriber(district_number=12)
    elsewhere = _subscriber(district_number=3)
    _subscriber(topics=("budget",))
    _subscriber(frequency="daily")
    sent = actions.digest_send(frequency="weekly", period_start=period_start)
    assert sent == 1
    assert [m.to for m in mail.outbox] == [[here.email]]
    assert "Lokalna w Bieżanowie" in mail.outbox[0].body
    assert "Stara" not in mail.outbox[0].body
    # a rerun sends nothing again
    assert actions.digest_send(frequency="weekly", period_start=period_start) == 0
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.filter(user=elsewhere).count() == 0


def test_dashboard_panel_shows_open_consultations_and_my_meetings():
    person = resident(4)
    consultation = ConsultationFactory()
    meeting = MeetingFactory(consultation=consultation)
    actions.meeting_register(meeting=meeting, user=person)
    panel = next(p for p in dashboard_panels() if p.key == "consultations")
    context = panel.context(person)
    assert context is not None
    assert consultation in context["open_consultations"]
    assert meeting in context["meetings"]


def test_gdpr_export_contains_own_data_only_and_erase_unlinks():
    person, other = resident(1), resident(1)
    OpinionFactory(author=person, body="Moja opinia o parku")
    OpinionFactory(author=other, body="Cudza opinia")
    named = survey_with_questions(anonymous=False)
    actions.survey_respond(survey=named, user=person, raw_answers=valid_answers(named))
    contributor = next(c for c in gdpr_contributors() if c.key == "consultations")
    data = contributor.export(person)
    assert [o["body"] for o in data["opinions"]] == ["Moja opinia o parku"]
    assert data["surveys_answered"] == [named.title]
    assert len(data["survey_responses"]) == 1
    assert contributor.erase is not None
    contributor.erase(person)
    assert contributor.export(person)["survey_responses"] == []


def test_open_data_lists_closed_consultations_results_only(staff_user):
    population(timezone.now().year)
    today = timezone.localdate()
    closed = ConsultationFactory(
        announced_on=today - timedelta(days=90),
        starts_on=today - timedelta(days=80),
        ends_on=today - timedelta(days=1),
    )
    open_survey = survey_with_questions()
    closed_survey = survey_with_questions(consultation=closed)
    for survey in (open_survey, closed_survey):
        Survey.objects.filter(pk=survey.pk).update(closed_at=None)
        actions.survey_record_paper(
            survey=survey,
            acting_user=staff_user,
            raw_answers=valid_answers(survey),
            district=District.objects.get(number=1),
            band="25-34",
            sex="F",
        )
        actions.survey_aggregate_compute(survey_id=survey.pk)
    dataset = registered_dataset("wyniki-konsultacji")
    assert dataset is not None
    rows = list(dataset.rows())
    assert rows
    assert {r["survey"] for r in rows} == {closed_survey.title}
    assert {f.name for f in dataset.fields} == set(rows[0])


def _satisfaction(year: int, department, ratings: list[int], staff_user):  # type: ignore[no-untyped-def]
    tz = timezone.get_current_timezone()
    survey = survey_with_questions(
        consultation=None,
        purpose="satisfaction",
        department=department,
        opens_at=datetime(year, 3, 1, tzinfo=tz),
        closes_at=datetime(year, 3, 31, tzinfo=tz),
    )
    question = survey.questions.get(kind="rating")
    survey.index_question = question
    survey.save()
    for rating in ratings:
        answers = valid_answers(survey)
        answers[question.key] = str(rating)
        actions.survey_record_paper(
            survey=survey,
            acting_user=staff_user,
            raw_answers=answers,
            district=District.objects.get(number=1),
            band="25-34",
            sex="F",
        )
    actions.survey_aggregate_compute(survey_id=survey.pk)
    assert SurveyAggregate.objects.get(survey=survey).status == "done"
    return survey


def test_satisfaction_index_per_year_and_rule(staff_user, client):
    for year in (2024, 2025):
        population(year)
    department = DepartmentFactory()
    _satisfaction(2024, department, [8, 8, 6, 6], staff_user)  # mean 7 → 70
    _satisfaction(2025, department, [6, 6, 7, 5], staff_user)  # mean 6 → 60
    ImprovementAction.objects.create(
        year=2025, department=department, finding="Kolejki", action="Rezerwacje", owner="Kierownik"
    )
    years = selectors.satisfaction_index()
    assert [y.year for y in years] == [2024, 2025]
    assert years[0].overall.value == pytest.approx(70.0)
    assert years[1].overall.value == pytest.approx(60.0)
    assert years[0].rule_met is None
    assert years[1].rule_met is False
    assert years[1].overall.ci_low < 60.0 < years[1].overall.ci_high
    page = client.get("/konsultacje/satysfakcja/").content.decode()
    assert "wymagane działania naprawcze" in page
    assert "Rezerwacje" in page


def test_demo_seed_is_idempotent_and_labelled(settings):
    from consultations import demo

    demo.seed(log=lambda _line: None)
    counts = (Consultation.objects.count(), Survey.objects.count())
    demo.seed(log=lambda _line: None)
    assert (Consultation.objects.count(), Survey.objects.count()) == counts
    assert all("DEMO" in title for title in Survey.objects.values_list("title", flat=True))
    assert SurveyAggregate.objects.filter(status="done").count() == 3
