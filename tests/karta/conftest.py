from typing import Any

import pytest
from django.contrib.auth.models import Permission

from accounts.actions import role_grant
from karta import actions
from tests.accounts.factories import UserFactory
from tests.karta.factories import PartnerFactory, ResidentFactory


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture
def resident(db: Any) -> Any:
    return ResidentFactory()


@pytest.fixture
def other_resident(db: Any) -> Any:
    return ResidentFactory()


def _with_perms(user: Any, *codenames: str) -> Any:
    for codename in codenames:
        user.user_permissions.add(
            Permission.objects.get(codename=codename, content_type__app_label="karta")
        )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def clerk_without_permission(db: Any) -> Any:
    return UserFactory(is_staff=True)


@pytest.fixture
def reviewer(db: Any) -> Any:
    user = UserFactory(is_staff=True)
    return _with_perms(
        user, "review_statusapplication", "view_statusapplication", "change_statusapplication"
    )


@pytest.fixture
def analyst(db: Any) -> Any:
    return _with_perms(UserFactory(is_staff=True), "view_analytics")


@pytest.fixture
def council_member(db: Any) -> Any:
    user = ResidentFactory()
    role_grant(user=user, role="council_member", acting_user=None, district_id=1)
    return user


@pytest.fixture
def partner_with_key(db: Any) -> tuple[Any, str]:
    partner = PartnerFactory()
    key = actions.partner_api_key_issue(partner=partner, acting_user=None)  # type: ignore[arg-type]
    return partner, key
