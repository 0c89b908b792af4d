"""``pesel_lookup(assisting=True)``: the one allowance for assistants without
``accounts.view_user`` — logged like any other look-up; no one else gains anything."""

from datetime import date

import pytest

from accounts.actions import pesel_lookup, role_grant
from accounts.models import PeselLookup, Role
from tests.accounts.factories import UserFactory, make_pesel

pytestmark = pytest.mark.django_db


@pytest.fixture
def assistant():  # type: ignore[no-untyped-def]
    person = UserFactory(is_staff=True)
    role_grant(user=person, role=Role.ASSISTANT, acting_user=None)
    return person


def test_assistant_needs_the_explicit_allowance(assistant):
    with pytest.raises(PermissionError):
        pesel_lookup(pesel=make_pesel(date(1970, 1, 1)), purpose="ankieta", acting_user=assistant)
    assert not PeselLookup.objects.exists()


def test_assisting_lookup_is_logged_found_or_not(assistant):
    person = UserFactory(pesel=make_pesel(date(1971, 2, 3)))
    assert (
        pesel_lookup(pesel=person.pesel, purpose="ankieta 1", acting_user=assistant, assisting=True)
        == person
    )
    missing = make_pesel(date(1972, 3, 4))
    assert (
        pesel_lookup(pesel=missing, purpose="ankieta 2", acting_user=assistant, assisting=True)
        is None
    )
    rows = list(PeselLookup.objects.order_by("pk").values("clerk", "purpose", "found"))
    assert rows == [
        {"clerk": assistant.pk, "purpose": "ankieta 1", "found": person.pk},
        {"clerk": assistant.pk, "purpose": "ankieta 2", "found": None},
    ]
    assert person.pesel not in str(rows)
    assert missing not in str(rows)


@pytest.mark.parametrize("who", ["resident", "inactive_assistant", "clerk_without_view_user"])
def test_assisting_grants_nothing_to_anyone_else(who, assistant):
    if who == "resident":
        acting = UserFactory()
    elif who == "inactive_assistant":
        assistant.is_active = False
        assistant.save(update_fields=["is_active"])
        acting = assistant
    else:
        acting = UserFactory(is_staff=True)  # staff, no role, no permission
    with pytest.raises(PermissionError):
        pesel_lookup(
            pesel=make_pesel(date(1970, 1, 1)),
            purpose="ankieta",
            acting_user=acting,
            assisting=True,
        )
    assert not PeselLookup.objects.exists()
