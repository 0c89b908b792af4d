"""Partner API (R-KK-4): check a card, record uses idempotently, bulk upload, key scoping."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from karta import actions
from karta.models import UsageEvent
from tests.karta.factories import ApprovedApplicationFactory, OfferFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def card() -> Any:
    status = ApprovedApplicationFactory(
        user__birth_date=timezone.localdate() - timedelta(days=365 * 40)
    )
    return actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)


@pytest.fixture
def token(card: Any) -> str:
    return actions.card_token(card=card)


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Partner {key}")
    return client


def _use(offer: Any, token: str, event_id: str = "ev-1", **extra: Any) -> dict[str, Any]:
    return {
        "token": token,
        "offer": offer.pk,
        "event_id": event_id,
        "occurred_at": timezone.now().isoformat(),
        **extra,
    }


def test_check_lists_the_offers_for_the_holder_group(partner_with_key: Any, token: str) -> None:
    partner, key = partner_with_key
    adult_offer = OfferFactory(partner=partner)
    OfferFactory(partner=partner, for_adult=False)
    OfferFactory()  # another partner's offer
    response = _client(key).post(
        f"/api/v1/karta/partners/{partner.slug}/check/", {"token": token}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert [offer["id"] for offer in body["offers"]] == [adult_offer.pk]


def test_an_altered_token_is_refused(partner_with_key: Any, token: str) -> None:
    partner, key = partner_with_key
    payload = token.split(".")[1]
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    altered = token.replace(payload, flipped)
    response = _client(key).post(
        f"/api/v1/karta/partners/{partner.slug}/check/", {"token": altered}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"].startswith("token_")


def test_a_revoked_card_is_refused_and_listed(partner_with_key: Any, card: Any, token: str) -> None:
    partner, key = partner_with_key
    offer = OfferFactory(partner=partner)
    actions.card_revoke(card=card, acting_user=card.holder, reason="zgubiona")
    client = _client(key)
    response = client.post(
        f"/api/v1/karta/partners/{partner.slug}/uses/", _use(offer, token), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "card_revoked"
    assert UsageEvent.objects.count() == 0
    revocations = client.get("/api/v1/karta/revocations/").json()
    assert revocations["revoked"] == [card.number]


def test_an_expired_token_is_refused(partner_with_key: Any, card: Any) -> None:
    partner, key = partner_with_key
    old = actions.card_token(card=card, now=timezone.now() - timedelta(days=2))
    response = _client(key).post(
        f"/api/v1/karta/partners/{partner.slug}/check/", {"token": old}, format="json"
    )
    assert response.json()["error"]["code"] == "token_expired"


def test_a_use_is_recorded_once_with_the_discount(
    partner_with_key: Any, card: Any, token: str
) -> None:
    partner, key = partner_with_key
    offer = OfferFactory(partner=partner, percent=25, regular_price=Decimal("40.00"))
    client = _client(key)
    url = f"/api/v1/karta/partners/{partner.slug}/uses/"
    first = client.post(url, _use(offer, token), format="json")
    replay = client.post(url, _use(offer, token), format="json")
    assert first.status_code == 201
    assert first.json()["discount"] == "10.00"
    assert replay.status_code == 200
    assert replay.json()["duplicate"] is True
    event = UsageEvent.objects.get()
    assert (event.holder_group, event.district_id, event.age_band) == ("adult", 1, "26-64")


def test_a_partner_key_cannot_act_for_another_partner(partner_with_key: Any, token: str) -> None:
    partner, key = partner_with_key
    other = PartnerFactory()
    offer = OfferFactory(partner=other)
    client = _client(key)
    for path in ("check/", "uses/", "uses/bulk/"):
        response = client.post(
            f"/api/v1/karta/partners/{other.slug}/{path}",
            {"events": [_use(offer, token)], **_use(offer, token)},
            format="json",
        )
        assert response.status_code == 403
        assert "token" not in str(response.json())
    assert UsageEvent.objects.count() == 0


def test_another_partners_offer_cannot_be_recorded(partner_with_key: Any, token: str) -> None:
    partner, key = partner_with_key
    foreign = OfferFactory()
    response = _client(key).post(
        f"/api/v1/karta/partners/{partner.slug}/uses/", _use(foreign, token), format="json"
    )
    assert response.json()["error"]["code"] == "offer_not_applicable"
    assert UsageEvent.objects.count() == 0


@pytest.mark.parametrize("header", ["", "Partner nonsense", "Partner", "Token kkp_x"])
def test_without_a_valid_partner_key_nothing_is_answered(header: str, token: str) -> None:
    partner = PartnerFactory()
    offer = OfferFactory(partner=partner)
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(
        f"/api/v1/karta/partners/{partner.slug}/uses/", _use(offer, token), format="json"
    )
    assert response.status_code in (401, 403)
    assert client.get("/api/v1/karta/revocations/").status_code in (401, 403)
    assert UsageEvent.objects.count() == 0


def test_bulk_upload_answers_each_event(partner_with_key: Any, token: str) -> None:
    partner, key = partner_with_key
    offer = OfferFactory(partner=partner)
    events = [
        _use(offer, token, "a"),
        _use(offer, token, "b"),
        _use(offer, token, "a"),
        _use(offer, "KK1.forged.x", "c"),
        {"event_id": "d"},
        _use(offer, token, "e", occurred_at=(timezone.now() - timedelta(days=60)).isoformat()),
    ]
    response = _client(key).post(
        f"/api/v1/karta/partners/{partner.slug}/uses/bulk/", {"events": events}, format="json"
    )
    results = response.json()["results"]
    assert [r.get("recorded") for r in results] == [True, True, False, None, None, None]
    assert results[3]["error"]["code"] == "token_malformed"
    assert results[4]["error"]["code"] == "invalid"
    assert results[5]["error"]["code"] == "occurred_at"
    assert set(UsageEvent.objects.values_list("event_id", flat=True)) == {"a", "b"}


def test_database_refuses_a_duplicate_event_id(
    partner_with_key: Any, card: Any, token: str
) -> None:
    from django.db import IntegrityError, transaction

    partner, _ = partner_with_key
    offer = OfferFactory(partner=partner)
    actions.usage_record(
        partner=partner, token=token, offer_id=offer.pk, event_id="x", occurred_at=timezone.now()
    )
    event = UsageEvent.objects.get()
    event.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_public_keys_endpoint_publishes_no_private_material(client: Any) -> None:
    response = client.get("/api/v1/karta/keys/")
    assert response.status_code == 200
    for entry in response.json()["keys"]:
        assert set(entry) == {"kid", "kty", "crv", "x", "use", "alg"}
