"""The clerks' admin for buildings, barriers and remediation tasks writes only through
``accessibility.actions`` (history records the clerk), shows an action's refusal on the form
(200, nothing changed) and is scoped to the clerk's department (the coordinator: all)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accessibility.models import Barrier, Building, RemediationTask
from accounts.actions import role_grant
from accounts.models import Role
from districts.models import District
from tests.accessibility.factories import building, clerk_of, department, task_for
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_mfa")]

WHO = [
    "anonymous",
    "user",
    "other_user",
    "other_clerk",
    "council_member",
    "adm_clerk",
    "coordinator",
]
ALLOWED = {"adm_clerk", "coordinator"}


@pytest.fixture
def admin_mfa(monkeypatch: Any) -> None:
    """The admin requires an MFA-confirmed session (tested in tests/accounts); here every
    signed-in session counts as one, so the tests reach this app's own checks."""
    monkeypatch.setattr("accounts.admin_site.session_is_mfa_authenticated", lambda request: True)


@pytest.fixture
def council_member(db: Any) -> Any:
    district = District.objects.order_by("pk").first()
    assert district is not None
    member = UserFactory(is_staff=True)
    role_grant(user=member, role=Role.COUNCIL_MEMBER, acting_user=None, district_id=district.pk)
    return member


def _login(request: Any, client: Any, who: str) -> Any:
    if who == "anonymous":
        return None
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


def _building_data(b: Building, **changes: Any) -> dict[str, Any]:
    data = {
        "name": b.name,
        "slug": b.slug,
        "address": b.address,
        "functions": b.functions,
        "department": b.department_id or "",
        "district": b.district_id or "",
        "acquired_year": b.acquired_year or "",
        "audit_state": b.audit_state,
        "summary": b.summary,
    }
    count = b.barriers.count() if b.pk else 0
    data["barriers-TOTAL_FORMS"] = data["barriers-INITIAL_FORMS"] = count
    if b.heritage_protected:
        data["heritage_protected"] = "on"
    data.update(changes)
    return data


def _task_data(task: RemediationTask, **changes: Any) -> dict[str, Any]:
    data = {
        "barrier": task.barrier_id,
        "title": task.title,
        "status": task.status,
        "planned_start": task.planned_start or "",
        "planned_end": task.planned_end or "",
        "completed_on": task.completed_on or "",
        "cost": task.cost if task.cost is not None else "",
        "blocker": task.blocker,
        "notes": task.notes,
    }
    data.update(changes)
    return data


def _barrier_data(barrier: Barrier, **changes: Any) -> dict[str, Any]:
    count = barrier.tasks.count()
    data = {
        "building": barrier.building_id,
        "requirement": barrier.requirement,
        "description": barrier.description,
        "severity": barrier.severity,
        "found_on": barrier.found_on or "",
        "tasks-TOTAL_FORMS": count,
        "tasks-INITIAL_FORMS": count,
    }
    data.update(changes)
    return data


# --- writes through the actions, with history ------------------------------------------------


def test_coordinator_adds_a_building_and_history_records_them(client: Any, coordinator: Any):
    client.force_login(coordinator)
    data = _building_data(
        Building(slug="nowy", name="Nowy budynek"), department=department("ADM").pk
    )
    response = client.post(reverse("admin:accessibility_building_add"), data)
    assert response.status_code == 302
    created = Building.objects.get(slug="nowy")
    assert created.department is not None
    assert created.department.code == "ADM"
    record = created.history.get()
    assert record.history_type == "+"
    assert record.history_user == coordinator


