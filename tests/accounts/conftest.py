from typing import Any

import pytest

from accounts.actions import role_grant
from accounts.models import Department, Role
from districts.models import District
from tests.accounts.factories import UserFactory


@pytest.fixture
def district(db: Any) -> District:
    return District.objects.order_by("number").first()  # type: ignore[return-value]


@pytest.fixture
def assistant(db: Any) -> Any:
    user = UserFactory()
    role_grant(user=user, role=Role.ASSISTANT, acting_user=None)
    return user


@pytest.fixture
def clerk(db: Any) -> Any:
    """A clerk of the residents' department (the group's permissions come from migrations)."""
    user = UserFactory()
    department, _ = Department.objects.get_or_create(code="wsm", defaults={"name": "WSM"})
    role_grant(user=user, role=Role.CLERK, acting_user=None, department=department)
    return user


@pytest.fixture
def council_member(db: Any, district: District) -> Any:
    user = UserFactory()
    role_grant(user=user, role=Role.COUNCIL_MEMBER, acting_user=None, district_id=district.pk)
    return user
