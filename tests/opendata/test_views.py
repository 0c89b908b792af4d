import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from opendata import actions
from opendata.models import ImportStatus, TableImport
from tests.opendata.factories import DatasetFactory, GroupFactory

pytestmark = pytest.mark.django_db


def _indexed(**kwargs):
    dataset = DatasetFactory(**kwargs)
    actions.dataset_search_refresh(dataset_id=dataset.pk)
    return dataset


def test_full_text_search_finds_polish_words_and_facets_count(client, published):
    green = GroupFactory(slug="zielen", title_pl="Zieleń")
    trees = _indexed(title_pl="Drzewa przyuliczne", keywords=["drzewa"])
    trees.groups.add(green)
    _indexed(title_pl="Budżet miasta", keywords=["finanse"])

    response = client.get(reverse("opendata:index"), {"q": "drzewa"})
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"]] == [trees.pk]

    response = client.get(reverse("opendata:index"), {"group": "zielen"})
    assert [d.pk for d in response.context["page"]] == [trees.pk]
    response = client.get(reverse("opendata:index"), {"format": "CSV"})
    assert published.dataset in list(response.context["page"])
    response = client.get(reverse("opendata:index"), {"keyword": "finanse"})
    assert [d.title_pl for d in response.context["page"]] == ["Budżet miasta"]


def test_hostile_search_text_is_harmless(client, published):
    for q in ["'; DROP TABLE opendata_dataset; --", "a & | ! ( :*", "%_\\", "x" * 5000]:
        response = client.get(reverse("opendata:index"), {"q": q, "sort": "1; DROP"})
        assert response.status_code == 200
    assert client.get(reverse("opendata:index")).context["page"].paginator.count == 1


def test_index_query_count_does_not_grow_with_datasets(client, django_assert_max_num_queries):
    for _ in range(15):
        DatasetFactory()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("opendata:index"))
    assert response.status_code == 200


def test_dataset_page_shows_metadata_and_resources(client, published):
    response = client.get(reverse("opendata:dataset", args=[published.dataset.slug]))
    assert response.status_code == 200
    content = response.content.decode()
    assert published.dataset.title_pl in content
    assert str(published.public_id) in content
    assert client.get(reverse("opendata:dataset", args=["nie-ma"])).status_code == 404


