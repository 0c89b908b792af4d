"""Pages: catalogue, online form, drafts, cases with the permission matrix (R-SRV-1…3)."""

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services.models import Case, CaseAttachment, CaseMessage, Draft
from tests.services.conftest import animal_post
from tests.services.test_formengine import PDF, _flat_post

MATRIX = ["anonymous", "owner", "other_user", "other_clerk", "clerk", "council_member"]
ALLOWED = {"owner", "clerk"}


def _login(client: Any, who: str, case: Any, request: pytest.FixtureRequest) -> None:
    if who == "anonymous":
        return
    user = case.applicant if who == "owner" else request.getfixturevalue(who)
    client.force_login(user)


def test_catalogue_lists_searches_and_filters(client: Any, reference: None) -> None:
    response = client.get(reverse("services:index"))
    assert response.status_code == 200
    assert "Mieszkanie za Remont" in response.text
    response = client.get(reverse("services:index"), {"kategoria": "animals"})
    assert "sterylizacja" in response.text
    assert "Mieszkanie za Remont" not in response.text
    response = client.get(reverse("services:index"), {"q": "remont"})
    assert "Mieszkanie za Remont" in response.text
    assert "Pismo ogólne" not in response.text
    response = client.get(reverse("services:index"), {"sytuacja": "pet", "kategoria": "bogus"})
    assert response.status_code == 200
    assert "sterylizacja" in response.text


def test_catalogue_query_count_is_bounded(
    client: Any, reference: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        client.get(reverse("services:index"))


def test_service_page_shows_catalogue_facts(client: Any, flat_service: Any) -> None:
    response = client.get(reverse("services:service", args=[flat_service.slug]))
    assert response.status_code == 200
    for text in ("Wydział Mieszkalnictwa", "ochronie praw lokatorów", "2 miesiące"):
        assert text in response.text
    assert client.get(reverse("services:service", args=["nie-ma"])).status_code == 404


def test_form_requires_login(client: Any, animal_service: Any) -> None:
    response = client.post(reverse("services:apply", args=[animal_service.slug]), animal_post())
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert Case.objects.count() == 0


def test_resident_submits_the_animal_form(client: Any, user: Any, animal_service: Any) -> None:
    client.force_login(user)
    url = reverse("services:apply", args=[animal_service.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, animal_post())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("services:case", args=[case.public_id])
    assert case.applicant == user
    assert case.data["animal"]["clinic"] == "lecznica-podgorze"


def test_invalid_submission_shows_errors_and_changes_nothing(
    client: Any, user: Any, animal_service: Any
) -> None:
    client.force_login(user)
    url = reverse("services:apply", args=[animal_service.slug])
    response = client.post(url, animal_post(**{"f-owner-pesel": "12345678901"}))
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert 'href="#id_f-owner-pesel"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert Case.objects.count() == 0
    assert Draft.objects.count() == 0


def test_draft_is_saved_and_restored(client: Any, user: Any, animal_service: Any) -> None:
    client.force_login(user)
    url = reverse("services:apply", args=[animal_service.slug])
    client.post(url, animal_post(action="save", **{"f-owner-first_name": "Zofia"}))
    draft = Draft.objects.get(owner=user)
    assert draft.data["owner"]["first_name"] == "Zofia"
    assert 'value="Zofia"' in client.get(url).text
    assert Case.objects.count() == 0


def test_another_residents_draft_is_never_shown(
    client: Any, user: Any, other_user: Any, animal_service: Any
) -> None:
    client.force_login(user)
    url = reverse("services:apply", args=[animal_service.slug])
    client.post(url, animal_post(action="save", **{"f-owner-first_name": "Sekret"}))
    client.force_login(other_user)
    assert "Sekret" not in client.get(url).text


def test_rows_are_added_without_javascript(client: Any, user: Any, flat_service: Any) -> None:
    client.force_login(user)
    url = reverse("services:apply", args=[flat_service.slug])
    assert "f-household-0-name" not in client.get(url).text
    response = client.post(url, {"count-household": "0", "action": "add:household"})
    assert response.status_code == 200
    assert 'name="f-household-0-name"' in response.text
    assert Draft.objects.get(owner=user).data["household"] == [{}]


def test_tampered_action_or_count_changes_nothing(
    client: Any, user: Any, flat_service: Any
) -> None:
    client.force_login(user)
    url = reverse("services:apply", args=[flat_service.slug])
    response = client.post(url, {"count-household": "50", "action": "add:household"})
    assert response.status_code == 400
    response = client.post(url, {"count-household": "0", "action": "add:flat"})
    assert response.status_code == 400
    response = client.post(url, {"count-household": "0", "action": "drop-table"})
    assert response.status_code == 403
    assert Draft.objects.count() == 0
    assert Case.objects.count() == 0


def test_flat_application_with_attachment(client: Any, user: Any, flat_service: Any) -> None:
    client.force_login(user)
    url = reverse("services:apply", args=[flat_service.slug])
    data = _flat_post(action="submit")
    data["f-attachments-income_statement"] = SimpleUploadedFile("dochody.pdf", PDF)
    response = client.post(url, data)
    assert response.status_code == 302, response.content
    case = Case.objects.get()
    attachment = CaseAttachment.objects.get(case=case)
    assert attachment.content_type == "application/pdf"
    assert case.data["attachments"]["income_statement"]["sha256"] == attachment.sha256
    assert case.number.startswith("MS/")
    # the stored file name reveals nothing the resident typed
    assert "dochody" not in attachment.file.name
    # and it is kept in the private storage, never the public media one
    from django.core.files.storage import storages

    assert attachment.file.storage.location == storages["private"].location
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))


