"""In a real browser: both shipped services filled and submitted with the keyboard only, and axe
on every form page, empty and with errors shown, in Polish and English."""

from typing import Any

import pytest

from services.actions import services_load_reference
from services.models import Case
from tests.accessibility.browser import axe_violations, describe, sign_in
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORMS = ["sterylizacja-kastracja-czipowanie", "mieszkanie-za-remont", "pismo-ogolne"]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    services_load_reference()
    user = UserFactory()
    context = browser.new_context()
    sign_in(context, live_server, user)
    page = context.new_page()
    page.user = user
    yield page
    context.close()


def _tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} never received the keyboard focus")


def _type(page: Any, name: str, text: str) -> None:
    _tab_to(page, f'[name="{name}"]')
    page.keyboard.type(text)


def _tick(page: Any, selector: str) -> None:
    _tab_to(page, selector)
    page.keyboard.press("Space")


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("slug", FORMS)
def test_form_pages_have_no_axe_violations_empty_and_with_errors(
    page: Any, live_server: Any, slug: str, language: str
) -> None:
    prefix = "" if language == "pl" else "/en"
    page.goto(f"{live_server.url}{prefix}/e-uslugi/{slug}/wniosek/")
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.locator('button[value="submit"]').click()
    page.wait_for_selector(".error-summary")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert Case.objects.count() == 0


def test_animal_service_submitted_with_the_keyboard_only(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/e-uslugi/sterylizacja-kastracja-czipowanie/wniosek/")
    _type(page, "f-owner-first_name", "Anna")
    _type(page, "f-owner-last_name", "Nowak")
    _type(page, "f-owner-pesel", "44051401359")
    _type(page, "f-owner-address", "ul. Floriańska 1/2")
    _type(page, "f-owner-postal_code", "31-019")
    _type(page, "f-owner-email", "anna@example.org")
    # radio groups: Tab reaches the group, the arrow keys choose
    _tab_to(page, "#id_f-animal-species_0")
    page.keyboard.press("Space")
    _tab_to(page, "#id_f-animal-sex_0")
    page.keyboard.press("ArrowDown")
    _type(page, "f-animal-age_years", "4")
    # ticking "has a chip" reveals the chip number field (conditional, via the local script)
    assert page.locator('[name="f-animal-chip_number"]').is_hidden()
    _tick(page, '[name="f-animal-has_chip"]')
    assert page.locator('[name="f-animal-chip_number"]').is_visible()
    _type(page, "f-animal-chip_number", "616093900012345")
    _tab_to(page, '[name="f-animal-clinic"]')
    page.keyboard.press("ArrowDown")
    _tick(page, '[name="f-declarations-resident"]')
    _tab_to(page, 'button[value="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/e-uslugi/sprawy/**")
    case = Case.objects.get()
    assert case.applicant == page.user
    assert case.data["animal"]["species"] == "cat"
    assert case.data["animal"]["sex"] == "male"
    assert case.data["animal"]["chip_number"] == "616093900012345"
    assert case.number in page.content()


def test_flat_service_submitted_with_the_keyboard_only(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/e-uslugi/mieszkanie-za-remont/wniosek/")
    _type(page, "f-applicant-first_name", "Jan")
    _type(page, "f-applicant-last_name", "Kowalski")
    _type(page, "f-applicant-pesel", "44051401359")
    _type(page, "f-applicant-address", "ul. Długa 1")
    _type(page, "f-applicant-postal_code", "31-147")
    _type(page, "f-applicant-email", "jan@example.org")
    # add one household member with the no-JavaScript "add" button (the page reloads)
    _tab_to(page, 'button[value="add:household"]')
    page.keyboard.press("Enter")
    page.wait_for_selector('[name="f-household-0-name"]')
    page.locator("body").focus()
    _type(page, "f-household-0-name", "Ewa Kowalska")
    _tab_to(page, "#id_f-household-0-relation_0")
    page.keyboard.press("Space")
    _type(page, "f-household-0-birth_date", "01011980")  # same in d/m and m/d order
    _type(page, "f-income-monthly_income", "4200")
    _type(page, "f-income-persons", "2")
    _tab_to(page, '[name="f-flat-choice"]')
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    _tick(page, '[name="f-declarations-no_other_flat"]')
    _tick(page, '[name="f-declarations-renovate_own_cost"]')
    _tick(page, '[name="f-declarations-truthful"]')
    _tab_to(page, 'button[value="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/e-uslugi/sprawy/**")
    case = Case.objects.get()
    assert case.data["household"][0]["name"] == "Ewa Kowalska"
    assert case.data["household"][0]["relation"] == "spouse"
    assert case.data["household"][0]["birth_date"] == "1980-01-01"
    assert case.data["flat"]["choice"] == "oferta-2"
    assert case.number.startswith("MS/")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_resident_pages_have_no_axe_violations(page: Any, live_server: Any, language: str) -> None:
    from services.actions import case_message_send, tax_records_load
    from services.models import Service
    from services.selectors import service_definition
    from tests.services.test_actions_cases import _submit

    service = Service.objects.get(slug="sterylizacja-kastracja-czipowanie")
    assert service_definition(service=service) is not None
    case = _submit(service, page.user)
    case_message_send(case=case, body="Dzień dobry", acting_user=page.user)
    tax_records_load(
        payload={
            "accounts": [{"id": "FK-1", "resident": page.user.public_id}],
            "liabilities": [
                {
                    "id": "L-1",
                    "account": "FK-1",
                    "kind": "dog",
                    "year": 2026,
                    "instalments": [{"number": 1, "due_date": "2026-03-15", "amount": "25.00"}],
                }
            ],
            "payments": [],
        },
        acting_user=page.user,
    )
    prefix = "" if language == "pl" else "/en"
    failures = []
    for path in [
        "/e-uslugi/moje-sprawy/",
        f"/e-uslugi/sprawy/{case.public_id}/",
        "/e-uslugi/podatki/",
    ]:
        page.goto(f"{live_server.url}{prefix}{path}")
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}: {describe(violations)}")
    # the message form with its error shown
    page.goto(f"{live_server.url}{prefix}/e-uslugi/sprawy/{case.public_id}/")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector(".error-summary")
    violations = axe_violations(page)
    if violations:
        failures.append(f"message error: {describe(violations)}")
    assert failures == [], "\n".join(failures)
