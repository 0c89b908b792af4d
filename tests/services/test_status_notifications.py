"""Exactly one e-mail per case status change, whatever Celery redelivers (issue #7)."""

import smtplib
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from services import actions, tasks
from services.models import CaseNotification, CaseStatus, NotificationState
from tests.accounts.helpers import enable_totp, mfa_login


@pytest.fixture
def eager_retries(monkeypatch: Any) -> None:
    """Eager Celery re-runs a retried task at once, as long as errors do not propagate."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def _registered(case: Any, clerk: Any) -> CaseNotification:
    """Move ``case`` to registered without running the queued task; return its notice."""
    with mock.patch.object(tasks.case_notification_send, "apply_async"):
        actions.case_transition(case=case, to_status=CaseStatus.REGISTERED, acting_user=clerk)
    notification = CaseNotification.objects.get(case=case)
    assert notification.state == NotificationState.PENDING
    return notification


def test_status_change_records_one_notice_and_sends_after_commit(
    animal_case: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.case_transition(
            case=animal_case, to_status=CaseStatus.REGISTERED, acting_user=clerk
        )
    notification = CaseNotification.objects.get(case=animal_case)
    assert notification.change_id == animal_case.history.latest().history_id
    assert (notification.status, notification.state) == ("registered", NotificationState.SENT)
    assert notification.done_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [animal_case.applicant.email]
    assert animal_case.number in mail.outbox[0].subject


def test_task_run_twice_sends_one_mail(animal_case: Any, clerk: Any) -> None:
    notification = _registered(animal_case, clerk)
    first = tasks.case_notification_send.apply(args=(notification.pk,))
    second = tasks.case_notification_send.apply(args=(notification.pk,))  # redelivered
    assert (first.result, second.result) == ("sent", "done")
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 1)


def test_notice_claimed_by_a_live_worker_is_left_alone_until_its_lease_expires(
    animal_case: Any, clerk: Any
) -> None:
    notification = _registered(animal_case, clerk)
    CaseNotification.objects.filter(pk=notification.pk).update(
        state=NotificationState.SENDING, claimed_at=timezone.now()
    )
    assert actions.case_notification_send(notification_id=notification.pk) == "busy"
    assert mail.outbox == []
    CaseNotification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - actions.NOTIFICATION_LEASE * 2
    )
    assert actions.case_notification_send(notification_id=notification.pk) == "sent"
    assert len(mail.outbox) == 1
    # The resend after a dead worker carries the notice's own Message-ID.
    assert str(notification.public_id) in mail.outbox[0].extra_headers["Message-ID"]


def test_smtp_failure_then_success_sends_one_mail(
    animal_case: Any, clerk: Any, eager_retries: None
) -> None:
    notification = _registered(animal_case, clerk)
    real_send = mail.EmailMessage.send
    calls = {"n": 0}

    def flaky(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, *args, **kwargs)

    countdowns: list[int] = []
    real_retry = tasks.case_notification_send.retry

    def spy(*args: Any, **kwargs: Any) -> Any:
        countdowns.append(kwargs["countdown"])
        # Between the failure and the retry the notice is pending again, not sent.
        assert CaseNotification.objects.get(pk=notification.pk).state == "pending"
        return real_retry(*args, **kwargs)

    with (
        mock.patch.object(mail.EmailMessage, "send", flaky),
        mock.patch.object(tasks.case_notification_send, "retry", side_effect=spy),
    ):
        tasks.case_notification_send.apply(args=(notification.pk,))
    assert countdowns == [tasks.NOTICE_BACKOFF[0]]
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 2)


def test_smtp_failing_every_time_is_recorded_as_failed_after_the_last_retry(
    animal_case: Any, clerk: Any, eager_retries: None
) -> None:
    notification = _registered(animal_case, clerk)
    countdowns: list[int] = []
    real_retry = tasks.case_notification_send.retry

    def spy(*args: Any, **kwargs: Any) -> Any:
        countdowns.append(kwargs["countdown"])
        return real_retry(*args, **kwargs)

    refused = smtplib.SMTPResponseException(451, b"Temporary local problem")
    with (
        mock.patch.object(mail.EmailMessage, "send", side_effect=refused),
        mock.patch.object(tasks.case_notification_send, "retry", side_effect=spy),
    ):
        tasks.case_notification_send.apply(args=(notification.pk,))
    assert countdowns == list(tasks.NOTICE_BACKOFF)
    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert notification.attempts == len(tasks.NOTICE_BACKOFF) + 1
    assert "451" in notification.error
    assert mail.outbox == []
    # A later redelivery does not resurrect it.
    assert actions.case_notification_send(notification_id=notification.pk) == "done"


def test_permanent_refusal_is_recorded_as_failed_without_retry(
    animal_case: Any, clerk: Any
) -> None:
    notification = _registered(animal_case, clerk)
    refused = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})
    with mock.patch.object(mail.EmailMessage, "send", side_effect=refused):
        result = tasks.case_notification_send.apply(args=(notification.pk,))
    assert result.result == "failed"
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.FAILED, 1)
    assert "550" in notification.error


def test_late_notice_of_a_status_the_case_left_is_skipped_not_sent(
    animal_case: Any, clerk: Any
) -> None:
    first = _registered(animal_case, clerk)
    with mock.patch.object(tasks.case_notification_send, "apply_async"):
        actions.case_transition(
            case=animal_case, to_status=CaseStatus.IN_PROGRESS, acting_user=clerk
        )
    assert actions.case_notification_send(notification_id=first.pk) == "skipped"
    second = CaseNotification.objects.exclude(pk=first.pk).get()
    assert actions.case_notification_send(notification_id=second.pk) == "sent"
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.state == NotificationState.SKIPPED


def test_database_allows_one_notice_per_status_change(animal_case: Any, clerk: Any) -> None:
    notification = _registered(animal_case, clerk)
    with pytest.raises(IntegrityError):
        CaseNotification.objects.create(
            case=animal_case, change_id=notification.change_id, status="registered"
        )


def test_legacy_task_by_case_and_status_goes_through_the_same_notice(
    animal_case: Any, clerk: Any
) -> None:
    notification = _registered(animal_case, clerk)
    tasks.case_status_notify.apply(args=(animal_case.pk, "registered"))
    tasks.case_status_notify.apply(args=(animal_case.pk, "registered"))
    assert len(mail.outbox) == 1
    assert CaseNotification.objects.get().pk == notification.pk


def test_stalled_notice_is_resumed_once(animal_case: Any, clerk: Any) -> None:
    notification = _registered(animal_case, clerk)  # its task was lost
    assert tasks.case_notifications_resume_stalled.apply().result == 0  # too fresh to tell
    CaseNotification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    assert tasks.case_notifications_resume_stalled.apply().result == 1
    assert tasks.case_notifications_resume_stalled.apply().result == 0
    assert len(mail.outbox) == 1


def test_failed_notices_are_shown_to_clerks_of_the_department_only(
    client: Any, animal_case: Any, clerk: Any, other_clerk: Any
) -> None:
    notification = _registered(animal_case, clerk)
    CaseNotification.objects.filter(pk=notification.pk).update(
        state=NotificationState.FAILED, error="SMTPResponseException: 451 marker-error"
    )
    changelist = reverse("admin:services_casenotification_changelist")
    detail = reverse("admin:services_casenotification_change", args=[notification.pk])
    mfa_login(client, other_clerk, enable_totp(other_clerk))
    assert "marker-error" not in client.get(changelist).content.decode()
    assert client.get(detail).status_code in (302, 403, 404)
    client.logout()
    mfa_login(client, clerk, enable_totp(clerk))
    page = client.get(changelist + "?state=failed")
    assert page.status_code == 200
    assert "marker-error" in page.content.decode()
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"state": "sent"}).status_code in (302, 403)
    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