def test_disguised_upload_changes_nothing(client: Any, user: Any, flat_service: Any) -> None:
    client.force_login(user)
    data = _flat_post(action="submit")
    data["f-attachments-income_statement"] = SimpleUploadedFile("dochody.pdf", b"GIF89a....")
    response = client.post(reverse("services:apply", args=[flat_service.slug]), data)
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert CaseAttachment.objects.count() == 0


@pytest.mark.parametrize("who", MATRIX)
def test_case_page_matrix(
    client: Any, animal_case: Any, who: str, request: pytest.FixtureRequest
) -> None:
    _login(client, who, animal_case, request)
    response = client.get(reverse("services:case", args=[animal_case.public_id]))
    if who in ALLOWED:
        assert response.status_code == 200
        assert animal_case.number in response.text
        assert "Lecznica — Podgórze" in response.text  # the submitted content, labelled
        assert "44051401359" not in response.text  # PESEL masked on screen
    else:
        assert response.status_code in (302, 404)
        assert animal_case.number not in response.text
        assert "Lecznica" not in response.text


@pytest.mark.parametrize("who", MATRIX)
def test_case_message_matrix(
    client: Any,
    animal_case: Any,
    who: str,
    request: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _login(client, who, animal_case, request)
    url = reverse("services:case", args=[animal_case.public_id])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"body": "Wiadomość testowa"})
    if who in ALLOWED:
        assert response.status_code == 302
        assert CaseMessage.objects.filter(case=animal_case).count() == 1
    else:
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
        assert CaseMessage.objects.count() == 0
        assert callbacks == []
        assert mail.outbox == []


