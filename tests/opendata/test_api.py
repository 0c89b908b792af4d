import pytest

from tests.opendata.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def test_dataset_endpoints_are_public_and_bounded(client, published, django_assert_max_num_queries):
    for _ in range(10):
        DatasetFactory()
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/opendata/datasets/")
    assert response.status_code == 200
    assert response.json()["count"] == 11
    detail = client.get(f"/api/v1/opendata/datasets/{published.dataset.slug}/").json()
    assert detail["resources"][0]["id"] == str(published.public_id)
    assert detail["resources"][0]["row_count"] == 3
    assert client.get("/api/v1/opendata/datasets/nie-ma/").status_code == 404
    assert client.get("/api/v1/opendata/organizations/").status_code == 200
    assert client.get("/api/v1/opendata/groups/").status_code == 200


def test_catalogue_endpoints_are_read_only(client, published, staff_user):
    client.force_login(staff_user)
    response = client.post("/api/v1/opendata/datasets/", {"slug": "x"})
    assert response.status_code == 405
    assert client.delete(f"/api/v1/opendata/datasets/{published.dataset.slug}/").status_code == 405


def test_openapi_schema_lists_the_catalogue(client):
    response = client.get("/api/schema/")
    assert b"/api/v1/opendata/datasets/" in response.content


def test_file_resources_carry_their_current_file(client, published, clerk):
    import hashlib

    from tests.opendata.conftest import PDF_ONE, PDF_TWO, add_file

    add_file(published.dataset, clerk, "uchwala.pdf", PDF_ONE)
    add_file(published.dataset, clerk, "uchwala-v2.pdf", PDF_TWO)
    detail = client.get(f"/api/v1/opendata/datasets/{published.dataset.slug}/").json()
    by_kind = {resource["kind"]: resource for resource in detail["resources"]}
    assert by_kind["table"]["file"] is None
    file = by_kind["file"]["file"]
    assert file["url"].endswith("/wersje/2/dane.pdf")
    assert file["url"].startswith("http://testserver/")
    assert file["media_type"] == "application/pdf"
    assert file["bytes"] == len(PDF_TWO)
    assert file["sha256"] == hashlib.sha256(PDF_TWO).hexdigest()
    assert file["name"] == "uchwala-v2.pdf"
