from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from karta import actions, keys
from karta.cardnumbers import is_valid_card_number
from karta.models import Card
from karta.tokens import export_jwks, load_jwks, verify_token
from tests.karta.factories import ApprovedApplicationFactory, birth_years_ago

pytestmark = pytest.mark.django_db


def test_a_card_needs_an_approved_status(resident: Any) -> None:
    with pytest.raises(ValidationError):
        actions.card_issue(holder=resident, carrier="mobile", acting_user=resident)
    assert Card.objects.count() == 0


def test_card_gets_a_luhn_number_and_the_status_validity() -> None:
    status = ApprovedApplicationFactory()
    card = actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    assert is_valid_card_number(card.number)
    assert card.valid_until == status.valid_until
    assert card.holder_group == "adult"
    assert card.history.first().history_user == status.user


def test_child_card_ends_before_the_eighteenth_birthday() -> None:
    status = ApprovedApplicationFactory()
    birth = timezone.localdate() - timedelta(days=365 * 18 - 100)
    card = actions.card_issue(
        holder=status.user,
        carrier="plastic",
        acting_user=status.user,
        child_first_name="Zosia",
        child_birth_date=birth,
    )
    assert card.holder_group == "child"
    assert card.valid_until < birth.replace(year=birth.year + 18)


def test_no_child_card_for_an_adult_child() -> None:
    status = ApprovedApplicationFactory()
    with pytest.raises(ValidationError):
        actions.card_issue(
            holder=status.user,
            carrier="plastic",
            acting_user=status.user,
            child_first_name="Jan",
            child_birth_date=birth_years_ago(19),
        )
    assert Card.objects.count() == 0


def test_one_live_card_per_carrier_and_person() -> None:
    status = ApprovedApplicationFactory()
    actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    with pytest.raises(ValidationError):
        actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    assert Card.objects.count() == 1


def test_senior_group_from_birth_date() -> None:
    status = ApprovedApplicationFactory(user__birth_date=birth_years_ago(70))
    card = actions.card_issue(holder=status.user, carrier="transport", acting_user=status.user)
    assert card.holder_group == "senior"


def test_token_verifies_with_only_the_published_public_key() -> None:
    status = ApprovedApplicationFactory()
    card = actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    token = actions.card_token(card=card)
    # The partner holds nothing but the JWKS document: no private key, no database.
    public_only = load_jwks(export_jwks(keys.public_keys()))
    verified = verify_token(token, public_only, timezone.now())
    assert verified.card_number == card.number
    assert verified.holder_group == "adult"
    assert verified.expires_at <= timezone.now() + keys.TOKEN_LIFETIME


def test_no_token_for_a_revoked_card(resident: Any) -> None:
    status = ApprovedApplicationFactory()
    card = actions.card_issue(holder=status.user, carrier="mobile", acting_user=status.user)
    actions.card_revoke(card=card, acting_user=status.user, reason="zgubiona")
    card.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.card_token(card=card)


def test_configured_keys_rotate_by_kid(settings: Any) -> None:
    from karta.tokens import generate_private_key, private_key_to_pem

    old, new = generate_private_key(), generate_private_key()
    settings.KARTA_SIGNING_KEYS = {
        "2026a": private_key_to_pem(old),
        "2026b": private_key_to_pem(new),
    }
    settings.KARTA_SIGNING_KID = "2026b"
    assert keys.current_kid() == "2026b"
    assert set(keys.public_keys()) == {"2026a", "2026b"}
    assert all("d" not in entry for entry in keys.jwks()["keys"])
