"""Project-wide periodic maintenance tasks."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="config.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete expired sessions; returns how many were deleted (safe to run twice)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="config.tasks.ping")
def ping(value: str = "pong") -> str:
    """Round trip through the broker; used by the health check and the worker test."""
    return value
