"""Object-level permission checks in one place (R-ACC-6).

Every view and endpoint that scopes data by role asks these functions, never the
RoleAssignment table directly. Superusers pass every check; inactive users none.
"""

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from accounts.models import Department, Role, RoleAssignment, User

AnyUser = User | AnonymousUser


def _active_assignments(user: User, role: str) -> "Q":
    today: date = timezone.localdate()
    return Q(user=user, role=role) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def has_role(
    user: AnyUser, role: str, *, district_id: int | None = None, department_code: str | None = None
) -> bool:
    """True when the user holds ``role`` (within the district/department when given)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    query = RoleAssignment.objects.filter(_active_assignments(user, role))
    if district_id is not None:
        query = query.filter(district_id=district_id)
    if department_code is not None:
        query = query.filter(department__code=department_code)
    return query.exists()


def council_district_ids(user: AnyUser) -> set[int]:
    """Districts whose council the user sits on (empty for everyone else)."""
    if not isinstance(user, User) or not user.is_active:
        return set()
    rows = RoleAssignment.objects.filter(_active_assignments(user, Role.COUNCIL_MEMBER))
    return {
        district_id for district_id in rows.values_list("district_id", flat=True) if district_id
    }


def clerk_department_codes(user: AnyUser) -> set[str]:
    if not isinstance(user, User) or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Department.objects.values_list("code", flat=True))
    rows = RoleAssignment.objects.filter(_active_assignments(user, Role.CLERK))
    return set(rows.values_list("department__code", flat=True))


def is_council_member_of(user: AnyUser, district_id: int) -> bool:
    return has_role(user, Role.COUNCIL_MEMBER, district_id=district_id)


def is_clerk_of(user: AnyUser, department_code: str) -> bool:
    return has_role(user, Role.CLERK, department_code=department_code)


def is_moderator(user: AnyUser) -> bool:
    return has_role(user, Role.MODERATOR)


def is_assistant(user: AnyUser) -> bool:
    return has_role(user, Role.ASSISTANT)


def is_owner(user: AnyUser, owner_id: int | None) -> bool:
    """A resident's own object: the only non-staff path to personal data."""
    return bool(
        user.is_authenticated and user.is_active and owner_id is not None and user.pk == owner_id
    )
