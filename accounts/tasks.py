"""Celery tasks of accounts: ids in, idempotent, a few lines each."""

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import TrainingSignup


@shared_task(
    name="accounts.training_confirmation_send",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def training_confirmation_send(signup_id: int) -> bool:
    """E-mail the confirmation of a training sign-up; a second run sends nothing."""
    signup = (
        TrainingSignup.objects.select_related("session", "user")
        .filter(pk=signup_id, confirmation_sent_at__isnull=True)
        .first()
    )
    if signup is None or signup.user is None or not signup.user.email:
        return False
    with translation.override(signup.user.preferred_language):
        body = render_to_string("accounts/email/training_confirmation.txt", {"signup": signup})
        send_mail(_("Potwierdzenie zapisu na szkolenie"), body, None, [signup.user.email])
    TrainingSignup.objects.filter(pk=signup.pk).update(confirmation_sent_at=timezone.now())
    return True
