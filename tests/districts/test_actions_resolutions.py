from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from districts import actions
from districts.models import (
    DeadlineOverride,
    Resolution,
    ResolutionStatus,
    ResolutionTask,
    TaskStatus,
)
from tests.districts.factories import draft, on

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Resolution.objects.order_by("pk").values()),
        list(ResolutionTask.objects.order_by("pk").values()),
    )


def test_member_creates_a_draft_and_adds_tasks(year, district_a, member_a):
    resolution = draft(district_a, member_a, year)
    assert resolution.status == ResolutionStatus.DRAFT
    assert resolution.tasks.count() == 3
    assert resolution.history.first().history_user == member_a


@pytest.mark.parametrize("number", ["123/2025", "XII-123-2025", "XII/0/2025", "ABC/1/2025", ""])
def test_a_malformed_number_is_refused(year, district_a, member_a, number):
    with pytest.raises(ValidationError) as error:
        actions.resolution_draft_create(
            district=district_a,
            year=year,
            number=number,
            adopted_on=timezone.localdate(),
            acting_user=member_a,
        )
    assert "number" in error.value.message_dict
    assert not Resolution.objects.exists()


def test_the_number_must_carry_the_year_of_adoption(year, district_a, member_a):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        actions.resolution_draft_create(
            district=district_a,
            year=year,
            number=f"XII/123/{today.year - 1}",
            adopted_on=today,
            acting_user=member_a,
        )
    assert not Resolution.objects.exists()


