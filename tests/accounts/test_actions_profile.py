from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.actions import (
    notification_preferences_update,
    profile_update,
    resident_verify_in_person,
)
from accounts.models import NotificationPreference, User
from tests.accounts.factories import UserFactory, make_pesel

pytestmark = pytest.mark.django_db


def test_pesel_sets_birth_date_and_sex(user):
    profile_update(user=user, acting_user=user, pesel=make_pesel(date(1990, 3, 4), female=True))
    user.refresh_from_db()
    assert user.birth_date == date(1990, 3, 4)
    assert user.sex == "F"
    assert user.history.first().history_user == user


@pytest.mark.parametrize(
    ("pesel", "message"),
    [
        ("123", "11 cyfr"),
        ("44051401457", "cyfra kontrolna"),
    ],
)
def test_bad_pesel_is_a_field_error_and_nothing_is_saved(user, pesel, message):
    with pytest.raises(ValidationError) as exc:
        profile_update(user=user, acting_user=user, pesel=pesel, first_name="Zmiana")
    assert message in exc.value.message_dict["pesel"][0]
    user.refresh_from_db()
    assert user.pesel is None
    assert user.first_name == "Anna"


def test_pesel_of_another_account_is_a_clear_field_error(user, other_user):
    number = make_pesel(date(1985, 1, 2))
    profile_update(user=other_user, acting_user=other_user, pesel=number)
    with pytest.raises(ValidationError) as exc:
        profile_update(user=user, acting_user=user, pesel=number, first_name="Zmiana")
    assert "innego konta" in exc.value.message_dict["pesel"][0]
    user.refresh_from_db()
    assert user.pesel is None
    assert user.first_name == "Anna"


@pytest.mark.parametrize("postal_code", ["00-950", "31123", "32-100", "3l-123"])
def test_non_krakow_postal_code_is_rejected(user, postal_code):
    with pytest.raises(ValidationError) as exc:
        profile_update(user=user, acting_user=user, postal_code=postal_code)
    assert "30-xxx" in exc.value.message_dict["postal_code"][0]
    assert User.objects.get(pk=user.pk).postal_code == ""


def test_changing_address_after_verification_clears_residency(user, clerk, district):
    profile_update(user=user, acting_user=user, district=district, postal_code="31-123")
    resident_verify_in_person(user=user, document_type="id_card", acting_user=clerk)
    profile_update(user=user, acting_user=user, first_name="Anna Maria")
    user.refresh_from_db()
    assert user.resident_verified_at is not None  # a name change keeps residency
    profile_update(user=user, acting_user=user, street_address="ul. Nowa 1")
    user.refresh_from_db()
    assert user.resident_verified_at is None
    assert user.resident_verified_by is None
    assert user.resident_verification_document == ""


def test_in_person_verification_records_clerk_and_document_type_only(user, clerk, district):
    profile_update(user=user, acting_user=user, district=district)
    resident_verify_in_person(user=user, document_type="passport", acting_user=clerk)
    user.refresh_from_db()
    assert user.resident_verified_by == clerk
    assert user.resident_verification_document == "passport"
    assert user.history.first().history_user == clerk


def test_notification_preferences_are_saved_and_validated(user, district):
    notification_preferences_update(
        user=user,
        topics=["budget", "district"],
        district_ids=[district.pk],
        digest_frequency="daily",
        acting_user=user,
    )
    pref = NotificationPreference.objects.get(user=user)
    assert pref.topics == ["budget", "district"]
    assert list(pref.districts.all()) == [district]
    with pytest.raises(ValidationError):
        notification_preferences_update(
            user=user, topics=["spam"], district_ids=[], digest_frequency="hourly", acting_user=user
        )
    pref.refresh_from_db()
    assert pref.digest_frequency == "daily"


def test_other_users_are_not_touched(user, other_user):
    profile_update(user=user, acting_user=user, first_name="Ewa")
    assert User.objects.get(pk=other_user.pk).first_name == "Anna"
    assert UserFactory._meta.model is User
