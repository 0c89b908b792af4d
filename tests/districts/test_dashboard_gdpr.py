"""The districts panel on "My city" and what districts contributes to the GDPR export and
deletion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.actions import account_delete
from accounts.registry import dashboard_panels, gdpr_contributors
from accounts.selectors import personal_data_export
from districts import actions
from districts.models import CouncilOffice, CouncilSession, Resolution, TaskAttachment
from tests.districts.factories import draft

pytestmark = pytest.mark.django_db


def _panel():
    return next(p for p in dashboard_panels() if p.key == "districts")


def test_panel_shows_the_residents_district(
    client, year, district_a, member_a, user, django_assert_max_num_queries
):
    # given: a resident of district A, its seat, a session and a filed resolution
    user.district = district_a
    user.save()
    CouncilOffice.objects.create(district=district_a, seat_address="ul. Ćwiklińskiej 2")
    CouncilSession.objects.create(
        district=district_a,
        number="XI",
        starts_at=timezone.now() + timedelta(days=2),
        place="Sala obrad",
    )
    filed = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )

    # when
    with django_assert_max_num_queries(8):
        context = _panel().context(user)

    # then
    assert context is not None
    assert context["district"] == district_a
    assert context["seat"].address == "ul. Ćwiklińskiej 2"
    assert [s.number for s in context["sessions"]] == ["XI"]
    assert context["resolutions"] == [filed]
    client.force_login(user)
    html = client.get("/moje-konto/").content.decode()
    assert "ul. Ćwiklińskiej 2" in html
    assert filed.number in html
    assert f"/dzielnice/{district_a.slug}/zadania/" in html


def test_panel_without_a_district_points_to_the_profile(client, user):
    context = _panel().context(user)
    assert context == {"district": None, "is_member": False}
    client.force_login(user)
    html = client.get("/moje-konto/").content.decode()
    assert "/moje-konto/profil/" in html or "profil" in html


def test_panel_for_a_council_member_links_the_council_page(member_a):
    assert _panel().context(member_a)["is_member"] is True


def test_export_lists_membership_authorship_uploads_and_overrides(
    settings, tmp_path, year, district_a, member_a, reviewer
):
    settings.MEDIA_ROOT = str(tmp_path)
    import io

    from PIL import Image

    filed = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    actions.resolution_review(resolution=filed, accept=True, comment="", acting_user=reviewer)
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="PNG")
    actions.task_attachment_add(
        task=filed.tasks.first(),
        kind="photo",
        title="Po remoncie",
        data=buffer.getvalue(),
        acting_user=member_a,
    )
    actions.deadline_override_grant(
        district=district_a,
        year=year,
        reason="Kworum",
        valid_until=timezone.localdate(),
        acting_user=reviewer,
    )

    member_data = personal_data_export(user=member_a)["districts"]
    clerk_data = personal_data_export(user=reviewer)["districts"]

    assert member_data["council_member_of"] == [district_a.name]
    assert [r["number"] for r in member_data["resolutions_created"]] == [filed.number]
    assert member_data["resolutions_filed"][0]["filed_at"]
    assert member_data["task_attachments_uploaded"][0]["title"] == "Po remoncie"
    assert member_data["resolutions_reviewed"] == []
    assert clerk_data["resolutions_reviewed"][0]["status"] == "accepted"
    assert clerk_data["deadline_overrides_granted"][0]["reason"] == "Kworum"


def test_deletion_keeps_the_public_records_linked_to_the_anonymised_account(
    year, district_a, member_a
):
    filed = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    assert any(c.key == "districts" for c in gdpr_contributors())

    account_delete(user=member_a, acting_user=member_a)

    filed = Resolution.objects.get(pk=filed.pk)
    assert filed.status == "filed"
    assert filed.filed_by_id == member_a.pk
    member_a.refresh_from_db()
    assert member_a.email is None
    assert member_a.first_name == ""
    assert not actions.can_edit_district(member_a, district_a.pk)
    assert TaskAttachment.objects.count() == 0
