"""Accessibility actions: audits, remediation tasks, scans, statement and requests."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accessibility import actions
from accessibility.models import (
    AccessibilityRequest,
    AuditItem,
    Building,
    RemediationTask,
    Requirement,
    Scan,
    ScanStatus,
    Statement,
)
from tests.accessibility.factories import building, task_for, website

pytestmark = pytest.mark.django_db

ALL_MET = {r: ("met", "") for r in Requirement.values}


def test_programme_cases_are_seeded_by_the_migration():
    # given the migrated database, then the programme's real cases are there
    assert (
        Building.objects.get(slug="powstania-warszawskiego-10").barriers.get().tasks.get().status
        == "in_progress"
    )
    assert Building.objects.get(slug="kasprowicza-29").summary.startswith(
        "Trwa dostosowywanie toalet"
    )
    lift = RemediationTask.objects.get(barrier__building__slug="pl-wszystkich-swietych-3-4")
    assert (lift.status, lift.blocker) == ("blocked", "heritage")
    assert Building.objects.get(slug="pl-wszystkich-swietych-3-4").heritage_protected
    x = RemediationTask.objects.get(barrier__building__slug="rada-dzielnicy-x")
    assert (x.status, x.blocker) == ("blocked", "local_plan")
    xii = Building.objects.get(slug="rada-dzielnicy-xii")
    assert xii.district.number == 12
    assert xii.barriers.get().tasks.get().planned_start == date(2025, 7, 1)
    assert (
        Building.objects.filter(
            slug__startswith="budynek-pozyskany-po-2020-", audit_state="scheduled"
        ).count()
        == 4
    )
    assert Statement.objects.get(pk=1).status == "partial"


def test_coordinator_records_a_full_audit_with_history(coordinator):
    b = building()
    audit = actions.building_audit_record(
        building=b,
        audited_on=date(2025, 3, 1),
        auditor="Jan Audytor",
        results=ALL_MET,
        acting_user=coordinator,
    )
    assert audit.items.count() == 7
    b.refresh_from_db()
    assert b.audit_state == "audited"
    assert audit.history.get().history_user == coordinator
    assert b.history.first().history_user == coordinator


def test_department_clerk_may_audit_own_building_but_not_anothers(adm_clerk, other_clerk):
    b = building(department_code="ADM")
    actions.building_audit_record(
        building=b, audited_on=date(2025, 3, 1), auditor="A", results=ALL_MET, acting_user=adm_clerk
    )
    with pytest.raises(PermissionDenied):
        actions.building_audit_record(
            building=b,
            audited_on=date(2025, 3, 2),
            auditor="B",
            results=ALL_MET,
            acting_user=other_clerk,
        )
    assert b.audits.count() == 1


def test_resident_cannot_audit(user):
    b = building()
    with pytest.raises(PermissionDenied):
        actions.building_audit_record(
            building=b, audited_on=date(2025, 3, 1), auditor="A", results=ALL_MET, acting_user=user
        )
    assert not b.audits.exists()


@pytest.mark.parametrize(
    "results",
    [
        {k: v for k, v in ALL_MET.items() if k != "toilet"},
        {**ALL_MET, "elevator": ("met", "")},
        {**ALL_MET, "toilet": ("maybe", "")},
    ],
)
def test_incomplete_or_invalid_audit_is_refused_and_saves_nothing(coordinator, results):
    b = building()
    with pytest.raises(ValidationError):
        actions.building_audit_record(
            building=b,
            audited_on=date(2025, 3, 1),
            auditor="A",
            results=results,
            acting_user=coordinator,
        )
    assert not b.audits.exists()
    assert AuditItem.objects.count() == 0


def test_audit_date_in_the_future_is_refused(coordinator):
    with pytest.raises(ValidationError):
        actions.building_audit_record(
            building=building(),
            audited_on=timezone.localdate() + timedelta(days=1),
            auditor="A",
            results=ALL_MET,
            acting_user=coordinator,
        )


def test_task_update_sets_schedule_and_cost(coordinator):
    task = task_for(building())
    actions.remediation_task_update(
        task=task,
        acting_user=coordinator,
        status="in_progress",
        planned_start=date(2025, 6, 1),
        planned_end=date(2025, 9, 30),
        cost="125000.50",
    )
    task.refresh_from_db()
    assert task.cost == Decimal("125000.50")
    assert task.history.first().history_user == coordinator


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"status": "blocked"}, "blocker"),
        ({"status": "done"}, "completed_on"),
        (
            {
                "status": "planned",
                "planned_start": date(2025, 6, 1),
                "planned_end": date(2025, 5, 1),
            },
            "dates",
        ),
        ({"status": "planned", "cost": "-1"}, "cost"),
        ({"status": "planned", "cost": "1.001"}, "cost"),
        ({"status": "planned", "cost": "abc"}, "cost"),
        ({"status": "nonsense"}, "status"),
    ],
)
def test_invalid_task_update_is_refused_and_changes_nothing(coordinator, kwargs, code):
    task = task_for(building())
    with pytest.raises(ValidationError) as error:
        actions.remediation_task_update(task=task, acting_user=coordinator, **kwargs)
    assert error.value.code == code
    task.refresh_from_db()
    assert (task.status, task.cost) == ("planned", None)


def test_database_refuses_negative_cost_and_reversed_dates():
    b = building()
    with transaction.atomic(), pytest.raises(IntegrityError):
        task_for(b, cost=Decimal("-5"))
    with transaction.atomic(), pytest.raises(IntegrityError):
        task_for(b, planned_start=date(2025, 5, 2), planned_end=date(2025, 5, 1))
    with transaction.atomic(), pytest.raises(IntegrityError):
        task_for(b, status="blocked")


def test_request_gets_seven_day_deadline_and_confirmation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.accessibility_request_submit(
            kind="request",
            name="Anna Nowak",
            email="anna@example.org",
            subject_url="https://portal/",
            description="Brak napisów w filmie",
        )
    assert request.answer_due == timezone.localdate(request.submitted_at) + timedelta(days=7)
    assert len(mail.outbox) == 1
    assert "anna@example.org" in mail.outbox[0].to
    assert request.answer_due.strftime("%d.%m.%Y") in mail.outbox[0].body


def test_request_without_description_is_refused_and_nothing_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        actions.accessibility_request_submit(
            kind="request", name="A", email="a@example.org", subject_url="x", description="  "
        )
    assert not AccessibilityRequest.objects.exists()
    assert mail.outbox == []


def test_only_coordinator_answers_a_request_once(coordinator, adm_clerk):
    request = actions.accessibility_request_submit(
        kind="complaint", name="A", email="a@example.org", subject_url="x", description="y"
    )
    with pytest.raises(PermissionDenied):
        actions.accessibility_request_answer(request=request, answer="OK", acting_user=adm_clerk)
    answered = actions.accessibility_request_answer(
        request=request, answer="Naprawione", acting_user=coordinator
    )
    assert answered.status == "answered"
    assert answered.history.first().history_user == coordinator
    with pytest.raises(ValidationError):
        actions.accessibility_request_answer(
            request=request, answer="Jeszcze raz", acting_user=coordinator
        )


def test_statement_update_requires_coordinator_and_validates(coordinator, adm_clerk):
    with pytest.raises(PermissionDenied):
        actions.statement_update(acting_user=adm_clerk, auditor="X")
    with pytest.raises(ValidationError):
        actions.statement_update(acting_user=coordinator, updated_on=date(2000, 1, 1))
    assert Statement.objects.get().auditor == ""
    actions.statement_update(acting_user=coordinator, auditor="Fundacja Audytorów")
    assert Statement.objects.get().history.first().history_user == coordinator


def test_scan_request_queues_after_commit_and_resident_cannot(
    coordinator, user, mocker, django_capture_on_commit_callbacks
):
    site = website()
    scan_url = mocker.patch(
        "accessibility.tasks.scan_url",
        return_value=[
            {
                "id": "color-contrast",
                "impact": "serious",
                "help": "Contrast",
                "tags": ["wcag2aa", "wcag143"],
                "nodes": [{}, {}],
            },
            {
                "id": "region",
                "impact": "moderate",
                "help": "Landmarks",
                "tags": ["best-practice"],
                "nodes": [{}],
            },
        ],
    )
    with pytest.raises(PermissionDenied):
        actions.scan_request(website=site, acting_user=user)
    assert not Scan.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        scan = actions.scan_request(website=site, acting_user=coordinator)
    scan.refresh_from_db()
    assert scan.status == ScanStatus.DONE
    assert scan.violation_count == 3
    assert sorted(scan.violations.values_list("criterion", "node_count")) == [("", 1), ("1.4.3", 2)]
    # running the task again changes nothing (idempotent)
    from accessibility.tasks import scan_run

    assert scan_run.delay(scan.pk).get() == "skipped"
    assert scan_url.call_count == 1


def test_failed_scan_stores_the_error(coordinator, mocker, django_capture_on_commit_callbacks):
    from accessibility.scanner import ScanError

    mocker.patch("accessibility.tasks.scan_url", side_effect=ScanError("HTTP 500"))
    with django_capture_on_commit_callbacks(execute=True):
        scan = actions.scan_request(website=website(), acting_user=coordinator)
    scan.refresh_from_db()
    assert (scan.status, scan.error) == ("failed", "HTTP 500")


def test_scan_url_must_be_http(coordinator):
    with pytest.raises(ValidationError):
        actions.scan_request(website=website(), url="file:///etc/passwd", acting_user=coordinator)
    assert not Scan.objects.exists()


def test_digital_audit_results_per_criterion(coordinator):
    from accessibility.models import DigitalAudit

    audit = DigitalAudit.objects.get(website__slug="bip", year=2025)
    actions.digital_audit_record_results(
        audit=audit,
        results={"1.4.3": ("fail", "Szare linki"), "1.2.4": ("na", "")},
        acting_user=coordinator,
    )
    assert dict(audit.results.values_list("criterion", "outcome")) == {
        "1.4.3": "fail",
        "1.2.4": "na",
    }
    with pytest.raises(ValidationError):
        actions.digital_audit_record_results(
            audit=audit, results={"2.5.5": ("pass", "")}, acting_user=coordinator
        )


def test_demo_seed_is_idempotent_and_labelled():
    from accessibility import demo
    from accessibility.models import BuildingAudit, Scan

    demo.seed(log=lambda _m: None)
    demo.seed(log=lambda _m: None)
    assert BuildingAudit.objects.filter(auditor__endswith="(DEMO)").count() == 1
    assert Scan.objects.filter(website__slug="demo-e-uslugi").count() == 2


@pytest.mark.parametrize("count", [3, 7, 8])
def test_admin_audit_form_requires_every_requirement_exactly_once(count):
    from django.forms.models import inlineformset_factory

    from accessibility.admin import AuditItemFormSet
    from accessibility.models import BuildingAudit

    formset_class = inlineformset_factory(
        BuildingAudit,
        AuditItem,
        formset=AuditItemFormSet,
        fields=["requirement", "result"],
        extra=0,
    )
    requirements = (Requirement.values + [Requirement.TOILET])[:count]
    data = {"items-TOTAL_FORMS": str(count), "items-INITIAL_FORMS": "0"}
    for index, requirement in enumerate(requirements):
        data[f"items-{index}-requirement"] = requirement
        data[f"items-{index}-result"] = "met"
    formset = formset_class(data, instance=BuildingAudit(), prefix="items")
    assert formset.is_valid() is (count == 7)
