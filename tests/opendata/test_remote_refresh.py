"""Scheduled refresh from a remote CSV (R-OD-3), served by a local http.server on loopback."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from opendata import actions, tasks
from opendata.models import ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def http_dir(tmp_path):
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # noqa: ANN002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_remote_csv_with_same_columns_is_imported_with_the_confirmed_schema(published, http_dir):
    folder, base = http_dir
    (folder / "dane.csv").write_text(
        "stacja;data;pm10;lat;lon;opis\nAleje;2024-02-01;60,5;50.05;19.92;x\n", encoding="utf-8"
    )
    published.source_url = f"{base}/dane.csv"
    published.save()

    result = tasks.refresh_remote_task.delay(published.pk).get()

    assert result == ImportStatus.SUCCEEDED
    published.refresh_from_db()
    assert published.current_version.number == 2
    assert published.current_version.row_count == 1
    assert published.current_version.schema == published.versions.get(number=1).schema


def test_remote_csv_with_changed_columns_waits_for_a_clerk(published, http_dir):
    folder, base = http_dir
    (folder / "inne.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    published.source_url = f"{base}/inne.csv"
    published.save()

    table_import = actions.resource_refresh_remote(resource_id=published.pk)

    assert table_import.status == ImportStatus.UPLOADED
    published.refresh_from_db()
    assert published.current_version.number == 1


def test_remote_failure_keeps_the_published_version(published, http_dir):
    _folder, base = http_dir
    published.source_url = f"{base}/nie-ma.csv"
    published.save()
    import requests

    with pytest.raises(requests.HTTPError):
        actions.resource_refresh_remote(resource_id=published.pk)
    published.refresh_from_db()
    assert published.current_version.number == 1
