"""Accessibility test data: clerks by department, buildings, websites."""

from typing import Any

from accessibility.models import Barrier, Building, RemediationTask, Website
from accounts.actions import role_grant
from accounts.models import Department, Role
from tests.accounts.factories import UserFactory


def department(code: str) -> Department:
    return Department.objects.get_or_create(code=code, defaults={"name": f"Wydział {code}"})[0]


def clerk_of(code: str, **kwargs: Any) -> Any:
    user = UserFactory(is_staff=True, **kwargs)
    role_grant(user=user, role=Role.CLERK, acting_user=None, department=department(code))
    return user


def building(slug: str = "test-budynek", department_code: str | None = "ADM") -> Building:
    return Building.objects.get_or_create(
        slug=slug,
        defaults={
            "name": f"Budynek {slug}",
            "address": "ul. Testowa 1, Kraków",
            "department": department(department_code) if department_code else None,
        },
    )[0]


def task_for(b: Building, **kwargs: Any) -> RemediationTask:
    barrier = Barrier.objects.create(building=b, description="Schody przy wejściu", severity="high")
    return RemediationTask.objects.create(barrier=barrier, title="Podjazd", **kwargs)


def website(slug: str = "test-serwis", url: str = "https://example.org/") -> Website:
    return Website.objects.get_or_create(
        slug=slug, defaults={"name": f"Serwis {slug}", "url": url, "kind": "website"}
    )[0]
