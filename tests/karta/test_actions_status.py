from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from karta import actions, tasks
from karta.models import StatusApplication
from tests.karta.factories import ApprovedApplicationFactory, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _submit(user: Any, data: bytes | None = None) -> StatusApplication:
    return actions.status_application_submit(
        user=user, document_kind="upo", data=data or pdf_bytes(), acting_user=user
    )


def test_upload_stores_the_file_privately_under_a_random_name(resident: Any, settings: Any) -> None:
    application = _submit(resident)
    assert application.status == "pending"
    assert application.file_name.startswith("karta/")
    assert application.file_name.endswith(".pdf")
    assert len(application.file_name) == len("karta/") + 32 + len(".pdf")
    storage = storages["private"]
    assert storage.exists(application.file_name)
    # Never under MEDIA_ROOT: nothing the web server publishes can reach the file.
    assert not storage.path(application.file_name).startswith(str(settings.MEDIA_ROOT))
    assert application.history.first().history_user == resident


def test_a_bad_file_stores_nothing(resident: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _submit(resident, b"<html></html>")
    assert "PDF" in caught.value.messages[0]
    assert StatusApplication.objects.count() == 0
    storage = storages["private"]
    assert not storage.exists("karta") or storage.listdir("karta") == ([], [])


def test_a_second_pending_application_is_refused(resident: Any) -> None:
    _submit(resident)
    with pytest.raises(ValidationError):
        _submit(resident, image_bytes())
    assert StatusApplication.objects.filter(user=resident).count() == 1
    assert len(storages["private"].listdir("karta")[1]) == 1


def test_database_refuses_two_pending_applications(resident: Any) -> None:
    StatusApplication.objects.create(user=resident, document_kind="pit")
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusApplication.objects.create(user=resident, document_kind="pit")


def test_database_refuses_rejection_without_reason(resident: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusApplication.objects.create(
            user=resident, document_kind="pit", status="rejected", decided_at=timezone.now()
        )


def test_approval_verifies_the_resident_for_a_year_and_mails_them(
    resident: Any, reviewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = _submit(resident)
    with django_capture_on_commit_callbacks(execute=True):
        approved = actions.status_application_approve(application=application, acting_user=reviewer)
    assert approved.valid_until == timezone.localdate() + timedelta(days=365)
    resident.refresh_from_db()
    assert resident.resident_verification_method == "karta"
    assert resident.resident_verified_until == approved.valid_until
    assert approved.history.first().history_user == reviewer
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]


def test_rejection_needs_a_reason_and_tells_the_resident(
    resident: Any, reviewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = _submit(resident)
    with pytest.raises(ValidationError):
        actions.status_application_reject(application=application, acting_user=reviewer, reason=" ")
    application.refresh_from_db()
    assert application.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        actions.status_application_reject(
            application=application, acting_user=reviewer, reason="Brak pieczęci urzędu"
        )
    application.refresh_from_db()
    assert application.status == "rejected"
    assert "Brak pieczęci urzędu" in mail.outbox[0].body
    resident.refresh_from_db()
    assert resident.resident_verified_at is None


def test_a_decided_application_cannot_be_decided_again(
    resident: Any, reviewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = _submit(resident)
    with django_capture_on_commit_callbacks(execute=True):
        actions.status_application_approve(application=application, acting_user=reviewer)
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        actions.status_application_reject(application=application, acting_user=reviewer, reason="x")
    assert len(mail.outbox) == 1


def test_files_are_deleted_after_the_retention_period_once(
    resident: Any, reviewer: Any, settings: Any
) -> None:
    settings.KARTA_DOCUMENT_RETENTION_DAYS = 30
    application = _submit(resident)
    actions.status_application_approve(application=application, acting_user=reviewer)
    storage = storages["private"]
    assert actions.status_documents_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert storage.exists(application.file_name)
    assert tasks.purge_documents.delay().get() == 0
    assert actions.status_documents_purge(now=timezone.now() + timedelta(days=31)) == 1
    assert not storage.exists(application.file_name)
    assert actions.status_documents_purge(now=timezone.now() + timedelta(days=32)) == 0


def test_reminder_goes_out_once_thirty_days_before_expiry() -> None:
    due = ApprovedApplicationFactory(valid_until=timezone.localdate() + timedelta(days=20))
    ApprovedApplicationFactory(valid_until=timezone.localdate() + timedelta(days=200))
    assert tasks.send_expiry_reminders.delay().get() == 1
    assert tasks.send_expiry_reminders.delay().get() == 0
    assert [m.to for m in mail.outbox] == [[due.user.email]]
