"""Celery tasks of Karta Krakowska: ids in, idempotent, a few lines each."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from karta import actions
from karta.models import (
    ApplicationStatus,
    EntitlementStatus,
    LargeFamilyEntitlement,
    StatusApplication,
)


def _mail(application: StatusApplication, template: str, subject: str) -> None:
    user = application.user
    if not user.email:
        return
    body = render_to_string(template, {"application": application, "user": user})
    send_mail(subject, body, None, [user.email])


@shared_task(
    name="karta.send_decision_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_decision_email(application_id: int) -> None:
    application = StatusApplication.objects.select_related("user").filter(pk=application_id).first()
    if application is None or application.status == ApplicationStatus.PENDING:
        return
    with translation.override(application.user.preferred_language or "pl"):
        _mail(
            application,
            "karta/email/decision.txt",
            _("Karta Krakowska: decyzja w sprawie statusu mieszkańca"),
        )


@shared_task(
    name="karta.send_expiry_reminder", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_expiry_reminder(application_id: int) -> None:
    application = StatusApplication.objects.select_related("user").filter(pk=application_id).first()
    if application is None:
        return
    with translation.override(application.user.preferred_language or "pl"):
        _mail(
            application,
            "karta/email/reminder.txt",
            _("Karta Krakowska: status mieszkańca wkrótce wygaśnie"),
        )


@shared_task(name="karta.send_expiry_reminders")
def send_expiry_reminders() -> int:
    ids = actions.status_reminders_due()
    for application_id in ids:
        send_expiry_reminder.delay(application_id)
    return len(ids)


@shared_task(name="karta.purge_documents")
def purge_documents() -> int:
    return actions.status_documents_purge()


@shared_task(name="karta.refresh_usage_rollup")
def refresh_usage_rollup() -> int:
    return actions.usage_rollup_refresh()


@shared_task(
    name="karta.send_large_family_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_large_family_email(entitlement_id: int) -> None:
    entitlement = (
        LargeFamilyEntitlement.objects.select_related("user").filter(pk=entitlement_id).first()
    )
    if entitlement is None or entitlement.status == EntitlementStatus.PENDING:
        return
    user = entitlement.user
    if not user.email:
        return
    with translation.override(user.preferred_language or "pl"):
        body = render_to_string(
            "karta/email/large_family.txt", {"entitlement": entitlement, "user": user}
        )
        send_mail(
            _("Karta Krakowska: decyzja w sprawie uprawnienia rodziny wielodzietnej"),
            body,
            None,
            [user.email],
        )


@shared_task(name="karta.refresh_usage_monthly")
def refresh_usage_monthly() -> int:
    return actions.usage_monthly_refresh()
