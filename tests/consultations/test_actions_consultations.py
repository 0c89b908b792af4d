from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations import actions
from consultations.models import Consultation, Meeting, MeetingRegistration, Opinion
from districts.models import District
from tests.accounts.factories import UserFactory
from tests.consultations.factories import (
    ConsultationFactory,
    DepartmentFactory,
    MeetingFactory,
    OpinionFactory,
    resident,
)

pytestmark = pytest.mark.django_db


def _create(clerk, **overrides):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    kwargs = dict(
        acting_user=clerk,
        department=DepartmentFactory(),
        title="Nowy park",
        summary="Park na Zabłociu",
        topic="greenery",
        announced_on=today,
        starts_on=today + timedelta(days=14),
        ends_on=today + timedelta(days=14 + 34),
        report_due_on=today + timedelta(days=90),
        residents_affected=40000,
        cost_pln=Decimal("12000000"),
        reversibility="irreversible",
        conflict="high",
        forms=["online_survey", "paper_survey", "meeting", "workshop", "study_walk"],
        channels=["online", "paper", "assisted"],
    )
    kwargs.update(overrides)
    return actions.consultation_create(**kwargs)


def test_creating_a_consultation_stores_the_methodology_decision_and_history(staff_user):
    consultation = _create(staff_user)
    assert consultation.published_at is None
    assert consultation.decision["required"] is True
    assert consultation.decision["duration_days"] >= 21
    assert consultation.decision["reasons"], "the fired rules are stored with the decision"
    assert consultation.history.first().history_user == staff_user


def test_publishing_a_plan_that_breaks_the_minimums_is_refused_with_the_reason(staff_user):
    today = timezone.localdate()
    consultation = _create(
        staff_user,
        announced_on=today,
        starts_on=today + timedelta(days=2),
        ends_on=today + timedelta(days=10),
        forms=["online_survey"],
        channels=["online"],
    )
    with pytest.raises(ValidationError) as excinfo:
        actions.consultation_publish(consultation=consultation, acting_user=staff_user)
    codes = {error.code for error in excinfo.value.error_list}
    assert {"announcement_too_short", "duration_too_short", "too_few_forms"} <= codes
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_publishing_a_plan_within_the_minimums_succeeds(staff_user):
    consultation = _create(staff_user)
    decision = consultation.decision
    today = timezone.localdate()
    consultation.starts_on = today + timedelta(days=decision["announcement_days"])
    consultation.ends_on = consultation.starts_on + timedelta(days=decision["duration_days"])
    consultation.report_due_on = consultation.ends_on + timedelta(days=30)
    consultation.forms = sorted(set(consultation.forms) | set(decision["forms"]))
    consultation.save()
    actions.consultation_publish(consultation=consultation, acting_user=staff_user)
    consultation.refresh_from_db()
    assert consultation.published_at is not None
    assert consultation.history.first().history_user == staff_user


def test_district_consultation_without_districts_is_rejected(staff_user):
    with pytest.raises(ValidationError):
        _create(staff_user, city_wide=False)
    assert not Consultation.objects.exists()


def test_phase_dates_out_of_order_are_rejected_by_the_database(staff_user):
    consultation = _create(staff_user)
    consultation.ends_on = consultation.starts_on - timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        consultation.save()


def test_phases_follow_the_dates():
    today = timezone.localdate()
    consultation = ConsultationFactory.build(
        announced_on=today - timedelta(days=30),
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=1),
        published_at=timezone.now(),
    )
    assert consultation.phase(today) == "collecting"
    assert consultation.phase(today - timedelta(days=25)) == "announced"
    assert consultation.phase(today + timedelta(days=2)) == "analysis"
    consultation.published_at = None
    assert consultation.phase(today) is None


def test_report_published_after_close_only(staff_user):
    consultation = ConsultationFactory()
    with pytest.raises(ValidationError):
        actions.consultation_report_publish(
            consultation=consultation, report="Wnioski", acting_user=staff_user
        )
    today = timezone.localdate()
    closed = ConsultationFactory(
        announced_on=today - timedelta(days=60),
        starts_on=today - timedelta(days=50),
        ends_on=today - timedelta(days=5),
        report_due_on=today + timedelta(days=5),
    )
    actions.consultation_report_publish(
        consultation=closed, report="Wnioski", acting_user=staff_user
    )
    assert closed.phase() == "reported"


# Opinions ------------------------------------------------------------------------------------


def _email_verified(user):  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return type(user).objects.get(pk=user.pk)  # a fresh object: the level is cached per instance


def test_opinion_needs_a_confirmed_email_and_an_open_consultation(user):
    consultation = ConsultationFactory()
    with pytest.raises(ValidationError):
        actions.opinion_submit(consultation=consultation, author=user, body="Bardzo dobry pomysł!")
    user = _email_verified(user)
    opinion = actions.opinion_submit(
        consultation=consultation, author=user, body="Bardzo dobry pomysł!"
    )
    assert opinion.history.first().history_user == user
    today = timezone.localdate()
    closed = ConsultationFactory(
        announced_on=today - timedelta(days=60),
        starts_on=today - timedelta(days=50),
        ends_on=today - timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        actions.opinion_submit(consultation=closed, author=user, body="Za późno, ale jednak.")
    assert Opinion.objects.count() == 1


def test_reporting_twice_is_refused_and_hiding_needs_a_reason(user, staff_user):
    opinion = OpinionFactory()
    actions.opinion_report(opinion=opinion, reporter=user, reason="obraźliwa")
    with pytest.raises(ValidationError):
        actions.opinion_report(opinion=opinion, reporter=user, reason="obraźliwa")
    assert opinion.reports.count() == 1
    with pytest.raises(ValidationError):
        actions.opinion_hide(opinion=opinion, reason="  ", acting_user=staff_user)
    actions.opinion_hide(opinion=opinion, reason="Narusza regulamin", acting_user=staff_user)
    opinion.refresh_from_db()
    assert opinion.hidden_reason == "Narusza regulamin"
    assert opinion.history.first().history_user == staff_user


def test_hidden_opinion_without_reason_is_rejected_by_the_database():
    opinion = OpinionFactory()
    opinion.hidden_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        opinion.save()


# Meetings ------------------------------------------------------------------------------------


def test_meeting_registration_respects_capacity_and_uniqueness():
    meeting = MeetingFactory(capacity=2)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    actions.meeting_register(meeting=meeting, user=first)
    with pytest.raises(ValidationError):
        actions.meeting_register(meeting=meeting, user=first)
    actions.meeting_register(meeting=meeting, user=second)
    with pytest.raises(ValidationError) as excinfo:
        actions.meeting_register(meeting=meeting, user=third)
    assert excinfo.value.code == "full"
    meeting.refresh_from_db()
    assert meeting.registered_count == 2
    assert MeetingRegistration.objects.filter(meeting=meeting).count() == 2
    actions.meeting_unregister(meeting=meeting, user=first)
    actions.meeting_register(meeting=meeting, user=third)
    meeting.refresh_from_db()
    assert meeting.registered_count == 2


def test_capacity_is_enforced_by_the_database():
    meeting = MeetingFactory(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(registered_count=2)


def test_district_resident_fixture_is_verified():
    person = resident(3)
    assert person.district == District.objects.get(number=3)
