"""Large-family entitlement (Karta Dużej Rodziny): upload or check at the office, the clerk's
decision, what it unlocks (cards in the large-family group) and who may do what."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from karta import actions, selectors
from karta.models import Card, EntitlementStatus, LargeFamilyEntitlement
from tests.karta.factories import ApprovedApplicationFactory, pdf_bytes

pytestmark = pytest.mark.django_db

IN_A_YEAR = timedelta(days=365)


def _today() -> Any:
    return timezone.localdate()


@pytest.fixture
def pending(resident: Any) -> LargeFamilyEntitlement:
    return actions.large_family_submit(user=resident, data=pdf_bytes(), acting_user=resident)


def _approved(user: Any, verifier: Any) -> LargeFamilyEntitlement:
    return actions.large_family_verify_in_person(
        user=user, valid_until=_today() + IN_A_YEAR, children_count=3, acting_user=verifier
    )


# --- actions ---------------------------------------------------------------------------------


def test_upload_is_pending_and_a_second_one_is_refused(resident: Any) -> None:
    first = actions.large_family_submit(user=resident, data=pdf_bytes(), acting_user=resident)
    assert first.status == EntitlementStatus.PENDING
    assert first.method == "document"
    assert first.history.first().history_user == resident
    with pytest.raises(ValidationError):
        actions.large_family_submit(user=resident, data=pdf_bytes(), acting_user=resident)
    assert LargeFamilyEntitlement.objects.filter(user=resident).count() == 1


def test_a_disguised_file_is_refused_and_nothing_is_stored(resident: Any) -> None:
    with pytest.raises(ValidationError):
        actions.large_family_submit(user=resident, data=b"MZ\x90\x00evil", acting_user=resident)
    assert not LargeFamilyEntitlement.objects.exists()


def test_approval_needs_three_children_and_a_future_date(
    pending: LargeFamilyEntitlement, family_verifier: Any
) -> None:
    for valid_until, children in (
        (_today() + IN_A_YEAR, 2),
        (_today() - timedelta(days=1), 3),
        (_today() + timedelta(days=4 * 365), 3),
        (None, 3),
    ):
        with pytest.raises(ValidationError):
            actions.large_family_approve(
                entitlement=pending,
                valid_until=valid_until,
                children_count=children,
                acting_user=family_verifier,
            )
    pending.refresh_from_db()
    assert pending.status == EntitlementStatus.PENDING


def test_approval_unlocks_a_large_family_card_until_the_entitlement_ends(
    pending: LargeFamilyEntitlement, family_verifier: Any, django_capture_on_commit_callbacks: Any
) -> None:
    holder = pending.user
    ApprovedApplicationFactory(user=holder)
    with pytest.raises(ValidationError) as refused:
        actions.card_issue(holder=holder, carrier="mobile", acting_user=holder, large_family=True)
    assert refused.value.code == "large_family_required"
    until = _today() + timedelta(days=100)
    with django_capture_on_commit_callbacks(execute=True):
        actions.large_family_approve(
            entitlement=pending, valid_until=until, children_count=4, acting_user=family_verifier
        )
    assert len(mail.outbox) == 1
    card = actions.card_issue(
        holder=holder, carrier="mobile", acting_user=holder, large_family=True
    )
    assert card.holder_group == "large_family"
    assert card.valid_until == until  # earlier than the 12-month resident status


def test_rejection_needs_a_reason_and_mails_the_resident(
    pending: LargeFamilyEntitlement, family_verifier: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ValidationError):
        actions.large_family_reject(entitlement=pending, reason=" ", acting_user=family_verifier)
    with django_capture_on_commit_callbacks(execute=True):
        actions.large_family_reject(
            entitlement=pending, reason="Nieczytelny skan", acting_user=family_verifier
        )
    pending.refresh_from_db()
    assert pending.status == EntitlementStatus.REJECTED
    assert "Nieczytelny skan" in mail.outbox[0].body
    with pytest.raises(ValidationError):
        actions.large_family_approve(
            entitlement=pending,
            valid_until=_today() + IN_A_YEAR,
            children_count=3,
            acting_user=family_verifier,
        )


def test_check_at_the_office_approves_at_once_and_closes_a_pending_upload(
    pending: LargeFamilyEntitlement, family_verifier: Any
) -> None:
    entitlement = _approved(pending.user, family_verifier)
    assert entitlement.method == "clerk"
    assert entitlement.file_name == ""
    assert entitlement.decided_by == family_verifier
    pending.refresh_from_db()
    assert pending.status == EntitlementStatus.REJECTED
    assert actions.current_large_family(pending.user) == entitlement


def test_revoking_the_entitlement_revokes_the_large_family_cards(
    resident: Any, family_verifier: Any
) -> None:
    ApprovedApplicationFactory(user=resident)
    entitlement = _approved(resident, family_verifier)
    family_card = actions.card_issue(
        holder=resident, carrier="mobile", acting_user=resident, large_family=True
    )
    plastic = actions.card_issue(holder=resident, carrier="plastic", acting_user=resident)
    with pytest.raises(ValidationError):
        actions.large_family_revoke(entitlement=entitlement, reason="", acting_user=resident)
    actions.large_family_revoke(
        entitlement=entitlement, reason="KDR unieważniona", acting_user=family_verifier
    )
    family_card.refresh_from_db()
    plastic.refresh_from_db()
    assert family_card.revoked_at is not None
    assert plastic.revoked_at is None
    assert actions.current_large_family(resident) is None


def test_an_expired_entitlement_unlocks_nothing(resident: Any, family_verifier: Any) -> None:
    ApprovedApplicationFactory(user=resident)
    entitlement = _approved(resident, family_verifier)
    LargeFamilyEntitlement.objects.filter(pk=entitlement.pk).update(
        valid_until=_today() - timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        actions.card_issue(
            holder=resident, carrier="mobile", acting_user=resident, large_family=True
        )


def test_the_database_refuses_an_approval_without_children_count(resident: Any) -> None:
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        LargeFamilyEntitlement.objects.create(
            user=resident,
            method="clerk",
            status="approved",
            decided_at=timezone.now(),
            valid_until=_today() + IN_A_YEAR,
        )


def test_gdpr_export_and_erase_include_the_entitlement(
    pending: LargeFamilyEntitlement,
) -> None:
    user = pending.user
    exported = selectors.karta_personal_data(user)
    assert exported["large_family"][0]["id"] == str(pending.public_id)
    actions.karta_personal_data_erase(user=user)
    assert not LargeFamilyEntitlement.objects.filter(user=user).exists()
    assert not LargeFamilyEntitlement.history.filter(user_id=user.pk).exists()


def test_purge_deletes_decided_files_after_retention(
    pending: LargeFamilyEntitlement, family_verifier: Any, settings: Any
) -> None:
    actions.large_family_reject(
        entitlement=pending, reason="Zły dokument", acting_user=family_verifier
    )
    later = timezone.now() + timedelta(days=settings.KARTA_DOCUMENT_RETENTION_DAYS + 1)
    assert actions.status_documents_purge(now=later) == 1
    pending.refresh_from_db()
    assert not pending.has_file
    assert actions.status_documents_purge(now=later) == 0


# --- the resident's page -------------------------------------------------------------------


def test_resident_uploads_on_my_card_page_and_sees_the_choice_once_approved(
    client: Any, resident: Any, family_verifier: Any
) -> None:
    ApprovedApplicationFactory(user=resident)
    client.force_login(resident)
    page = client.get(reverse("karta:my_card")).text
    assert 'name="large_family"' not in page
    response = client.post(
        reverse("karta:my_card"),
        {"form": "family", "family-document": _upload("kdr.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    entitlement = LargeFamilyEntitlement.objects.get(user=resident)
    actions.large_family_approve(
        entitlement=entitlement,
        valid_until=_today() + IN_A_YEAR,
        children_count=3,
        acting_user=family_verifier,
    )
    page = client.get(reverse("karta:my_card")).text
    assert 'name="large_family"' in page
    response = client.post(
        reverse("karta:my_card"), {"form": "card", "carrier": "mobile", "large_family": "on"}
    )
    assert response.status_code == 302
    assert Card.objects.get(holder=resident).holder_group == "large_family"


def test_a_bad_upload_shows_a_translated_error_and_stores_nothing(
    client: Any, resident: Any
) -> None:
    client.force_login(resident)
    response = client.post(
        reverse("karta:my_card"),
        {"form": "family", "family-document": _upload("kdr.pdf", b"%PDF-1.7 broken")},
    )
    assert response.status_code == 400
    assert "error-summary" in response.text
    assert not LargeFamilyEntitlement.objects.exists()


def test_a_forged_large_family_choice_is_refused(client: Any, resident: Any) -> None:
    ApprovedApplicationFactory(user=resident)
    client.force_login(resident)
    client.post(
        reverse("karta:my_card"), {"form": "card", "carrier": "mobile", "large_family": "on"}
    )
    # the field is not offered without an entitlement: the card is an ordinary one
    assert Card.objects.get(holder=resident).holder_group != "large_family"


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


# --- permission matrix: the document and the clerk's screens -------------------------------

WHO = [
    "anonymous",
    "resident",
    "other_resident",
    "clerk_without_permission",
    "family_verifier",
    "council_member",
]


@pytest.mark.parametrize("who", WHO)
def test_large_family_document_is_served_only_to_owner_and_verifiers(
    request: Any, client: Any, pending: LargeFamilyEntitlement, who: str
) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("karta:document", args=[pending.public_id]))
    if who in ("resident", "family_verifier"):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    else:
        assert response.status_code == 404


def test_a_status_reviewer_does_not_see_large_family_documents(
    client: Any, pending: LargeFamilyEntitlement, reviewer: Any
) -> None:
    client.force_login(reviewer)
    assert client.get(reverse("karta:document", args=[pending.public_id])).status_code == 404


@pytest.mark.usefixtures("admin_mfa")
@pytest.mark.parametrize("who", WHO)
def test_only_a_verifier_decides(
    request: Any,
    client: Any,
    pending: LargeFamilyEntitlement,
    who: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = reverse("admin:karta_largefamilyentitlement_decide", args=[pending.pk])
    data = {
        "decision": "approve",
        "grant-valid_until": (_today() + IN_A_YEAR).isoformat(),
        "grant-children_count": "3",
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, data)
    pending.refresh_from_db()
    if who == "family_verifier":
        assert response.status_code == 302
        assert pending.status == EntitlementStatus.APPROVED
        assert pending.history.first().history_user == request.getfixturevalue(who)
    else:
        assert response.status_code in (302, 403)
        assert pending.status == EntitlementStatus.PENDING
        assert pending.history.count() == 1
        assert callbacks == []
        assert mail.outbox == []


@pytest.mark.usefixtures("admin_mfa")
@pytest.mark.parametrize("who", WHO)
def test_only_a_verifier_records_a_check_at_the_office(
    request: Any, client: Any, resident: Any, who: str
) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("admin:karta_largefamilyentitlement_verify"),
        {
            "resident": resident.email,
            "valid_until": (_today() + IN_A_YEAR).isoformat(),
            "children_count": "5",
        },
    )
    if who == "family_verifier":
        assert response.status_code == 302
        assert actions.current_large_family(resident) is not None
    else:
        assert response.status_code in (302, 403)
        assert not LargeFamilyEntitlement.objects.exists()


@pytest.mark.usefixtures("admin_mfa")
def test_verifier_screens_answer_bad_input_with_errors(
    client: Any, family_verifier: Any, pending: LargeFamilyEntitlement
) -> None:
    client.force_login(family_verifier)
    assert client.get(reverse("admin:karta_largefamilyentitlement_changelist")).status_code == 200
    response = client.post(
        reverse("admin:karta_largefamilyentitlement_verify"),
        {"resident": "nobody@example.invalid", "valid_until": "jutro", "children_count": "2"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("admin:karta_largefamilyentitlement_decide", args=[pending.pk]),
        {
            "decision": "approve",
            "grant-valid_until": (_today() + IN_A_YEAR).isoformat(),
            "grant-children_count": "2",
        },
    )
    assert response.status_code == 400
    response = client.post(
        reverse("admin:karta_largefamilyentitlement_decide", args=[pending.pk]),
        {"decision": "reject", "reject-reason": ""},
    )
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == EntitlementStatus.PENDING


@pytest.mark.usefixtures("admin_mfa")
@pytest.mark.parametrize("who", WHO)
def test_only_a_verifier_revokes(
    request: Any, client: Any, resident: Any, family_verifier: Any, who: str
) -> None:
    entitlement = _approved(resident, family_verifier)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("admin:karta_largefamilyentitlement_revoke", args=[entitlement.pk]),
        {"reason": "KDR unieważniona"},
    )
    entitlement.refresh_from_db()
    if who == "family_verifier":
        assert response.status_code == 302
        assert entitlement.status == EntitlementStatus.REVOKED
    else:
        assert response.status_code in (302, 403)
        assert entitlement.status == EntitlementStatus.APPROVED
