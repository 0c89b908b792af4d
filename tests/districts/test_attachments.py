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


def _jpeg_with_gps() -> bytes:
    """A 40×20 JPEG as a phone writes it: GPS position, camera make and serial, a comment and
    an orientation tag (rotate 90° clockwise to show it upright)."""
    from PIL import ExifTags

    image = Image.new("RGB", (40, 20), "blue")
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Model-SN-12345"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 3.0, 41.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (19.0, 56.0, 16.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"Jan Kowalski, ul. Prywatna 1")
    return buffer.getvalue()


def test_photo_metadata_with_gps_is_stripped_and_orientation_kept(task, member_a):
    # given: a phone photo with a GPS position, camera serial and a comment
    data = _jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the GPS block really is there
    assert b"PhoneMaker" in data

    # when
    attachment = actions.task_attachment_add(
        task=task, kind="photo", title="Chodnik", data=data, acting_user=member_a
    )

    # then: no EXIF (no GPS, no camera), no comment; rotated upright; still a JPEG
    stored = attachment.file.read()
    assert attachment.size == len(stored)
    assert b"PhoneMaker" not in stored
    assert b"Model-SN-12345" not in stored
    assert b"Kowalski" not in stored
    assert b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info
        assert "comment" not in image.info
        assert image.size == (20, 40)


def test_png_text_and_exif_chunks_are_stripped(task, member_a):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jan Kowalski")
    info.add_text("GPS", "50.06,19.94")
    image = Image.new("RGBA", (6, 6), (255, 0, 0, 128))
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, exif=exif)

    attachment = actions.task_attachment_add(
        task=task, kind="photo", title="x", data=buffer.getvalue(), acting_user=member_a
    )

    stored = attachment.file.read()
    assert b"Kowalski" not in stored
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as clean:
        assert clean.format == "PNG"
        assert clean.mode == "RGBA"
        assert not clean.getexif()
        assert not getattr(clean, "text", {})


def test_a_decompression_bomb_photo_is_refused(task, member_a, monkeypatch):
    monkeypatch.setattr(actions, "MAX_PHOTO_PIXELS", 100)
    buffer = io.BytesIO()
    Image.new("L", (20, 20)).save(buffer, format="PNG")
    with pytest.raises(ValidationError) as error:
        actions.task_attachment_add(
            task=task, kind="photo", title="x", data=buffer.getvalue(), acting_user=member_a
        )
    assert error.value.error_dict["file"][0].code == "pixels"
    assert not TaskAttachment.objects.exists()


def test_attachment_removal_deletes_the_file_and_is_scoped(
    task, member_a, member_b, user, plain_clerk, reviewer, django_capture_on_commit_callbacks
):
    attachment = actions.task_attachment_add(
        task=task, kind="photo", title="x", data=_png(), acting_user=member_a
    )
    storage, name = attachment.file.storage, attachment.file.name
    for someone in (member_b, user, plain_clerk):
        with pytest.raises(PermissionDenied):
            actions.task_attachment_remove(attachment=attachment, acting_user=someone)
    assert TaskAttachment.objects.filter(pk=attachment.pk).exists()
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        actions.task_attachment_remove(attachment=attachment, acting_user=reviewer)

    assert not TaskAttachment.objects.exists()
    assert not storage.exists(name)


def test_removal_keeps_a_file_shared_with_an_amended_version(
    task, member_a, django_capture_on_commit_callbacks
):
    attachment = actions.task_attachment_add(
        task=task, kind="photo", title="x", data=_png(), acting_user=member_a
    )
    actions.resolution_amend(resolution=task.resolution, acting_user=member_a)
    old = TaskAttachment.objects.get(pk=attachment.pk)
    # the superseded version's task is no longer live: its attachments are frozen
    with pytest.raises(ValidationError):
        actions.task_attachment_remove(attachment=old, acting_user=member_a)
    assert old.file.storage.exists(old.file.name)


def test_remove_page_matrix(client, task, member_a, member_b, user, plain_clerk):
    attachment = actions.task_attachment_add(
        task=task, kind="photo", title="Do usunięcia", data=_png(), acting_user=member_a
    )
    url = f"/dzielnice/zadania/{task.pk}/zalaczniki/{attachment.pk}/usun/"
    assert client.post(url).status_code == 302  # anonymous: to the login page
    for someone in (member_b, user, plain_clerk):
        client.force_login(someone)
        assert client.post(url).status_code == 403
    assert TaskAttachment.objects.filter(pk=attachment.pk).exists()
    client.force_login(member_a)
    page = client.get(f"/dzielnice/zadania/{task.pk}/postep/").content.decode()
    assert "Do usunięcia" in page
    assert url in page
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not TaskAttachment.objects.filter(pk=attachment.pk).exists()
    assert client.post(url).status_code == 404
