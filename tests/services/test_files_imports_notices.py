"""Files in drafts and API submissions, the tax CSV import, the tax dashboard panel and the
e-mail on a case's status change."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.registry import dashboard_panels
from services import actions
from services.models import (
    Case,
    CaseAttachment,
    Draft,
    DraftAttachment,
    Liability,
    Payment,
    TaxImport,
    TaxImportStatus,
    TaxpayerAccount,
)
from services.taxcsv import parse, rows_of
from tests.accounts.factories import UserFactory
from tests.services.test_formengine import PDF, _flat_post

# ------------------------------------------------------------------ files in drafts


def test_draft_keeps_its_file_and_the_submission_attaches_it(
    client: Any, user: Any, other_user: Any, flat_service: Any
) -> None:
    client.force_login(user)
    url = reverse("services:apply", args=[flat_service.slug])
    data = _flat_post(action="save")
    data["f-attachments-income_statement"] = SimpleUploadedFile("dochody.pdf", PDF)
    assert client.post(url, data).status_code == 302
    stored = DraftAttachment.objects.get()
    assert stored.field_name == "f-attachments-income_statement"
    from django.core.files.storage import storages

    assert stored.file.storage.location == storages["private"].location
    page = client.get(url).content.decode()
    assert "dochody.pdf" in page
    download = reverse("services:draft_file", args=[flat_service.slug, stored.pk])
    assert b"".join(client.get(download).streaming_content) == PDF
    # nobody else gets the draft's file
    client.force_login(other_user)
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302
    # submitted later without choosing the file again: the draft's file is attached
    client.force_login(user)
    response = client.post(url, _flat_post(action="submit"))
    assert response.status_code == 302, response.content
    attachment = CaseAttachment.objects.get()
    assert attachment.sha256 == stored.sha256
    assert Draft.objects.count() == 0
    assert DraftAttachment.objects.count() == 0


def test_disguised_file_in_a_draft_changes_nothing(
    client: Any, user: Any, flat_service: Any
) -> None:
    client.force_login(user)
    data = _flat_post(action="save")
    data["f-attachments-income_statement"] = SimpleUploadedFile("dochody.pdf", b"GIF89a....")
    response = client.post(reverse("services:apply", args=[flat_service.slug]), data)
    assert response.status_code == 400
    assert "Nieobsługiwany rodzaj pliku" in response.content.decode()
    assert Draft.objects.count() == 0
    assert DraftAttachment.objects.count() == 0


# ------------------------------------------------------------------ files in the API


def _multipart_fields() -> dict[str, Any]:
    fields: dict[str, Any] = dict(_flat_post())
    for key in list(fields):
        if fields[key] == "on":
            fields[key] = True
    return fields


def test_api_submission_with_a_file(client: Any, user: Any, flat_service: Any) -> None:
    client.force_login(user)
    url = reverse("eservice-submit", args=[flat_service.slug])
    response = client.post(
        url,
        {
            "definition_version": "1",
            "fields": json.dumps(_multipart_fields()),
            "f-attachments-income_statement": SimpleUploadedFile("dochody.pdf", PDF),
        },
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert case.attachments.get().content_type == "application/pdf"


def test_api_disguised_file_answers_400_and_changes_nothing(
    client: Any, user: Any, flat_service: Any
) -> None:
    client.force_login(user)
    url = reverse("eservice-submit", args=[flat_service.slug])
    response = client.post(
        url,
        {
            "definition_version": "1",
            "fields": json.dumps(_multipart_fields()),
            "f-attachments-income_statement": SimpleUploadedFile("dochody.pdf", b"GIF89a..."),
        },
    )
    assert response.status_code == 400
    assert "f-attachments-income_statement" in response.json()["error"]["fields"]
    assert Case.objects.count() == 0
    assert CaseAttachment.objects.count() == 0
    bad = client.post(url, {"definition_version": "1", "fields": "{not json"})
    assert bad.status_code == 400


# ------------------------------------------------------------------ tax CSV import


CSV_OK = (
    "typ;konto;mieszkaniec;id;rodzaj;rok;opis;rata;termin;kwota\n"
    "rata;FK-1;{resident};NAL-1;property;2026;ul. Długa 1;1;2026-03-15;100,10\n"
    "rata;FK-1;;NAL-1;property;2026;ul. Długa 1;2;2026-05-15;100.10\n"
    "wplata;FK-1;;WP-1;;;;;2026-03-10;50\n"
)


@pytest.fixture
def finance_clerk(db: Any) -> Any:
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="load_tax_data"))
    return type(user).objects.get(pk=user.pk)


def _import(raw: str, who: Any, capture: Any) -> TaxImport:
    with capture(execute=True):
        record = actions.tax_import_create(
            upload=SimpleUploadedFile("podatki.csv", raw.encode()), acting_user=who
        )
    record.refresh_from_db()
    return record


def test_tax_csv_import_loads_everything_with_progress(
    finance_clerk: Any, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    record = _import(
        CSV_OK.format(resident=user.public_id), finance_clerk, django_capture_on_commit_callbacks
    )
    assert record.status == TaxImportStatus.DONE, record.errors
    assert record.counts == {"accounts": 1, "liabilities": 1, "payments": 1}
    account = TaxpayerAccount.objects.get()
    assert account.resident == user
    assert Liability.objects.get().instalments.count() == 2
    progress = actions.tax_import_progress(record=record)
    assert progress["percent"] == 100
    assert progress["processed"] == 3
    # loading the same file again changes nothing (idempotent by the finance system's ids)
    again = _import(
        CSV_OK.format(resident=user.public_id), finance_clerk, django_capture_on_commit_callbacks
    )
    assert again.status == TaxImportStatus.DONE
    assert Payment.objects.count() == 1


def test_tax_csv_with_one_bad_row_loads_nothing_and_names_the_rows(
    finance_clerk: Any, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    raw = CSV_OK.format(resident=user.public_id) + (
        "rata;FK-2;;NAL-2;rower;2026;;1;2026-13-01;-5\n"
        "rata;FK-3;00000000-0000-0000-0000-000000000000;NAL-3;dog;2026;;1;2026-03-15;10\n"
    )
    record = _import(raw, finance_clerk, django_capture_on_commit_callbacks)
    assert record.status == TaxImportStatus.FAILED
    assert {(e["row"], e["column"]) for e in record.errors} >= {
        (5, "rodzaj"),
        (5, "termin"),
        (5, "kwota"),
        (0, "mieszkaniec"),
    }
    assert TaxpayerAccount.objects.count() == 0
    assert Liability.objects.count() == 0


def test_tax_csv_parser_checks_conflicts_and_duplicates() -> None:
    rows, problem = rows_of(
        b"typ,konto,id,rodzaj,rok,rata,termin,kwota\n"
        b"rata,A,L1,dog,2026,1,2026-01-01,10\n"
        b"rata,A,L1,dog,2026,1,2026-02-01,10\n"
        b"rata,B,L1,dog,2026,2,2026-02-01,10\n"
        b"wplata,A,P1,,,,2026-01-01,10.001\n"
    )
    assert problem is None
    payload, errors = parse(rows)
    assert errors == [(3, "rata", "duplicate"), (4, "id", "conflict"), (5, "kwota", "amount")]
    assert rows_of(b"\xff\xfe") == ([], "encoding")
    assert rows_of(b"a,b\n") == ([], "header")


def test_tax_import_needs_the_permission(
    client: Any, user: Any, staff_user: Any, finance_clerk: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    for who in (user, staff_user):
        with pytest.raises(PermissionDenied):
            actions.tax_import_create(upload=SimpleUploadedFile("p.csv", b"typ\n"), acting_user=who)
    assert TaxImport.objects.count() == 0


def test_tax_import_admin_upload_and_progress(
    client: Any, finance_clerk: Any, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.accounts.helpers import enable_totp, mfa_login

    mfa_login(client, finance_clerk, enable_totp(finance_clerk))
    upload = SimpleUploadedFile("podatki.csv", CSV_OK.format(resident=user.public_id).encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:services_taximport_add"), {"upload": upload})
    assert response.status_code == 302
    record = TaxImport.objects.get()
    page = client.get(reverse("admin:services_taximport_progress", args=[record.pk]))
    assert page.status_code == 200
    data = client.get(reverse("admin:services_taximport_json", args=[record.pk])).json()
    assert (data["status"], data["percent"], data["finished"]) == ("done", 100, True)


# ------------------------------------------------------------------ dashboard panel


def test_tax_dashboard_panel_shows_own_balance_only(
    client: Any,
    finance_clerk: Any,
    user: Any,
    other_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _import(
        CSV_OK.format(resident=user.public_id), finance_clerk, django_capture_on_commit_callbacks
    )
    panel = next(p for p in dashboard_panels() if p.key == "services-taxes")
    assert panel.context(other_user) is None
    context = panel.context(user)
    assert str(context["summary"].balance) == "150.20"


# ------------------------------------------------------------------ status e-mail


def test_status_change_mails_the_applicant_after_commit_in_their_language(
    animal_case: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    applicant = animal_case.applicant
    applicant.preferred_language = "en"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.case_transition(case=animal_case, to_status="registered", acting_user=clerk)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == [applicant.email]
    assert animal_case.number in message.subject
    assert "registered" in message.subject.lower()
    assert f"/en/e-uslugi/sprawy/{animal_case.public_id}/" in message.body


def test_refused_status_change_mails_nobody(
    animal_case: Any, other_clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        actions.case_transition(case=animal_case, to_status="registered", acting_user=other_clerk)
    assert mail.outbox == []


def test_gdpr_erasure_deletes_draft_files_and_export_lists_letters_and_taxes(
    client: Any, user: Any, flat_service: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from accounts.registry import gdpr_contributors

    client.force_login(user)
    data = _flat_post(action="save")
    data["f-attachments-income_statement"] = SimpleUploadedFile("dochody.pdf", PDF)
    client.post(reverse("services:apply", args=[flat_service.slug]), data)
    stored = DraftAttachment.objects.get()
    storage, name = stored.file.storage, stored.file.name
    contributor = next(c for c in gdpr_contributors() if c.key == "services")
    exported = contributor.export(user)
    assert exported["draft_files"][0]["name"] == "dochody.pdf"
    assert {"letters", "tax_accounts"} <= set(exported)
    with django_capture_on_commit_callbacks(execute=True):
        contributor.erase(user)
    assert DraftAttachment.objects.count() == 0
    assert not storage.exists(name)