def test_resource_preview_filters_sorts_and_draws_chart_and_map(client, published):
    url = reverse("opendata:resource", args=[published.public_id])
    response = client.get(url, {"field": "stacja", "value": "Aleje"})
    assert response.status_code == 200
    assert response.context["total"] == 1
    response = client.get(url, {"sort": "pm10 desc"})
    assert response.context["rows"][0][0] == "Nowa Huta"
    content = response.content.decode()
    assert "<svg" in content
    assert 'role="img"' in content
    assert 'id="od-map"' in content


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "pm10; DROP TABLE opendata_datarow"},
        {"sort": "nieistnieje asc"},
        {"field": "x') OR 1=1 --", "value": "1"},
        {"field": "pm10", "value": "nie-liczba"},
        {"page": "abc"},
    ],
)
def test_hostile_preview_parameters_give_a_clear_error(client, published, params):
    response = client.get(reverse("opendata:resource", args=[published.public_id]), params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.context["query_error"]
    assert published.current_version.row_count == 3


def test_unknown_resource_is_404(client):
    assert client.get(reverse("opendata:resource", args=["nie-uuid"])).status_code == 404
    fake = "00000000-0000-0000-0000-000000000000"
    assert client.get(reverse("opendata:resource", args=[fake])).status_code == 404
    assert client.get(reverse("opendata:download", args=[fake, "csv"])).status_code == 404


def test_downloads_in_every_format(client, published):
    def body(fmt):
        response = client.get(reverse("opendata:download", args=[published.public_id, fmt]))
        assert response.status_code == 200
        return b"".join(response.streaming_content) if response.streaming else response.content

    csv_text = body("csv").decode()
    assert csv_text.splitlines()[0] == "stacja,data,pm10,lat,lon,opis"
    assert "Kurdwanów,2024-01-01,38.1," in csv_text
    import json

    rows = json.loads(body("json"))
    assert rows[2]["pm10"] == 52
    geo = json.loads(body("geojson"))
    assert geo["features"][0]["geometry"]["coordinates"] == [19.9262, 50.0577]
    sheet = load_workbook(io.BytesIO(body("xlsx")), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "stacja"
    assert values[1][2] == 45.5
    assert (
        client.get(reverse("opendata:download", args=[published.public_id, "exe"])).status_code
        == 404
    )


# --- the clerk's upload: permission matrix -------------------------------------------------


@pytest.fixture
def actors(user, other_user, clerk, other_clerk, council_member, staff_user):
    return {
        "resident": user,
        "other resident": other_user,
        "clerk without permission": other_clerk,
        "staff without role": staff_user,
        "district-scoped member": council_member,
    }


def _csv_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("dane.csv", b"a;b\n1;2\n", content_type="text/csv")


def test_upload_is_refused_to_everyone_but_the_departments_clerk(client, resource, actors, clerk):
    url = reverse("opendata:upload", args=[resource.public_id])
    response = client.post(url, {"file": _csv_upload()})
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]
    for who, actor in actors.items():
        client.force_login(actor)
        assert client.get(url).status_code == 403, who
        assert client.post(url, {"file": _csv_upload()}).status_code == 403, who
        assert not TableImport.objects.exists(), who
    client.force_login(clerk)
    response = client.post(url, {"file": _csv_upload()})
    assert response.status_code == 302
    table_import = TableImport.objects.get()
    assert table_import.created_by == clerk


def test_import_screens_are_refused_to_others(client, resource, actors, clerk):
    table_import = actions.table_upload(
        resource=resource, upload=io.BytesIO(b"a;b\n1;2\n"), original_name="x", acting_user=clerk
    )
    detail = reverse("opendata:import", args=[table_import.public_id])
    status = reverse("opendata:import-status", args=[table_import.public_id])
    for who, actor in actors.items():
        client.force_login(actor)
        assert client.get(detail).status_code == 403, who
        assert client.post(detail, {"type-0": "string"}).status_code == 403, who
        assert client.get(status).status_code == 403, who
    table_import.refresh_from_db()
    assert table_import.status == ImportStatus.UPLOADED


def test_clerk_uploads_confirms_and_sees_progress(
    client, resource, clerk, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    response = client.post(
        reverse("opendata:upload", args=[resource.public_id]),
        {"file": _csv_upload()},
    )
    table_import = TableImport.objects.get()
    detail = reverse("opendata:import", args=[table_import.public_id])
    assert response["Location"] == detail
    page = client.get(detail)
    assert page.status_code == 200
    assert 'id="id_type-0"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail, {"type-0": "integer", "type-1": "string"})
    assert response.status_code == 302
    table_import.refresh_from_db()
    assert table_import.status == ImportStatus.SUCCEEDED
    data = client.get(reverse("opendata:import-status", args=[table_import.public_id])).json()
    assert data["percent"] == 100
    assert data["rows_done"] == 1
    page = client.get(detail).content.decode()
    assert "<progress" in page
    assert 'aria-live="polite"' in page
    resource.refresh_from_db()
    assert resource.current_version.schema["fields"][1]["type"] == "string"


def test_bad_upload_shows_translated_error_and_stores_nothing(client, resource, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk)
    bad = SimpleUploadedFile("x.csv", b"a;a\n1;2\n")
    response = client.post(reverse("opendata:upload", args=[resource.public_id]), {"file": bad})
    assert response.status_code == 400
    assert "powtarza się" in response.content.decode()
    response = client.post(
        "/en" + reverse("opendata:upload", args=[resource.public_id]),
        {"file": SimpleUploadedFile("x.csv", b"a;a\n1;2\n")},
    )
    assert "repeated" in response.content.decode()
    assert client.post(reverse("opendata:upload", args=[resource.public_id])).status_code == 400
    assert not TableImport.objects.exists()
