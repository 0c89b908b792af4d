"""One-click unsubscribe from consultation digests: a signed link (no sign-in, nothing personal
in it), the List-Unsubscribe headers, and the notification preferences updated with history."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import NotificationPreference
from consultations import actions
from districts.models import District
from tests.accounts.factories import UserFactory
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def _digest_link():  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    period_start = today - timedelta(days=7)
    ConsultationFactory(title="Nowe konsultacje", announced_on=period_start + timedelta(days=1))
    user = UserFactory()
    pref = NotificationPreference.objects.create(
        user=user, topics=["consultations", "budget"], digest_frequency="weekly"
    )
    pref.districts.set([District.objects.get(number=5)])
    assert actions.digest_send(frequency="weekly", period_start=period_start) == 1
    message = mail.outbox[-1]
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    return user, message, link, period_start


def test_digest_carries_a_signed_unsubscribe_link_without_personal_data():
    user, message, link, _start = _digest_link()
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.startswith("http")
    assert "/konsultacje/wypisz/" in link
    assert link in message.body
    for personal in (user.email, str(user.public_id), str(user.pk) + "/"):
        assert personal not in link


def test_get_changes_nothing_and_post_unsubscribes_without_login_or_csrf():
    user, _message, link, period_start = _digest_link()
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    page = client.get("/" + path)
    assert page.status_code == 200
    assert "Wypisz mnie" in page.content.decode()
    pref = NotificationPreference.objects.get(user=user)
    assert "consultations" in pref.topics
    # the mail program's one-click POST (RFC 8058): no session, no CSRF token
    done = client.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    pref.refresh_from_db()
    assert pref.topics == ["budget"]
    assert list(pref.districts.values_list("number", flat=True)) == [5]
    assert pref.digest_frequency == "weekly"
    assert pref.history.first().history_user == user
    # a second click is harmless; the next digest is not sent
    assert client.post("/" + path).status_code == 200
    ConsultationFactory(
        title="Kolejne",
        announced_on=period_start + timedelta(days=8),
        starts_on=period_start + timedelta(days=20),
    )
    sent = actions.digest_send(frequency="weekly", period_start=period_start + timedelta(days=7))
    assert sent == 0


def test_forged_or_altered_links_change_nothing():
    user, _message, link, _start = _digest_link()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    altered = path.replace("/wypisz/", "/wypisz/x")
    for bad in (altered, "/konsultacje/wypisz/MQ:forged:sig/", "/en/konsultacje/wypisz/abc/"):
        assert client.post(bad).status_code == 400
        assert client.get(bad).status_code == 400
    assert "consultations" in NotificationPreference.objects.get(user=user).topics
