"""Consultation and survey pages for the axe harness (tests/accessibility)."""

from datetime import timedelta

from django.utils import timezone


def pages() -> list[str]:
    from consultations import actions
    from tests.consultations.factories import (
        ConsultationFactory,
        MeetingFactory,
        OpinionFactory,
        population,
        resident,
        survey_with_questions,
        valid_answers,
    )

    today = timezone.localdate()
    consultation = ConsultationFactory(title="Zielony plac (a11y)")
    OpinionFactory(consultation=consultation)
    meeting = MeetingFactory(consultation=consultation)
    closed = ConsultationFactory(
        title="Zamknięte (a11y)",
        announced_on=today - timedelta(days=90),
        starts_on=today - timedelta(days=80),
        ends_on=today - timedelta(days=40),
        report_due_on=today,
        report="Wnioski z konsultacji.",
        report_published_at=timezone.now(),
    )
    population(timezone.now().year)
    survey = survey_with_questions(consultation=consultation)
    for n in range(3):
        actions.survey_respond(
            survey=survey, user=resident(n + 1), raw_answers=valid_answers(survey)
        )
    actions.survey_aggregate_compute(survey_id=survey.pk)
    # a weighting that cannot converge (its warning box) and the flagged-groups table
    lopsided = survey_with_questions(consultation=consultation, title="Niezbieżna (a11y)")
    actions.survey_respond(
        survey=lopsided, user=resident(1, sex="F"), raw_answers=valid_answers(lopsided)
    )
    actions.survey_respond(
        survey=lopsided, user=resident(2, sex="M"), raw_answers=valid_answers(lopsided)
    )
    actions.survey_aggregate_compute(survey_id=lopsided.pk)
    # the unsubscribe page a digest links to
    from accounts.models import NotificationPreference
    from consultations.models import DigestDelivery
    from tests.accounts.factories import UserFactory

    subscriber = UserFactory()
    NotificationPreference.objects.create(user=subscriber, topics=["consultations"])
    delivery = DigestDelivery.objects.create(
        user=subscriber, frequency="weekly", period_start=today
    )
    token = actions.digest_unsubscribe_token(delivery=delivery)
    return [
        "/konsultacje/",
        "/konsultacje/?topic=greenery&status=collecting",
        "/konsultacje/archiwum/",
        f"/konsultacje/{consultation.public_id}/",
        f"/konsultacje/{closed.public_id}/raport/",
        f"/konsultacje/spotkania/{meeting.public_id}/",
        "/konsultacje/ankiety/",
        f"/konsultacje/ankiety/{survey.public_id}/",
        f"/konsultacje/ankiety/{survey.public_id}/wyniki/",
        "/konsultacje/jak-konsultujemy/",
        "/konsultacje/satysfakcja/",
        f"/konsultacje/ankiety/{lopsided.public_id}/wyniki/",
        f"/konsultacje/wypisz/{token}/",
        "/konsultacje/wypisz/niewazny-link/",
    ]