def test_empty_message_is_refused_with_an_error(client: Any, animal_case: Any) -> None:
    client.force_login(animal_case.applicant)
    response = client.post(reverse("services:case", args=[animal_case.public_id]), {"body": " "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert CaseMessage.objects.count() == 0


@pytest.mark.parametrize("who", MATRIX)
def test_confirmation_pdf_matrix(
    client: Any, animal_case: Any, who: str, request: pytest.FixtureRequest
) -> None:
    _login(client, who, animal_case, request)
    response = client.get(reverse("services:case_confirmation", args=[animal_case.public_id]))
    if who in ALLOWED:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("attachment")
    else:
        assert response.status_code in (302, 404)


def test_confirmation_pdf_contains_number_and_hash(client: Any, animal_case: Any) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    client.force_login(animal_case.applicant)
    response = client.get(reverse("services:case_confirmation", args=[animal_case.public_id]))
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    compact = text.replace("\n", "").replace(" ", "")
    assert animal_case.number in compact
    assert animal_case.submission_sha256 in compact
    assert "44051401359" not in compact  # the PESEL is masked in the printable document


@pytest.mark.parametrize("who", MATRIX)
def test_attachment_download_matrix(
    client: Any, user: Any, flat_service: Any, who: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(user)
    data = _flat_post(action="submit")
    data["f-attachments-income_statement"] = SimpleUploadedFile("dochody.pdf", PDF)
    client.post(reverse("services:apply", args=[flat_service.slug]), data)
    case = Case.objects.get()
    attachment = case.attachments.get()
    client.logout()
    if who == "clerk":  # the flat service belongs to the housing department (ms)
        from accounts.actions import role_grant
        from accounts.models import Department, Role

        clerk = request.getfixturevalue("clerk")
        role_grant(
            user=clerk,
            role=Role.CLERK,
            acting_user=None,
            department=Department.objects.get(code="ms"),
        )
    _login(client, who, case, request)
    url = reverse("services:case_attachment", args=[case.public_id, attachment.pk])
    response = client.get(url)
    if who in ALLOWED:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("attachment")
    else:
        assert response.status_code in (302, 404)


def test_my_cases_lists_only_own_cases(
    client: Any, animal_case: Any, other_user: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(other_user)
    assert animal_case.number not in client.get(reverse("services:my_cases")).text
    from tests.services.test_actions_cases import _submit

    for _ in range(5):  # more rows must not mean more queries
        _submit(animal_case.service, animal_case.applicant)
    client.force_login(animal_case.applicant)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("services:my_cases"))
    assert animal_case.number in response.text


def test_verification_page_shows_number_and_time_only(client: Any, animal_case: Any) -> None:
    url = reverse("services:verify")
    response = client.get(url, {"sha256": animal_case.submission_sha256})
    assert response.status_code == 200
    assert animal_case.number in response.text
    assert "Nowak" not in response.text
    assert "anna@example.org" not in response.text
    response = client.get(url, {"sha256": "nonsense"})
    assert response.status_code == 200
    assert animal_case.number not in response.text


def test_contact_page_lists_offices_with_open_state(client: Any, reference: None) -> None:
    response = client.get(reverse("services:contact"))
    assert response.status_code == 200
    assert "Powstania Warszawskiego" in response.text
    assert "/UMKrakow/SkrytkaESP" in response.text


def test_contact_page_links_an_office_to_its_buildings_accessibility_page(
    client: Any, reference: None, django_assert_max_num_queries: Any
) -> None:
    # given the accessibility app's audited buildings (the programme's real cases), one of them
    # at "ul. Powstania Warszawskiego 10" while the office writes "al. …, 31-549 Kraków"
    from django.apps import apps as django_apps

    from accessibility.models import Building
    from accessibility.programme import load_all

    if not Building.objects.filter(slug="powstania-warszawskiego-10").exists():
        load_all(get_model=django_apps.get_model)  # transactional tests flush data migrations
    # when the contact page is shown, in Polish and in English
    with django_assert_max_num_queries(6):
        response = client.get(reverse("services:contact"))
    english = client.get("/en" + reverse("services:contact"))
    # then the office links to that building's page, in the page's language
    assert 'href="/dostepnosc/budynki/powstania-warszawskiego-10/"' in response.text
    assert 'href="/en/dostepnosc/budynki/powstania-warszawskiego-10/"' in english.text
    # and os. Zgody 2, which has no building record, links nowhere
    assert response.text.count('href="/dostepnosc/budynki/') == 2
