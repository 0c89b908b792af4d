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


@pytest.fixture
def family_verifier(db: Any) -> Any:
    return _with_perms(UserFactory(is_staff=True), "verify_largefamily")


@pytest.fixture
def card_clerk(db: Any) -> Any:
    return _with_perms(UserFactory(is_staff=True), "manage_card")


@pytest.fixture
def key_manager(db: Any) -> Any:
    return _with_perms(UserFactory(is_staff=True), "manage_partner_keys")


@pytest.fixture
def admin_mfa(monkeypatch: Any) -> None:
    """The admin requires an MFA-confirmed session (tested in tests/accounts); here every
    signed-in session counts as one, so the tests reach Karta's own permission checks."""
    monkeypatch.setattr("accounts.admin_site.session_is_mfa_authenticated", lambda request: True)
