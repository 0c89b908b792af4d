"""Cases: numbering, hashing, deadlines, workflow, assignment, messages (R-SRV-3)."""

import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from services.actions import (
    case_assign,
    case_message_send,
    case_note_add,
    case_submit,
    case_transition,
    confirmation_payload,
    draft_save,
    form_definition_publish,
    services_load_reference,
)
from services.canonical import canonical_json, submission_sha256
from services.formengine import DefinitionForm
from services.models import Case, CaseCounter, CaseStatus, Draft, FormDefinition
from services.selectors import service_definition, submission_by_hash
from tests.accounts.factories import UserFactory
from tests.services.conftest import animal_post


def _submit(service: Any, user: Any, now: datetime | None = None, **overrides: Any) -> Case:
    definition = service_definition(service=service)
    form = DefinitionForm(definition.schema, animal_post(**overrides))
    assert form.is_valid(), form.errors
    return case_submit(
        service=service,
        definition=definition,
        applicant=user,
        data=form.submission(),
        acting_user=user,
        now=now,
    )


def test_case_numbers_are_department_year_sequence(animal_service: Any, user: Any) -> None:
    first = _submit(animal_service, user)
    second = _submit(animal_service, user)
    year = first.submitted_at.year
    assert first.number == f"KS/{year}/000001"
    assert second.number == f"KS/{year}/000002"


