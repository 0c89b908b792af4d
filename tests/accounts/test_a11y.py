"""Signed-in account pages (and forms showing errors) have no axe violations, in pl and en."""

from typing import Any

import pytest

from accounts.actions import assisted_resident_register, role_grant
from accounts.models import Role
from tests.accessibility.browser import axe_violations, describe
from tests.accessibility.browser import sign_in as _sign_in
from tests.accounts.factories import TrainingSessionFactory, UserFactory
from tests.accounts.helpers import PASSWORD, verified_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_IN_PAGES = [
    "/moje-konto/",
    "/moje-konto/profil/",
    "/moje-konto/powiadomienia/",
    "/moje-konto/tokeny-api/",
    "/moje-konto/szkolenia/",
    "/moje-konto/profil/pesel/",  # answers with allauth's re-authentication page
    "/konto/reauthenticate/",
    "/konto/email/",
    "/konto/password/change/",
    "/konto/2fa/",
    "/konto/sessions/",
    "/admin/login/",  # staff without MFA: how to turn it on
]
# (path, {field: bad value}) submitted in the browser so the page shows its errors.
ERROR_FORMS = [
    ("/moje-konto/profil/", {"#id_postal_code": "00-001", "#id_phone": "x"}),
    ("/moje-konto/tokeny-api/", {"#id_name": ""}),
    ("/moje-konto/powiadomienia/", {}),
    ("/konto/reauthenticate/", {"#id_password": "zle-haslo"}),
]
ASSISTANT_ERROR_FORMS = [("/moje-konto/asystent/nowy-mieszkaniec/", {"#id_first_name": "Józef"})]
PUBLIC_ERROR_FORMS = [
    ("/moje-konto/aktywuj/", {"#id_code": "ZLY", "#id_email": "x"}),
    ("/konto/login/", {"#id_login": "nikt@example.org", "#id_password": "zle-haslo-123"}),
    ("/konto/signup/", {"#id_email": "zly", "#id_password1": "krotkie"}),
]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db: Any) -> None:
    from districts.actions import districts_load_reference

    districts_load_reference()


@pytest.fixture
def context(browser: Any) -> Any:
    context = browser.new_context()
    yield context
    context.close()


def _check(page: Any, url: str, language: str, failures: list[str]) -> None:
    if page.locator("html").get_attribute("lang") != language:
        failures.append(f"{url}: <html lang> is not {language!r}")
    violations = axe_violations(page)
    if violations:
        failures.append(f"{url}:\n{describe(violations)}")


def _submit_with_errors(page: Any, fields: dict[str, str]) -> None:
    for selector, value in fields.items():
        page.fill(selector, value)
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_signed_in_account_pages_have_no_axe_violations(context, live_server, language):
    prefix = "" if language == "pl" else "/en"
    user = UserFactory(is_staff=True)
    verified_email(user)
    TrainingSessionFactory()
    _sign_in(context, live_server, user)
    page = context.new_page()
    failures: list[str] = []
    for path in SIGNED_IN_PAGES:
        page.goto(f"{live_server.url}{prefix}{path}")
        _check(page, path, language, failures)
    for path, fields in ERROR_FORMS:
        page.goto(f"{live_server.url}{prefix}{path}")
        _submit_with_errors(page, fields)
        _check(page, f"{path} (errors)", language, failures)
    # After re-authenticating, the MFA set-up page (and its error state).
    page.goto(f"{live_server.url}{prefix}/konto/reauthenticate/")
    _submit_with_errors(page, {"#id_password": PASSWORD})
    page.goto(f"{live_server.url}{prefix}/konto/2fa/totp/activate/")
    assert "/totp/activate/" in page.url
    _check(page, "/konto/2fa/totp/activate/", language, failures)
    _submit_with_errors(page, {"#id_code": "000000"})
    _check(page, "/konto/2fa/totp/activate/ (errors)", language, failures)
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_assistant_pages_have_no_axe_violations(context, live_server, language):
    prefix = "" if language == "pl" else "/en"
    assistant = UserFactory()
    role_grant(user=assistant, role=Role.ASSISTANT, acting_user=None)
    resident, _code = assisted_resident_register(
        assistant=assistant, first_name="Józef", last_name="Nowak", paper_consent=True
    )
    TrainingSessionFactory()
    _sign_in(context, live_server, assistant)
    page = context.new_page()
    failures: list[str] = []
    for path in [
        "/moje-konto/asystent/nowy-mieszkaniec/",
        f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/",
        f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/dane/",
    ]:
        page.goto(f"{live_server.url}{prefix}{path}")
        _check(page, path, language, failures)
    assistant_error_forms = [
        *ASSISTANT_ERROR_FORMS,
        (
            f"/moje-konto/asystent/mieszkaniec/{resident.public_id}/dane/",
            {"#id_postal_code": "00-001", "#id_pesel": "123"},
        ),
    ]
    for path, fields in assistant_error_forms:
        page.goto(f"{live_server.url}{prefix}{path}")
        _submit_with_errors(page, fields)
        _check(page, f"{path} (errors)", language, failures)
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_public_account_forms_with_errors_have_no_axe_violations(context, live_server, language):
    prefix = "" if language == "pl" else "/en"
    page = context.new_page()
    failures: list[str] = []
    for path, fields in PUBLIC_ERROR_FORMS:
        page.goto(f"{live_server.url}{prefix}{path}")
        _submit_with_errors(page, fields)
        _check(page, f"{path} (errors)", language, failures)
    assert failures == [], "\n".join(failures)
