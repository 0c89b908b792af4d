"""Sign up → verify e-mail → fill profile → verified by a clerk → dashboard."""

import re

import pytest
from django.test import Client

from accounts.models import User
from tests.accounts.helpers import enable_totp, mfa_login

pytestmark = pytest.mark.django_db


def test_resident_journey(client, clerk, district, mailoutbox):
    # sign up
    response = client.post(
        "/konto/signup/",
        {
            "email": "nowa@example.org",
            "password1": "Wawel-i-Smok-2026",
            "password2": "Wawel-i-Smok-2026",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302
    resident = User.objects.get(email="nowa@example.org")
    assert set(resident.consents.values_list("kind", "channel")) == {
        ("terms", "online"),
        ("privacy", "online"),
    }
    assert client.get("/moje-konto/").status_code == 302  # not in before confirming
    # verify e-mail with the link from the message
    link = re.search(r"https?://[^\s]+/konto/confirm-email/[^\s]+", mailoutbox[-1].body).group(0)
    path = link.split("testserver", 1)[-1]
    client.post(path)
    # fill in the profile
    response = client.post(
        "/moje-konto/profil/",
        {
            "first_name": "Nowa",
            "last_name": "Mieszkanka",
            "street_address": "ul. Grodzka 5",
            "postal_code": "31-006",
            "district": district.pk,
            "preferred_language": "pl",
        },
    )
    assert response.status_code == 302
    assert "potwierdzony e-mail" in client.get("/moje-konto/").content.decode()
    # a clerk verifies residency in the admin (signed in with MFA)
    clerk_client = Client()
    mfa_login(clerk_client, clerk, enable_totp(clerk))
    clerk_client.post(
        "/admin/accounts/user/", {"action": "verify_id_card", "_selected_action": [resident.pk]}
    )
    # the dashboard shows the new level
    body = client.get("/moje-konto/").content.decode()
    assert "zweryfikowany mieszkaniec Krakowa" in body
