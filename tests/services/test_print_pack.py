"""One PDF with every print-only letter of a mailing, for the post room (issue #7)."""

from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Department
from services import actions
from services.models import Letter, LetterStatus, LetterTemplate, Mailing, MailingStatus
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import enable_totp, mfa_login
from tests.services.conftest import animal_post


@pytest.fixture
def template(reference: None) -> LetterTemplate:
    return LetterTemplate.objects.create(
        department=Department.objects.get(code="ks"),
        name="Informacja o sprawie",
        subject="Sprawa $numer_sprawy",
        body="Szanowna Pani / Szanowny Panie $imie_nazwisko,\n"
        + "Pani/Pana sprawa $numer_sprawy ($usluga) jest w toku.\n" * 60,
        signature="Wydział Kształtowania Środowiska",
    )


def _print_mailing(
    template: Any, clerk: Any, animal_service: Any, count: int, capture: Any
) -> Mailing:
    from services.formengine import DefinitionForm
    from services.selectors import service_definition

    definition = service_definition(service=animal_service)
    for _n in range(count):
        applicant = UserFactory()
        form = DefinitionForm(definition.schema, animal_post())
        assert form.is_valid(), form.errors
        actions.case_submit(
            service=animal_service,
            definition=definition,
            applicant=applicant,
            data=form.submission(),
            acting_user=applicant,
        )
    mailing = actions.mailing_create(
        template=template, source="department_cases", channel="print", acting_user=clerk
    )
    with capture(execute=True):
        actions.mailing_start(mailing=mailing, acting_user=clerk)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.FINISHED
    return mailing


def _pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def test_clerk_downloads_one_pdf_with_every_print_letter(
    client: Any,
    template: Any,
    clerk: Any,
    animal_service: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mailing = _print_mailing(template, clerk, animal_service, 3, django_capture_on_commit_callbacks)
    letters = list(mailing.letters.filter(status=LetterStatus.PRINT).order_by("pk"))
    assert len(letters) == 3
    expected = sum(_pages(actions.letter_pdf(letter)) for letter in letters)
    assert expected > 3  # the long body makes multi-page letters
    mfa_login(client, clerk, enable_totp(clerk))
    progress = client.get(reverse("admin:services_mailing_progress", args=[mailing.pk]))
    url = reverse("admin:services_mailing_print_pack", args=[mailing.pk])
    assert url in progress.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content)
    assert _pages(pdf) == expected
    # In letter order: the first letter's recipient opens the pack.
    first_text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert letters[0].context["recipient_name"].split()[0] in first_text


def test_clerk_of_another_department_gets_nothing(
    client: Any,
    template: Any,
    clerk: Any,
    other_clerk: Any,
    user: Any,
    animal_service: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mailing = _print_mailing(template, clerk, animal_service, 1, django_capture_on_commit_callbacks)
    url = reverse("admin:services_mailing_print_pack", args=[mailing.pk])
    before = list(Letter.objects.values_list("pk", "status", "attempts"))
    assert client.get(url).status_code == 302  # anonymous: to the admin login
    mfa_login(client, other_clerk, enable_totp(other_clerk))
    response = client.get(url)
    assert response.status_code in (403, 404)
    assert response.get("Content-Type") != "application/pdf"
    assert b"%PDF" not in response.content
    client.logout()
    mfa_login(client, user, enable_totp(user))  # a resident
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    assert b"%PDF" not in response.content
    with pytest.raises(PermissionDenied):
        actions.mailing_print_pack_write(mailing=mailing, acting_user=other_clerk, out=BytesIO())
    assert list(Letter.objects.values_list("pk", "status", "attempts")) == before


def test_mailing_without_print_letters_explains_instead_of_an_empty_pdf(
    client: Any,
    template: Any,
    clerk: Any,
    animal_case: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mailing = actions.mailing_create(
        template=template, source="department_cases", channel="email", acting_user=clerk
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.mailing_start(mailing=mailing, acting_user=clerk)
    with pytest.raises(ValidationError):
        actions.mailing_print_pack_write(mailing=mailing, acting_user=clerk, out=BytesIO())
    mfa_login(client, clerk, enable_totp(clerk))
    url = reverse("admin:services_mailing_print_pack", args=[mailing.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:services_mailing_progress", args=[mailing.pk]
    )
    assert "nie ma pism do wydruku" in response.content.decode()
