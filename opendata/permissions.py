"""Who may change what in the open-data catalogue (object level)."""

from accounts.permissions import AnyUser, is_clerk_of
from opendata.models import Organization


def can_manage_organization(user: AnyUser, organization: Organization) -> bool:
    """Superusers, and clerks of the department that publishes through ``organization``."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(organization.department_code) and is_clerk_of(user, organization.department_code)
