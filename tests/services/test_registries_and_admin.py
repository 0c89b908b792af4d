"""Dashboard panel, GDPR, open-data statistics and the clerk work queue in the admin."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from accounts.registry import dashboard_panels, gdpr_contributors
from opendata.registry import registered_datasets
from services.actions import case_transition
from services.models import Case, CaseStatus, Draft
from services.selectors import service_statistics
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import enable_totp, mfa_login
from tests.services.test_actions_cases import _submit


def _admin_login(client: Any, user: Any) -> None:
    # The admin asks for a session confirmed with the second factor.
    mfa_login(client, user, enable_totp(user))


def test_statistics_count_cases_and_median_handling_time(
    animal_service: Any, user: Any, clerk: Any
) -> None:
    for days in (2, 4, 10):
        case = _submit(animal_service, user, now=datetime(2026, 3, 10, 9, tzinfo=UTC))
        for status in ("registered", "in_progress", "approved"):
            case = case_transition(case=case, to_status=status, acting_user=clerk)
        Case.objects.filter(pk=case.pk).update(
            decided_at=datetime(2026, 3, 10, 9, tzinfo=UTC) + timedelta(days=days)
        )
    _submit(animal_service, user, now=datetime(2026, 3, 31, 22, 30, tzinfo=UTC))  # April in PL
    rows = service_statistics()
    assert rows == [
        {
            "service": animal_service.slug,
            "month": "2026-03",
            "cases": 3,
            "decided": 3,
            "median_handling_days": 4.0,
        },
        {
            "service": animal_service.slug,
            "month": "2026-04",
            "cases": 1,
            "decided": 0,
            "median_handling_days": None,
        },
    ]
    dataset = next(d for d in registered_datasets() if d.slug == "e-uslugi-statystyki")
    assert list(dataset.rows()) == rows
    assert "pesel" not in str(rows).lower()


def test_dashboard_panel_shows_own_cases_only(animal_case: Any, other_user: Any) -> None:
    panel = next(p for p in dashboard_panels() if p.key == "services-cases")
    assert panel.context(other_user) is None
    context = panel.context(animal_case.applicant)
    assert context is not None
    assert context["cases"] == [animal_case]


def test_gdpr_exports_cases_and_erases_drafts(animal_case: Any, animal_service: Any) -> None:
    from services.actions import draft_save
    from services.selectors import service_definition

    user = animal_case.applicant
    draft_save(
        service=animal_service,
        definition=service_definition(service=animal_service),
        owner=user,
        data={"owner": {"first_name": "A"}},
    )
    contributor = next(c for c in gdpr_contributors() if c.key == "services")
    export = contributor.export(user)
    assert export["cases"][0]["number"] == animal_case.number
    assert export["drafts"][0]["data"]["owner"]["first_name"] == "A"
    contributor.erase(user)
    assert not Draft.objects.filter(owner=user).exists()
    assert Case.objects.filter(pk=animal_case.pk).exists()  # official record, kept


@pytest.mark.parametrize(
    ("who", "sees"),
    [("clerk", True), ("other_clerk", False), ("staff_user", False)],
)
def test_admin_work_queue_is_scoped_to_the_clerks_departments(
    client: Any, animal_case: Any, who: str, sees: bool, request: pytest.FixtureRequest
) -> None:
    _admin_login(client, request.getfixturevalue(who))
    response = client.get(reverse("admin:services_case_changelist"))
    if sees:
        assert response.status_code == 200
        assert animal_case.number in response.text
    else:
        assert response.status_code in (302, 403) or animal_case.number not in response.text
    detail = client.get(reverse("admin:services_case_change", args=[animal_case.pk]))
    assert (detail.status_code == 200) is sees


def test_admin_overdue_filter_and_bulk_assignment(
    client: Any, animal_case: Any, clerk: Any
) -> None:
    Case.objects.filter(pk=animal_case.pk).update(deadline=datetime(2020, 1, 2).date())  # noqa: DTZ001
    _admin_login(client, clerk)
    url = reverse("admin:services_case_changelist")
    assert animal_case.number in client.get(url, {"po_terminie": "1"}).text
    response = client.post(
        url, {"action": "assign_to_me", "_selected_action": [animal_case.pk]}, follow=True
    )
    assert response.status_code == 200
    animal_case.refresh_from_db()
    assert animal_case.assigned_clerk == clerk


def test_admin_transition_form_moves_the_case_and_adds_a_note(
    client: Any, animal_case: Any, clerk: Any
) -> None:
    _admin_login(client, clerk)
    url = reverse("admin:services_case_change", args=[animal_case.pk])
    client.post(url, {"to_status": CaseStatus.REGISTERED, "note": "Sprawdzono dane."})
    animal_case.refresh_from_db()
    assert animal_case.status == CaseStatus.REGISTERED
    assert animal_case.notes.get().author == clerk
    client.post(url, {"to_status": CaseStatus.CLOSED, "note": ""})
    animal_case.refresh_from_db()
    assert animal_case.status == CaseStatus.REGISTERED  # not an allowed move: nothing changed


def test_definition_editor_rejects_invalid_json_and_publishes_a_new_version(
    client: Any, animal_service: Any
) -> None:
    admin_client = client
    _admin_login(client, UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:services_formdefinition_add")
    response = admin_client.post(url, {"service": animal_service.pk, "schema_text": "{oops"})
    assert response.status_code == 200
    assert "JSON" in response.text
    response = admin_client.post(
        url, {"service": animal_service.pk, "schema_text": '{"sections": []}'}
    )
    assert response.status_code == 200
    assert "sections" in response.text
    assert animal_service.definitions.count() == 1
    schema = animal_service.definitions.get().schema
    import json

    response = admin_client.post(
        url, {"service": animal_service.pk, "schema_text": json.dumps(schema)}
    )
    assert response.status_code == 302
    assert sorted(animal_service.definitions.values_list("version", flat=True)) == [1, 2]
    preview = admin_client.get(
        reverse(
            "admin:services_formdefinition_preview",
            args=[animal_service.definitions.get(version=2).pk],
        )
    )
    assert preview.status_code == 200
    assert 'name="f-animal-species"' in preview.text