def test_department_clerk_changes_own_building_with_history(client: Any, adm_clerk: Any):
    b = building()
    client.force_login(adm_clerk)
    response = client.post(
        reverse("admin:accessibility_building_change", args=[b.pk]),
        _building_data(b, summary="Winda w budowie"),
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.summary == "Winda w budowie"
    latest = b.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == adm_clerk


def test_clerk_adds_barrier_and_task_through_actions(client: Any, adm_clerk: Any):
    b = building()
    client.force_login(adm_clerk)
    response = client.post(
        reverse("admin:accessibility_barrier_add"),
        {
            "building": b.pk,
            "requirement": "toilet",
            "description": "Brak toalety dostępnej",
            "severity": "high",
            "found_on": "",
            "tasks-TOTAL_FORMS": 0,
            "tasks-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    barrier = Barrier.objects.get(building=b)
    assert barrier.history.get().history_user == adm_clerk
    response = client.post(
        reverse("admin:accessibility_remediationtask_add"),
        {
            "barrier": barrier.pk,
            "title": "Przebudowa toalety",
            "status": "planned",
            "planned_start": "2026-03-01",
            "planned_end": "2026-06-30",
            "completed_on": "",
            "cost": "120000.50",
            "blocker": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    task = RemediationTask.objects.get(barrier=barrier)
    assert str(task.cost) == "120000.50"
    assert task.history.get().history_user == adm_clerk


def test_deleting_a_building_records_the_clerk_on_every_removed_row(client: Any, adm_clerk: Any):
    b = building()
    task = task_for(b)
    client.force_login(adm_clerk)
    response = client.post(
        reverse("admin:accessibility_building_delete", args=[b.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Building.objects.filter(pk=b.pk).exists()
    assert RemediationTask.history.get(id=task.pk, history_type="-").history_user == adm_clerk
    assert Barrier.history.get(id=task.barrier_id, history_type="-").history_user == adm_clerk
    assert Building.history.get(id=b.pk, history_type="-").history_user == adm_clerk


def test_bulk_delete_action_goes_through_the_action(client: Any, adm_clerk: Any):
    task = task_for(building())
    client.force_login(adm_clerk)
    response = client.post(
        reverse("admin:accessibility_remediationtask_changelist"),
        {"action": "delete_selected", "_selected_action": [task.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not RemediationTask.objects.filter(pk=task.pk).exists()
    assert RemediationTask.history.get(id=task.pk, history_type="-").history_user == adm_clerk


# --- refusals are form errors: 200, nothing changed ------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "blocked", "blocker": ""}, "Wstrzymane zadanie musi mieć wskazaną przeszkodę"),
        ({"status": "done", "completed_on": ""}, "Podaj datę zakończenia zadania"),
        (
            {"planned_start": "2026-06-01", "planned_end": "2026-01-01"},
            "Planowany koniec nie może być przed planowanym początkiem",
        ),
    ],
)
def test_refused_task_change_answers_200_with_error_and_changes_nothing(
    client: Any, adm_clerk: Any, changes: dict[str, Any], message: str
):
    task = task_for(building(), status="planned")
    before = task.history.count()
    client.force_login(adm_clerk)
    response = client.post(
        reverse("admin:accessibility_remediationtask_change", args=[task.pk]),
        _task_data(task, **changes),
    )
    assert response.status_code == 200
    assert message in response.text
    task.refresh_from_db()
    assert task.status == "planned"
    assert task.planned_start is None
    assert task.history.count() == before


def test_barrier_found_in_the_future_is_refused_on_the_form(client: Any, adm_clerk: Any):
    barrier = task_for(building()).barrier
    client.force_login(adm_clerk)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("admin:accessibility_barrier_change", args=[barrier.pk]),
        _barrier_data(barrier, found_on=tomorrow.isoformat(), description="Zmieniony opis"),
    )
    assert response.status_code == 200
    assert "nie może być z przyszłości" in response.text
    barrier.refresh_from_db()
    assert barrier.description == "Schody przy wejściu"
    assert barrier.found_on is None


def test_clerk_cannot_move_a_building_to_another_department(client: Any, adm_clerk: Any):
    b = building()
    other = department("PODATKI")
    client.force_login(adm_clerk)
    response = client.post(
        reverse("admin:accessibility_building_change", args=[b.pk]),
        _building_data(b, department=other.pk),
    )
    assert response.status_code == 200
    assert "errornote" in response.text
    b.refresh_from_db()
    assert b.department is not None
    assert b.department.code == "ADM"


def test_clerk_cannot_add_a_barrier_to_another_departments_building(client: Any, other_clerk: Any):
    b = building()
    client.force_login(other_clerk)
    response = client.post(
        reverse("admin:accessibility_barrier_add"),
        {
            "building": b.pk,
            "requirement": "",
            "description": "Próba",
            "severity": "low",
            "tasks-TOTAL_FORMS": 0,
            "tasks-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert not b.barriers.exists()


# --- department matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_building_change_matrix(request: Any, client: Any, who: str):
    b = building()
    before = b.history.count()
    _login(request, client, who)
    response = client.post(
        reverse("admin:accessibility_building_change", args=[b.pk]),
        _building_data(b, summary="Zmienione"),
    )
    b.refresh_from_db()
    if who in ALLOWED:
        assert response.status_code == 302
        assert b.summary == "Zmienione"
    else:
        assert response.status_code in (302, 403)
        assert b.summary == ""
        assert b.history.count() == before


@pytest.mark.parametrize("who", WHO)
def test_task_change_matrix(request: Any, client: Any, who: str):
    task = task_for(building())
    _login(request, client, who)
    response = client.post(
        reverse("admin:accessibility_remediationtask_change", args=[task.pk]),
        _task_data(task, status="in_progress", planned_start=date(2026, 5, 1).isoformat()),
    )
    task.refresh_from_db()
    if who in ALLOWED:
        assert response.status_code == 302
        assert task.status == "in_progress"
    else:
        assert response.status_code in (302, 403)
        assert task.status == "planned"


@pytest.mark.parametrize("who", WHO)
def test_barrier_delete_matrix(request: Any, client: Any, who: str):
    barrier = task_for(building()).barrier
    _login(request, client, who)
    response = client.post(
        reverse("admin:accessibility_barrier_delete", args=[barrier.pk]), {"post": "yes"}
    )
    assert response.status_code in (302, 403)
    assert Barrier.objects.filter(pk=barrier.pk).exists() is (who not in ALLOWED)


def test_clerk_lists_only_own_departments_records(
    client: Any, adm_clerk: Any, django_assert_max_num_queries: Any
):
    own = building("wlasny", "ADM")
    foreign = building("obcy", "PODATKI")
    for b in (own, foreign):
        for _ in range(10):
            task_for(b)
    client.force_login(adm_clerk)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("admin:accessibility_remediationtask_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 10
    with django_assert_max_num_queries(30):
        response = client.get(reverse("admin:accessibility_barrier_changelist"))
    assert response.context["cl"].result_count == 10
    response = client.get(reverse("admin:accessibility_building_changelist"))
    slugs = {row.slug for row in response.context["cl"].result_list}
    assert "wlasny" in slugs
    assert "obcy" not in slugs
    response = client.get(reverse("admin:accessibility_building_change", args=[foreign.pk]))
    assert response.status_code == 302  # "does not exist" for another department's building


def test_coordinator_sees_every_department(client: Any, coordinator: Any):
    building("wlasny", "ADM")
    building("obcy", "PODATKI")
    client.force_login(coordinator)
    response = client.get(reverse("admin:accessibility_building_changelist"))
    slugs = {row.slug for row in response.context["cl"].result_list}
    assert {"wlasny", "obcy"} <= slugs


def test_staff_clerk_elsewhere_is_not_shown_the_accessibility_admin(client: Any):
    clerk = clerk_of("PODATKI")
    building()
    client.force_login(clerk)
    response = client.get(reverse("admin:accessibility_building_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