def test_database_refuses_a_malformed_number(year, district_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(
            district=district_a, year=year, number="bad", adopted_on=timezone.localdate()
        )


@pytest.mark.parametrize("amount", ["-100.00", "0", "0.001", "x"])
def test_a_task_with_a_bad_amount_is_refused(year, district_a, member_a, amount):
    resolution = draft(district_a, member_a, year)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        actions.resolution_task_add(
            resolution=resolution,
            title="Ławki",
            category="other",
            amount=amount,
            implementing_unit="ZZM",
            acting_user=member_a,
        )
    assert "amount" in error.value.message_dict
    assert _snapshot() == before


def test_database_refuses_a_non_positive_task_amount(year, district_a, member_a):
    resolution = draft(district_a, member_a, year)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResolutionTask.objects.create(
            resolution=resolution, title="x", category="other", amount=0, implementing_unit="x"
        )


def test_tasks_over_the_allocation_are_refused(year, district_a, member_a):
    resolution = draft(district_a, member_a, year)
    funds = actions.district_allocation(district_id=district_a.pk, year=year)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        actions.resolution_task_add(
            resolution=resolution,
            title="Za dużo",
            category="sport",
            amount=(funds * Decimal("0.10")).quantize(Decimal("0.01")),
            implementing_unit="ZIS",
            acting_user=member_a,
        )
    assert error.value.error_dict["amount"][0].code == "over_allocation"
    assert _snapshot() == before


def test_a_member_of_another_district_cannot_touch_the_draft(year, district_a, member_a, member_b):
    resolution = draft(district_a, member_a, year)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        actions.resolution_task_add(
            resolution=resolution,
            title="Obce",
            category="other",
            amount=Decimal("1.00"),
            implementing_unit="x",
            acting_user=member_b,
        )
    with pytest.raises(PermissionDenied):
        actions.resolution_file(resolution=resolution, acting_user=member_b)
    with pytest.raises(PermissionDenied):
        actions.resolution_task_remove(task=resolution.tasks.first(), acting_user=member_b)
    with pytest.raises(PermissionDenied):
        actions.resolution_draft_create(
            district=resolution.district,
            year=year + 1,
            number="I/1/2025",
            adopted_on=date(2025, 1, 1),
            acting_user=member_b,
        )
    assert _snapshot() == before


def test_non_members_cannot_create_drafts(year, district_a, user, plain_clerk, reviewer):
    for someone in (user, plain_clerk, reviewer):
        with pytest.raises(PermissionDenied):
            actions.resolution_draft_create(
                district=district_a,
                year=year,
                number=f"I/1/{timezone.localdate().year}",
                adopted_on=timezone.localdate(),
                acting_user=someone,
            )
    assert not Resolution.objects.exists()


def test_a_compliant_draft_is_filed_before_the_deadline(year, district_a, member_a):
    resolution = draft(district_a, member_a, year)
    filed = actions.resolution_file(resolution=resolution, acting_user=member_a)
    assert filed.status == ResolutionStatus.FILED
    assert filed.filed_by == member_a


def test_a_draft_may_break_the_statutory_shares_but_cannot_be_filed(year, district_a, member_a):
    resolution = draft(district_a, member_a, year, compliant=False)
    check = actions.resolution_check(resolution)
    assert check is not None
    assert not check.ok
    assert {v.category for v in check.violations} == {"repairs_small_infrastructure", "disability"}
    with pytest.raises(ValidationError) as error:
        actions.resolution_file(resolution=resolution, acting_user=member_a)
    assert len(error.value.messages) == 2
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.DRAFT


def test_late_filing_is_refused_with_the_reason(year, district_a, member_a):
    resolution = draft(district_a, member_a, year)
    with pytest.raises(ValidationError) as error:
        actions.resolution_file(
            resolution=resolution, acting_user=member_a, now=on(date(year, 4, 1))
        )
    assert error.value.code == "late"
    assert f"31.03.{year}" in error.value.messages[0]
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.DRAFT


def test_the_deadline_is_configurable_per_year(year, district_a, member_a):
    actions.funds_plan_set(
        year=year,
        total=actions.FundsPlanYear.objects.get(year=year).total,
        filing_deadline=date(year, 4, 30),
        acting_user=None,
    )
    resolution = draft(district_a, member_a, year)
    filed = actions.resolution_file(
        resolution=resolution, acting_user=member_a, now=on(date(year, 4, 15))
    )
    assert filed.status == ResolutionStatus.FILED


def test_a_clerks_recorded_override_allows_late_filing(year, district_a, member_a, reviewer):
    resolution = draft(district_a, member_a, year)
    override = actions.deadline_override_grant(
        district=district_a,
        year=year,
        reason="Sesja przełożona z powodu braku kworum",
        valid_until=date(year, 4, 10),
        acting_user=reviewer,
    )
    assert override.history.first().history_user == reviewer
    filed = actions.resolution_file(
        resolution=resolution, acting_user=member_a, now=on(date(year, 4, 5))
    )
    assert filed.status == ResolutionStatus.FILED


def test_an_override_cannot_be_granted_by_a_clerk_without_permission(
    year, district_a, plain_clerk, member_a
):
    with pytest.raises(PermissionDenied):
        actions.deadline_override_grant(
            district=district_a,
            year=year,
            reason="x",
            valid_until=date(year, 4, 10),
            acting_user=plain_clerk,
        )
    with pytest.raises(PermissionDenied):
        actions.deadline_override_grant(
            district=district_a,
            year=year,
            reason="x",
            valid_until=date(year, 4, 10),
            acting_user=member_a,
        )
    assert not DeadlineOverride.objects.exists()


def test_clerk_accepts_or_returns_with_comments(year, district_a, member_a, reviewer):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    with pytest.raises(ValidationError):
        actions.resolution_review(
            resolution=resolution, accept=False, comment=" ", acting_user=reviewer
        )
    returned = actions.resolution_review(
        resolution=resolution, accept=False, comment="Popraw jednostkę", acting_user=reviewer
    )
    assert returned.status == ResolutionStatus.RETURNED
    assert returned.review_comment == "Popraw jednostkę"
    assert returned.reviewed_by == reviewer


def test_review_is_refused_to_members_and_clerks_without_permission(
    year, district_a, member_a, plain_clerk
):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    before = _snapshot()
    for someone in (member_a, plain_clerk):
        with pytest.raises(PermissionDenied):
            actions.resolution_review(
                resolution=resolution, accept=True, comment="", acting_user=someone
            )
    assert _snapshot() == before


def test_a_filed_resolution_cannot_be_edited_only_amended(year, district_a, member_a, reviewer):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    with pytest.raises(ValidationError):
        actions.resolution_task_remove(task=resolution.tasks.first(), acting_user=member_a)
    actions.resolution_review(resolution=resolution, accept=True, comment="", acting_user=reviewer)
    amended = actions.resolution_amend(resolution=resolution, acting_user=member_a)
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.SUPERSEDED
    assert (amended.version, amended.previous, amended.status) == (2, resolution, "draft")
    assert amended.tasks.count() == resolution.tasks.count() == 3


def test_only_one_live_version_per_district_and_year(year, district_a, member_a):
    resolution = draft(district_a, member_a, year)
    with pytest.raises(ValidationError):
        actions.resolution_draft_create(
            district=district_a,
            year=year,
            number=resolution.number,
            adopted_on=resolution.adopted_on,
            acting_user=member_a,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(
            district=district_a,
            year=year,
            version=2,
            number=resolution.number,
            adopted_on=resolution.adopted_on,
        )


def test_task_progress_is_recorded_with_history(year, district_a, member_a, member_b, reviewer):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    task = resolution.tasks.first()
    with pytest.raises(PermissionDenied):
        actions.task_progress_update(
            task=task, status="done", committed=1, spent=1, acting_user=member_b
        )
    with pytest.raises(ValidationError):
        actions.task_progress_update(
            task=task, status="done", committed="-1", spent="0", acting_user=member_a
        )
    with pytest.raises(ValidationError):
        actions.task_progress_update(
            task=task, status="done", committed="10", spent="20", acting_user=member_a
        )
    task.refresh_from_db()
    assert (task.status, task.spent) == (TaskStatus.PLANNED, 0)
    actions.task_progress_update(
        task=task,
        status=TaskStatus.IN_PROGRESS,
        committed=Decimal("1000.00"),
        spent=Decimal("250.50"),
        acting_user=reviewer,
    )
    task.refresh_from_db()
    assert (task.status, task.spent) == ("in_progress", Decimal("250.50"))
    assert task.history.first().history_user == reviewer


def test_adoption_date_cannot_be_in_the_future(year, district_a, member_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError):
        actions.resolution_draft_create(
            district=district_a,
            year=year,
            number=f"I/1/{tomorrow.year}",
            adopted_on=tomorrow,
            acting_user=member_a,
        )