def test_numbering_restarts_each_year_in_warsaw_time(animal_service: Any, user: Any) -> None:
    # 31 Dec 2026 23:30 UTC is already 1 Jan 2027 in Kraków
    case = _submit(animal_service, user, now=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert case.number == "KS/2027/000001"
    assert case.year == 2027


def test_failed_submission_gives_its_number_back(animal_service: Any, user: Any) -> None:
    definition = service_definition(service=animal_service)
    with pytest.raises(ValidationError):
        case_submit(
            service=animal_service,
            definition=definition,
            applicant=user,
            data={"owner": {}, "animal": {}, "declarations": {}},
            uploads={"owner.first_name": _NotAFile()},  # type: ignore[dict-item]
            acting_user=user,
        )
    assert Case.objects.count() == 0
    assert _submit(animal_service, user).sequence == 1


class _NotAFile:
    name = "x.exe"

    def seek(self, _pos: int) -> None:
        pass

    def read(self) -> bytes:
        return b"MZ" + b"\x00" * 30


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_gap_free_numbers() -> None:
    services_load_reference()
    from services.models import Service

    service = Service.objects.get(slug="sterylizacja-kastracja-czipowanie")
    users = [UserFactory() for _ in range(6)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(users))

    def work(u: Any) -> None:
        try:
            barrier.wait()
            _submit(service, u)
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Case.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert CaseCounter.objects.get().last == 6


def test_sha256_covers_the_canonical_submission(animal_service: Any, user: Any) -> None:
    case = _submit(animal_service, user)
    payload = confirmation_payload(case)
    assert case.submission_sha256 == submission_sha256(payload)
    raw = canonical_json(payload)
    assert b": " not in raw
    assert b", " not in raw
    assert raw.index(b'"data"') < raw.index(b'"definition_version"') < raw.index(b'"number"')
    found = submission_by_hash(sha256=case.submission_sha256.upper())
    assert found is not None
    assert found.number == case.number


def test_verification_by_unknown_or_malformed_hash_finds_nothing(animal_case: Any) -> None:
    assert submission_by_hash(sha256="0" * 64) is None
    assert submission_by_hash(sha256="' OR 1=1 --") is None


def test_deadline_follows_kpa_with_holidays(animal_service: Any, user: Any) -> None:
    # submitted 30 Oct 2026 → one month → 30 Nov 2026 (Monday)
    case = _submit(animal_service, user, now=datetime(2026, 10, 30, 10, tzinfo=UTC))
    assert case.deadline == date(2026, 11, 30)
    # submitted 1 Dec 2026 → 1 Jan 2027 is New Year → 2 Jan Saturday, 3 Sunday → 4 Jan
    case = _submit(animal_service, user, now=datetime(2026, 12, 1, 10, tzinfo=UTC))
    assert case.deadline == date(2027, 1, 4)
    assert case.is_overdue_on(date(2027, 1, 5))
    assert not case.is_overdue_on(date(2027, 1, 4))


def test_complex_service_gets_two_months(flat_service: Any, user: Any) -> None:
    assert flat_service.complex_case
    assert flat_service.statutory_deadline_months == 2


def test_submission_deletes_the_draft_and_keeps_the_definition_version(
    animal_service: Any, user: Any, staff_user: Any
) -> None:
    definition = service_definition(service=animal_service)
    draft_save(service=animal_service, definition=definition, owner=user, data={"owner": {}})
    case = _submit(animal_service, user)
    assert not Draft.objects.filter(owner=user).exists()
    newer = form_definition_publish(
        service=animal_service, schema=definition.schema, acting_user=staff_user
    )
    assert newer.version == definition.version + 1
    case.refresh_from_db()
    assert case.definition == definition


def test_submitting_with_a_replaced_definition_is_refused(
    animal_service: Any, user: Any, staff_user: Any
) -> None:
    old = service_definition(service=animal_service)
    form = DefinitionForm(old.schema, animal_post())
    assert form.is_valid()
    form_definition_publish(service=animal_service, schema=old.schema, acting_user=staff_user)
    with pytest.raises(ValidationError) as excinfo:
        case_submit(
            service=animal_service,
            definition=old,
            applicant=user,
            data=form.submission(),
            acting_user=user,
        )
    assert excinfo.value.code == "stale_definition"
    assert Case.objects.count() == 0


def test_invalid_definition_is_not_published(animal_service: Any, staff_user: Any) -> None:
    with pytest.raises(ValidationError):
        form_definition_publish(
            service=animal_service, schema={"sections": []}, acting_user=staff_user
        )
    assert FormDefinition.objects.filter(service=animal_service).count() == 1


def test_workflow_allows_only_listed_transitions(animal_case: Any, clerk: Any) -> None:
    with pytest.raises(ValidationError):
        case_transition(case=animal_case, to_status=CaseStatus.APPROVED, acting_user=clerk)
    for status in (
        CaseStatus.REGISTERED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.AWAITING_RESIDENT,
        CaseStatus.IN_PROGRESS,
        CaseStatus.APPROVED,
        CaseStatus.CLOSED,
    ):
        animal_case = case_transition(case=animal_case, to_status=status, acting_user=clerk)
    assert animal_case.status == CaseStatus.CLOSED
    assert animal_case.decided_at is not None
    history = list(animal_case.history.order_by("history_date"))
    assert history[-1].history_user == clerk
    assert [h.status for h in history][-3:] == ["in_progress", "approved", "closed"]


@pytest.mark.parametrize("who", ["owner", "other_clerk", "council_member", "staff_user"])
def test_only_clerks_of_the_department_move_or_annotate_cases(
    animal_case: Any, who: str, request: pytest.FixtureRequest
) -> None:
    actor = animal_case.applicant if who == "owner" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        case_transition(case=animal_case, to_status=CaseStatus.REGISTERED, acting_user=actor)
    with pytest.raises(PermissionDenied):
        case_note_add(case=animal_case, body="x", acting_user=actor)
    with pytest.raises(PermissionDenied):
        case_assign(cases=[animal_case], clerk=None, acting_user=actor)
    animal_case.refresh_from_db()
    assert animal_case.status == CaseStatus.SUBMITTED
    assert animal_case.notes.count() == 0


def test_assignment_needs_a_clerk_of_the_same_department(
    animal_case: Any, clerk: Any, other_clerk: Any
) -> None:
    with pytest.raises(ValidationError):
        case_assign(cases=[animal_case], clerk=other_clerk, acting_user=clerk)
    assert case_assign(cases=[animal_case], clerk=clerk, acting_user=clerk) == 1
    animal_case.refresh_from_db()
    assert animal_case.assigned_clerk == clerk
    assert animal_case.history.first().history_user == clerk


def test_clerk_message_notifies_the_resident_by_email(
    animal_case: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case_message_send(case=animal_case, body="Prosimy o kontakt.", acting_user=clerk)
    assert len(mail.outbox) == 1
    assert animal_case.number in mail.outbox[0].subject
    assert "Prosimy o kontakt" not in mail.outbox[0].body  # a notice, not the content


def test_resident_message_sends_no_email_and_empty_one_is_refused(
    animal_case: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = case_message_send(
            case=animal_case, body="Dzień dobry", acting_user=animal_case.applicant
        )
    assert not message.from_office
    assert mail.outbox == []
    with pytest.raises(ValidationError):
        case_message_send(case=animal_case, body="   ", acting_user=animal_case.applicant)
    assert animal_case.messages.count() == 1


def test_other_resident_cannot_message_a_case(
    animal_case: Any, other_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(PermissionDenied):
            case_message_send(case=animal_case, body="Hej", acting_user=other_user)
    assert callbacks == []
    assert animal_case.messages.count() == 0
    assert mail.outbox == []
