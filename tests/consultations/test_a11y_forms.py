"""Axe on the consultation forms as a signed-in resident sees them, with errors shown (pl, en)."""

import pytest
from django.test import Client

from tests.accessibility.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):  # type: ignore[no-untyped-def]
    from districts.actions import districts_load_reference

    districts_load_reference()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_survey_and_opinion_forms_with_errors_have_no_axe_violations(browser, live_server, prefix):  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    from tests.consultations.factories import ConsultationFactory, resident, survey_with_questions

    person = resident(1)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    consultation = ConsultationFactory()
    survey = survey_with_questions(consultation=consultation)
    client = Client()
    client.force_login(person)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    failures = []
    try:
        # the survey, submitted empty: every required question shows its error
        page.goto(f"{live_server.url}{prefix}/konsultacje/ankiety/{survey.public_id}/")
        page.get_by_role("button").last.click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1
        assert page.locator(".field-error").count() == 5
        violations = axe_violations(page)
        if violations:
            failures.append(f"survey with errors:\n{describe(violations)}")
        # the opinion form, with a too-short opinion
        page.goto(f"{live_server.url}{prefix}/konsultacje/{consultation.public_id}/")
        page.fill("textarea[name=body]", "krótko")
        page.locator("form:has(textarea[name=body]) button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("textarea[aria-invalid=true]").count() == 1
        violations = axe_violations(page)
        if violations:
            failures.append(f"opinion with errors:\n{describe(violations)}")
    finally:
        context.close()
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_paper_entry_with_lookup_and_errors_has_no_axe_violations(browser, live_server, prefix):  # type: ignore[no-untyped-def]
    from accounts.actions import role_grant
    from accounts.models import Role
    from accounts.validators import pesel_check_digit
    from tests.accounts.factories import UserFactory
    from tests.consultations.factories import DepartmentFactory, resident, survey_with_questions

    department = DepartmentFactory()
    survey = survey_with_questions(department=department)
    clerk = UserFactory(is_staff=True)
    role_grant(user=clerk, role=Role.CLERK, acting_user=None, department=department)
    pesel = "8005010002"
    pesel += str(pesel_check_digit(pesel))
    resident(3, pesel=pesel)
    client = Client()
    client.force_login(clerk)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    failures = []
    try:
        page.goto(f"{live_server.url}{prefix}/konsultacje/ankiety/{survey.public_id}/papierowa/")
        # submitted empty: the respondent fields and every required question show their error
        page.get_by_role("button").last.click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1
        violations = axe_violations(page)
        if violations:
            failures.append(f"paper entry with errors:\n{describe(violations)}")
        # the lookup by PESEL: the person found, the number not shown
        page.fill("input[name=pesel]", pesel)
        page.locator("button[name=lookup]").click()
        page.wait_for_load_state()
        assert page.locator("input[name=resident]").count() == 1
        assert pesel not in page.content()
        violations = axe_violations(page)
        if violations:
            failures.append(f"paper entry after lookup:\n{describe(violations)}")
    finally:
        context.close()
    assert failures == [], "\n".join(failures)
