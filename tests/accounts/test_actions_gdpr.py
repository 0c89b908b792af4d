from datetime import date

import pytest
from allauth.account.models import EmailAddress

from accounts import registry
from accounts.actions import (
    account_delete,
    api_token_create,
    consent_record,
    notification_preferences_update,
    profile_update,
)
from accounts.models import ApiToken, ConsentRecord, NotificationPreference, User
from accounts.selectors import personal_data_export
from tests.accounts.factories import make_pesel

pytestmark = pytest.mark.django_db


def test_export_contains_own_data_and_every_contributor(user, other_user, district):
    pesel = make_pesel(date(1970, 5, 6))
    profile_update(user=user, acting_user=user, pesel=pesel, district=district)
    api_token_create(user=user, name="mój skrypt", acting_user=user)
    api_token_create(user=other_user, name="cudzy", acting_user=other_user)
    data = personal_data_export(user=user)
    assert data["accounts"]["pesel"] == pesel
    assert [token["name"] for token in data["accounts"]["api_tokens"]] == ["mój skrypt"]
    assert {c.key for c in registry.gdpr_contributors()} <= set(data)
    assert other_user.email not in str(data)


def test_deletion_anonymises_cuts_links_and_calls_contributors(user, district, monkeypatch):
    erased = []
    monkeypatch.setitem(
        registry._gdpr,
        "test",
        registry.GdprContributor(key="test", export=lambda u: None, erase=erased.append),
    )
    profile_update(
        user=user, acting_user=user, pesel=make_pesel(date(1970, 5, 6)), district=district
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    api_token_create(user=user, name="x", acting_user=user)
    notification_preferences_update(
        user=user, topics=["budget"], district_ids=[], digest_frequency="daily", acting_user=user
    )
    consent_record(user=user, kind="terms", channel="online", acting_user=user)
    old_email = user.email

    account_delete(user=user, acting_user=user)

    user.refresh_from_db()
    assert erased == [user]
    assert user.email is None
    assert user.pesel is None
    assert user.first_name == ""
    assert user.district is None
    assert user.birth_date is None
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.anonymised_at is not None
    assert not EmailAddress.objects.filter(email=old_email).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not NotificationPreference.objects.filter(user=user).exists()
    # The consent log is kept, history no longer holds the old personal values.
    assert ConsentRecord.objects.filter(user=user).count() == 1
    assert not user.history.filter(email=old_email).exists()
    assert User.objects.filter(pk=user.pk).exists()


def test_too_many_tokens_are_refused(user):
    from django.core.exceptions import ValidationError

    from accounts.actions import MAX_ACTIVE_TOKENS

    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=user, name=f"t{n}", acting_user=user)
    with pytest.raises(ValidationError):
        api_token_create(user=user, name="jeden za dużo", acting_user=user)
    assert ApiToken.objects.filter(user=user).count() == MAX_ACTIVE_TOKENS


def test_token_secret_is_only_stored_as_hash(user):
    token, secret = api_token_create(user=user, name="x", acting_user=user)
    assert token.key_hash == ApiToken.hash(secret)
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
