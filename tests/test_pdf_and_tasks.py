"""PDF rendering, the after-commit queueing helper, and a real Celery worker on Redis."""

import io

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

from config import tasks
from config.celery import app, enqueue_after_commit
from config.pdf import render_pdf


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": ["tests/templates"],
        }
    ]
)
def test_a_template_renders_to_a_pdf_that_contains_its_text():
    pdf = render_pdf("pdf_probe.html", {"number": "WSS-II/2026/000123"})
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Potwierdzenie złożenia wniosku" in text
    assert "WSS-II/2026/000123" in text
    # the local stylesheet was applied: its font family is the one embedded
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any("DejaVu-Sans" in name for name in names), names


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_sends_nothing_when_the_transaction_rolls_back(mocker):
    sent = mocker.patch.object(tasks.ping, "apply_async")

    def queue_then_fail() -> None:
        with transaction.atomic():
            enqueue_after_commit(tasks.ping, "x")
            raise RuntimeError("rollback")

    with pytest.raises(RuntimeError):
        queue_then_fail()
    sent.assert_not_called()
    with transaction.atomic():
        enqueue_after_commit(tasks.ping, "y")
        sent.assert_not_called()
    sent.assert_called_once_with(args=("y",), kwargs={})


def test_a_real_worker_takes_a_task_from_the_redis_broker_and_completes_it(settings):
    from celery.contrib.testing.worker import start_worker

    assert app.conf.broker_url.startswith("redis://")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = tasks.ping.delay("hej")
            assert result.get(timeout=20) == "hej"
    finally:
        app.conf.task_always_eager = True


def test_the_periodic_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": ["tests/templates"],
        }
    ]
)
def test_rendering_a_pdf_does_not_make_pillow_accept_truncated_images():
    # WeasyPrint turns LOAD_TRUNCATED_IMAGES on when imported; uploads are checked with Pillow.
    from PIL import ImageFile

    render_pdf("pdf_probe.html", {"number": "1"})
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_pdf_finds_its_stylesheet_under_the_hashed_name_production_serves(settings, tmp_path):
    # given static files collected with hashed names, as production's manifest storage does
    import json
    import shutil

    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    (tmp_path / "css").mkdir()
    shutil.copy(finders.find("css/pdf.css"), tmp_path / "css" / "pdf.0123abcd.css")
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/pdf.css": "css/pdf.0123abcd.css"}, "version": "1.1"})
    )
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.TEMPLATES = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": ["tests/templates"]}
    ]
    # (changing STORAGES through the settings fixture resets staticfiles_storage)
    assert staticfiles_storage.url("css/pdf.css").endswith("pdf.0123abcd.css")
    # when a PDF links the stylesheet by its hashed name
    pdf = render_pdf("pdf_probe_hashed.html", {})
    # then the stylesheet was found and applied (its font is the one embedded)
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any("DejaVu-Sans" in name for name in names), names
