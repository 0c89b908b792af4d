"""Clerks' screens: issuing, suspending, reinstating and revoking cards; partners' API keys
(created, rotated, revoked; shown once, stored hashed, with history). Permission matrices."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from karta import actions, selectors
from karta.models import Card, Partner, PartnerApiKey
from tests.karta.factories import ApprovedApplicationFactory, CardFactory, PartnerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_mfa")]

WHO = [
    "anonymous",
    "resident",
    "other_resident",
    "clerk_without_permission",
    "card_clerk",
    "council_member",
]


def _login(request: Any, client: Any, who: str) -> Any:
    if who == "anonymous":
        return None
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


# --- cards -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_only_a_card_clerk_issues_a_card(request: Any, client: Any, who: str) -> None:
    status = ApprovedApplicationFactory()
    clerk = _login(request, client, who)
    response = client.post(
        reverse("admin:karta_card_issue"), {"resident": status.user.email, "carrier": "plastic"}
    )
    cards = Card.objects.filter(holder=status.user)
    if who == "card_clerk":
        assert response.status_code == 302
        card = cards.get()
        assert card.carrier == "plastic"
        assert card.history.first().history_user == clerk
    else:
        assert response.status_code in (302, 403)
        assert not cards.exists()


def test_issuing_without_a_status_or_to_nobody_is_refused_clearly(
    client: Any, card_clerk: Any, resident: Any
) -> None:
    client.force_login(card_clerk)
    assert client.get(reverse("admin:karta_card_issue")).status_code == 200
    response = client.post(
        reverse("admin:karta_card_issue"), {"resident": resident.email, "carrier": "mobile"}
    )
    assert response.status_code == 400
    assert "statusu mieszkańca" in response.text
    response = client.post(
        reverse("admin:karta_card_issue"), {"resident": "nikt@example.invalid", "carrier": "x"}
    )
    assert response.status_code == 400
    assert not Card.objects.exists()


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("operation", ["suspend", "revoke"])
def test_only_a_card_clerk_suspends_or_revokes(
    request: Any, client: Any, who: str, operation: str
) -> None:
    card = CardFactory()
    _login(request, client, who)
    response = client.post(
        reverse("admin:karta_card_operation", args=[card.pk, operation]),
        {"reason": "zgłoszona kradzież"},
    )
    card.refresh_from_db()
    changed = card.suspended_at if operation == "suspend" else card.revoked_at
    if who == "card_clerk":
        assert response.status_code == 302
        assert changed is not None
    else:
        assert response.status_code in (302, 403)
        assert changed is None
        assert card.history.count() == 1


def test_suspended_card_is_refused_listed_and_reinstated(
    client: Any, card_clerk: Any, partner_with_key: tuple[Any, str]
) -> None:
    card = CardFactory()
    token = actions.card_token(card=card)
    partner, key = partner_with_key
    client.force_login(card_clerk)
    page = client.get(reverse("admin:karta_card_operation", args=[card.pk, "suspend"]))
    assert page.status_code == 200
    response = client.post(reverse("admin:karta_card_operation", args=[card.pk, "suspend"]), {})
    assert response.status_code == 400  # a reason is required
    client.post(
        reverse("admin:karta_card_operation", args=[card.pk, "suspend"]), {"reason": "zgubiona"}
    )
    card.refresh_from_db()
    assert not card.is_active
    with pytest.raises(ValidationError):
        actions.card_token(card=card)
    with pytest.raises(actions.UsageError) as refused:
        actions.card_check(partner=partner, token=token)
    assert refused.value.code == "card_suspended"
    assert card.number in selectors.suspended_card_numbers()
    api = client.get("/api/v1/karta/revocations/", HTTP_AUTHORIZATION=f"Partner {key}").json()
    assert card.number in api["suspended"]
    client.post(reverse("admin:karta_card_operation", args=[card.pk, "reinstate"]), {})
    card.refresh_from_db()
    assert card.is_active
    assert actions.card_check(partner=partner, token=token).card == card
    assert card.history.count() == 3
    changelist = client.get(reverse("admin:karta_card_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:karta_card_issue") in changelist.text
    assert client.get(reverse("admin:karta_card_change", args=[card.pk])).status_code == 200


def test_an_unknown_operation_is_not_found(client: Any, card_clerk: Any) -> None:
    card = CardFactory()
    client.force_login(card_clerk)
    response = client.post(reverse("admin:karta_card_operation", args=[card.pk, "delete"]))
    assert response.status_code == 404


def test_a_revoked_card_cannot_be_suspended_or_reinstated(card_clerk: Any) -> None:
    card = actions.card_revoke(card=CardFactory(), acting_user=card_clerk, reason="x")
    with pytest.raises(ValidationError):
        actions.card_suspend(card=card, acting_user=card_clerk, reason="y")
    with pytest.raises(ValidationError):
        actions.card_reinstate(card=card, acting_user=card_clerk)


# --- partner API keys ------------------------------------------------------------------------

KEY_WHO = [w if w != "card_clerk" else "key_manager" for w in WHO]


@pytest.mark.parametrize("who", KEY_WHO)
def test_only_a_key_manager_creates_a_key(request: Any, client: Any, who: str) -> None:
    partner = PartnerFactory()
    _login(request, client, who)
    url = reverse("admin:karta_partner_api_keys", args=[partner.pk])
    response = client.post(url, {"operation": "issue"})
    if who == "key_manager":
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        key = PartnerApiKey.objects.get(partner=partner)
        raw = response.text.split('<code id="new-key">')[1].split("</code>")[0]
        assert raw.startswith("kkp_")
        assert key.key_hash == Partner.hash_key(raw) != raw
        assert raw not in str(key.history.values())
        assert selectors.partner_by_api_key(raw) == partner
        # shown once: the page afterwards shows only the hint
        again = client.get(url)
        assert raw not in again.text
        assert key.hint in again.text
    else:
        assert response.status_code in (302, 403)
        assert not PartnerApiKey.objects.exists()


def test_rotation_stops_the_old_key_and_keeps_the_history(
    client: Any, key_manager: Any, partner_with_key: tuple[Any, str]
) -> None:
    partner, old = partner_with_key
    client.force_login(key_manager)
    url = reverse("admin:karta_partner_api_keys", args=[partner.pk])
    response = client.post(url, {"operation": "issue"})
    new = response.text.split('<code id="new-key">')[1].split("</code>")[0]
    assert selectors.partner_by_api_key(old) is None
    assert selectors.partner_by_api_key(new) == partner
    keys = list(selectors.partner_keys(partner))
    assert len(keys) == 2
    assert keys[1].revoked_by == key_manager
    assert keys[0].created_by == key_manager
    checked = client.post(
        f"/api/v1/karta/partners/{partner.slug}/check/",
        {"token": "x"},
        HTTP_AUTHORIZATION=f"Partner {old}",
    )
    assert checked.status_code == 401


@pytest.mark.parametrize("who", KEY_WHO)
def test_only_a_key_manager_revokes_a_key(
    request: Any, client: Any, who: str, partner_with_key: tuple[Any, str]
) -> None:
    partner, key = partner_with_key
    _login(request, client, who)
    response = client.post(
        reverse("admin:karta_partner_api_keys", args=[partner.pk]), {"operation": "revoke"}
    )
    if who == "key_manager":
        assert response.status_code == 302
        assert selectors.partner_by_api_key(key) is None
        page = client.get(reverse("admin:karta_partner_api_keys", args=[partner.pk]))
        assert "Utwórz klucz" in page.text or "Create key" in page.text
    else:
        assert response.status_code in (302, 403)
        assert selectors.partner_by_api_key(key) == partner


def test_revoking_without_a_live_key_is_a_clear_error(client: Any, key_manager: Any) -> None:
    partner = PartnerFactory()
    client.force_login(key_manager)
    response = client.post(
        reverse("admin:karta_partner_api_keys", args=[partner.pk]), {"operation": "revoke"}
    )
    assert response.status_code == 400
    assert "errornote" in response.text


def test_partner_changelist_shows_key_state_without_n_plus_one(
    client: Any, key_manager: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key_manager.is_superuser = True
    key_manager.save()
    client.force_login(key_manager)
    url = reverse("admin:karta_partner_changelist")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    actions.partner_api_key_issue(partner=PartnerFactory(), acting_user=None)
    queries()  # the first request also fills per-process caches (content types, session)
    few = queries()
    for _ in range(6):
        actions.partner_api_key_issue(partner=PartnerFactory(), acting_user=None)
    assert queries() == few
    assert "kkp_" in client.get(url).text
