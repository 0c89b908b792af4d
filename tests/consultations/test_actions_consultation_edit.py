"""Editing a consultation reruns the methodology (R-CON-2): the new decision and its reasons are
stored with history; a published consultation may not be edited below the new minimums, and a
draft edited below them cannot be published."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import actions
from consultations.admin import ConsultationAdminForm
from consultations.models import Consultation
from districts.models import District
from tests.consultations.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

BIG_MATTER = {
    "city_wide": True,
    "residents_affected": 40000,
    "cost_pln": Decimal("12000000"),
    "reversibility": "irreversible",
    "conflict": "high",
}


def _small(clerk):  # type: ignore[no-untyped-def]
    """A one-district matter with the minimum plan (inform level, 21 days, three forms)."""
    today = timezone.localdate()
    return actions.consultation_create(
        acting_user=clerk,
        department=DepartmentFactory(),
        title="Ławki na skwerze",
        summary="Gdzie postawić ławki?",
        topic="greenery",
        announced_on=today,
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=7 + 21),
        report_due_on=today + timedelta(days=60),
        residents_affected=500,
        city_wide=False,
        districts=[District.objects.get(number=1)],
        forms=["online_survey", "comments", "meeting"],
        channels=["online", "paper", "assisted"],
    )


def test_editing_the_matter_reruns_the_methodology_and_keeps_the_old_decision_in_history(
    staff_user, other_user
):
    consultation = _small(staff_user)
    assert consultation.decision["level"] == "inform"
    updated = actions.consultation_update(
        consultation=consultation, acting_user=other_user, **BIG_MATTER
    )
    updated.refresh_from_db()
    assert updated.decision["level"] == "co_decide"
    assert updated.decision["duration_days"] == 63
    assert len(updated.decision["reasons"]) > 3
    assert list(updated.districts.all()) == []  # city-wide now
    levels = [h.decision["level"] for h in updated.history.order_by("history_date", "history_id")]
    assert levels[0] == "inform"
    assert levels[-1] == "co_decide"
    assert updated.history.first().history_user == other_user


def test_a_draft_edited_below_its_new_minimums_is_saved_but_cannot_be_published(staff_user):
    consultation = _small(staff_user)
    actions.consultation_update(consultation=consultation, acting_user=staff_user, **BIG_MATTER)
    with pytest.raises(ValidationError) as refused:
        actions.consultation_publish(consultation=consultation, acting_user=staff_user)
    assert len(refused.value.messages) >= 2  # duration, forms, announcement…
    assert Consultation.objects.get(pk=consultation.pk).published_at is None


def test_a_published_consultation_cannot_be_edited_below_the_new_minimums(staff_user):
    consultation = _small(staff_user)
    actions.consultation_publish(consultation=consultation, acting_user=staff_user)
    before = Consultation.objects.get(pk=consultation.pk)
    history_count = before.history.count()
    with pytest.raises(ValidationError) as refused:
        actions.consultation_update(consultation=consultation, acting_user=staff_user, **BIG_MATTER)
    assert any("21" in m or "63" in m or "dni" in m for m in refused.value.messages)
    after = Consultation.objects.get(pk=consultation.pk)
    assert after.decision == before.decision
    assert after.residents_affected == 500
    assert after.history.count() == history_count
    # within the minimums a published consultation may be edited (the title, a longer period)
    actions.consultation_update(
        consultation=consultation,
        acting_user=staff_user,
        title="Ławki i drzewa",
        ends_on=before.ends_on + timedelta(days=3),
    )
    assert Consultation.objects.get(pk=consultation.pk).title == "Ławki i drzewa"


def test_bad_edits_are_refused_with_a_message_and_nothing_changes(staff_user):
    consultation = _small(staff_user)
    for changes in (
        {"city_wide": False, "districts_list": []},
        {"ends_on": consultation.starts_on - timedelta(days=1)},
        {"forms": ["no_such_form"]},
    ):
        districts = changes.pop("districts_list", None)
        with pytest.raises(ValidationError):
            actions.consultation_update(
                consultation=consultation,
                acting_user=staff_user,
                districts=districts,
                **changes,
            )
    fresh = Consultation.objects.get(pk=consultation.pk)
    assert fresh.ends_on == consultation.ends_on
    assert fresh.forms == ["online_survey", "comments", "meeting"]
    assert list(fresh.districts.values_list("number", flat=True)) == [1]
    with pytest.raises(TypeError):
        actions.consultation_update(
            consultation=consultation, acting_user=staff_user, published_at=None
        )


def _form_data(consultation: Consultation, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": consultation.title,
        "summary": consultation.summary,
        "description": "",
        "topic": consultation.topic,
        "department": consultation.department_id,
        "announced_on": consultation.announced_on,
        "starts_on": consultation.starts_on,
        "ends_on": consultation.ends_on,
        "report_due_on": consultation.report_due_on,
        "residents_affected": consultation.residents_affected,
        "cost_pln": consultation.cost_pln,
        "reversibility": consultation.reversibility,
        "conflict": consultation.conflict,
        "forms": consultation.forms,
        "channels": consultation.channels,
        "districts": [d.pk for d in consultation.districts.all()],
        "report": "",
    }
    data.update(overrides)
    return data


def test_admin_form_shows_the_methodology_refusal_instead_of_saving(staff_user):
    consultation = _small(staff_user)
    actions.consultation_publish(consultation=consultation, acting_user=staff_user)
    form = ConsultationAdminForm(
        data=_form_data(consultation, conflict="high", reversibility="irreversible",
                        residents_affected=40000, cost_pln="12000000"),
        instance=Consultation.objects.get(pk=consultation.pk),
    )  # fmt: skip
    assert not form.is_valid()
    assert form.non_field_errors()
    assert Consultation.objects.get(pk=consultation.pk).decision["level"] == "inform"
    ok = ConsultationAdminForm(
        data=_form_data(consultation, title="Nowy tytuł"),
        instance=Consultation.objects.get(pk=consultation.pk),
    )
    assert ok.is_valid(), ok.errors
    no_scope = ConsultationAdminForm(
        data=_form_data(consultation, districts=[]),
        instance=Consultation.objects.get(pk=consultation.pk),
    )
    assert not no_scope.is_valid()


def test_surveys_past_their_closing_time_are_closed_and_aggregated_once(
    django_capture_on_commit_callbacks,
):
    from consultations.models import Survey, SurveyAggregate
    from consultations.tasks import close_due_surveys_task
    from tests.consultations.factories import population, survey_with_questions

    population(timezone.now().year)
    due = survey_with_questions()
    open_one = survey_with_questions()
    Survey.objects.filter(pk=due.pk).update(
        opens_at=timezone.now() - timedelta(days=10), closes_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert close_due_surveys_task.apply().get() == 1
    assert Survey.objects.get(pk=due.pk).closed_at is not None
    assert Survey.objects.get(pk=open_one.pk).closed_at is None
    assert SurveyAggregate.objects.filter(survey=due).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert close_due_surveys_task.apply().get() == 0


def test_question_admin_form_refuses_bad_options_and_changes_after_answers(staff_user):
    from consultations.admin import QuestionAdminForm
    from tests.consultations.factories import resident, survey_with_questions, valid_answers

    survey = survey_with_questions()
    base = {"order": 9, "kind": "single", "required": True, "text": "Nowe?", "help_text": ""}
    for options in ('"tak"', '["tylko jedna"]', '["tak", ""]'):
        form = QuestionAdminForm(data={**base, "options": options})
        assert not form.is_valid()
        assert "options" in form.errors
    assert not QuestionAdminForm(
        data={**base, "kind": "likert", "options": '["a", "b"]'}
    ).is_valid()
    assert QuestionAdminForm(data={**base, "options": '["tak", "nie"]'}).is_valid()
    actions.survey_respond(survey=survey, user=resident(1), raw_answers=valid_answers(survey))
    question = survey.questions.get(kind="single")
    form = QuestionAdminForm(
        data={**base, "order": question.order, "options": '["inne", "nie"]'}, instance=question
    )
    assert not form.is_valid()
    assert form.non_field_errors()
