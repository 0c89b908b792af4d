import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from districts import actions
from districts.models import TaskAttachment
from tests.districts.factories import draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def task(year, district_a, member_a):
    resolution = actions.resolution_file(
        resolution=draft(district_a, member_a, year), acting_user=member_a
    )
    return resolution.tasks.first()


def test_a_photo_is_stored_under_a_generated_name(task, member_a):
    attachment = actions.task_attachment_add(
        task=task, kind="photo", title="Nowy chodnik", data=_png(), acting_user=member_a
    )
    assert attachment.content_type == "image/png"
    assert attachment.file.name.startswith("districts/tasks/")
    assert attachment.file.name.endswith(".png")
    assert attachment.history.first().history_user == member_a


def test_a_pdf_document_is_accepted(task, reviewer):
    attachment = actions.task_attachment_add(
        task=task, kind="document", title="Protokół odbioru", data=_pdf(), acting_user=reviewer
    )
    assert attachment.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("photo", b"\x89PNG\r\n\x1a\nnot really a png"),
        ("photo", b"GIF89a..."),
        ("document", b"%PDF-1.7 broken"),
        ("photo", b""),
        ("photo", b"<html><script>alert(1)</script>"),
    ],
)
def test_files_whose_content_is_not_what_they_claim_are_refused(task, member_a, kind, data):
    with pytest.raises(ValidationError) as error:
        actions.task_attachment_add(
            task=task, kind=kind, title="x", data=data, acting_user=member_a
        )
    assert "file" in error.value.message_dict
    assert not TaskAttachment.objects.exists()


def test_a_pdf_is_not_accepted_as_a_photo(task, member_a):
    with pytest.raises(ValidationError):
        actions.task_attachment_add(
            task=task, kind="photo", title="x", data=_pdf(), acting_user=member_a
        )
    assert not TaskAttachment.objects.exists()


def test_too_big_files_are_refused(task, member_a):
    with pytest.raises(ValidationError):
        actions.task_attachment_add(
            task=task,
            kind="photo",
            title="x",
            data=_png() + b"\0" * actions.MAX_ATTACHMENT_BYTES,
            acting_user=member_a,
        )
    assert not TaskAttachment.objects.exists()


def test_others_cannot_attach(task, member_b, user, plain_clerk):
    for someone in (member_b, user, plain_clerk):
        with pytest.raises(PermissionDenied):
            actions.task_attachment_add(
                task=task, kind="photo", title="x", data=_png(), acting_user=someone
            )
    assert not TaskAttachment.objects.exists()


def test_upload_page_and_public_listing(client, task, member_a, member_b, district_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/dzielnice/zadania/{task.pk}/zalaczniki/"
    data = {"kind": "photo", "title": "Po remoncie"}
    client.force_login(member_b)
    response = client.post(url, {**data, "file": SimpleUploadedFile("a.png", _png())})
    assert response.status_code == 403
    client.force_login(member_a)
    response = client.post(url, {**data, "file": SimpleUploadedFile("a.png", b"fake")})
    assert response.status_code == 400
    assert "JPEG" in response.content.decode()
    assert not TaskAttachment.objects.exists()
    response = client.post(url, {**data, "file": SimpleUploadedFile("zdjecie.png", _png())})
    assert response.status_code == 302
    client.logout()
    html = client.get(f"/dzielnice/{district_a.slug}/zadania/").content.decode()
    assert "Po remoncie" in html
    assert "zdjecie.png" not in html


def test_amendment_keeps_the_attachments(task, member_a, reviewer):
    actions.task_attachment_add(
        task=task, kind="photo", title="Zdjęcie", data=_png(), acting_user=member_a
    )
    new = actions.resolution_amend(resolution=task.resolution, acting_user=member_a)
    assert TaskAttachment.objects.filter(task__resolution=new).count() == 1
