import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from opendata import actions
from opendata.models import Dataset
from tests.opendata.conftest import CSV_SEMICOLON, publish_csv
from tests.opendata.factories import GroupFactory

pytestmark = pytest.mark.django_db


def call(client, action, method="get", **params):
    for prefix in ("/api/3/action/", "/api/action/"):
        if method == "get":
            response = client.get(prefix + action, params)
        else:
            response = client.post(
                prefix + action, json.dumps(params), content_type="application/json"
            )
        assert response.status_code != 302
    body = response.json()
    assert set(body) >= {"help", "success"}
    return response.status_code, body


def test_package_list_show_and_search(client, published):
    dataset = published.dataset
    group = GroupFactory(slug="powietrze")
    dataset.groups.add(group)
    actions.dataset_search_refresh(dataset_id=dataset.pk)

    status, body = call(client, "package_list")
    assert status == 200
    assert body["success"]
    assert body["result"] == [dataset.slug]
    status, body = call(client, "package_show", method="post", id=dataset.slug)
    package = body["result"]
    assert package["id"] == str(dataset.public_id)
    assert package["resources"][0]["id"] == str(published.public_id)
    assert package["resources"][0]["datastore_active"] is True
    assert package["organization"]["name"] == dataset.organization.slug
    status, body = call(
        client,
        "package_search",
        q="powietrza",
        fq=f"organization:{dataset.organization.slug} groups:powietrze",
        rows=5,
        sort="metadata_modified desc",
        **{"facet.field": json.dumps(["tags", "res_format", "groups", "organization"])},
    )
    result = body["result"]
    assert result["count"] == 1
    assert result["search_facets"]["res_format"]["items"][0] == {
        "name": "CSV",
        "display_name": "CSV",
        "count": 1,
    }
    assert result["facets"]["tags"] == {"powietrze": 1, "smog": 1}
    _, body = call(client, "package_search", fq="tags:nie-ma")
    assert body["result"]["count"] == 0


def test_current_package_list_organization_group_resource_and_status(client, published):
    GroupFactory(slug="srodowisko")
    assert call(client, "current_package_list_with_resources")[1]["result"][0]["num_resources"] == 1
    assert call(client, "organization_list")[1]["result"] == [published.dataset.organization.slug]
    organization = call(client, "organization_show", id=published.dataset.organization.slug)[1]
    assert organization["result"]["package_count"] == 1
    assert "srodowisko" in call(client, "group_list")[1]["result"]
    assert call(client, "group_show", id="srodowisko")[1]["result"]["package_count"] == 0
    resource = call(client, "resource_show", id=str(published.public_id))[1]["result"]
    assert resource["url"].endswith("dane.csv")
    assert call(client, "status_show")[1]["result"]["ckan_version"]


def test_datastore_search_filters_sort_fields_q_paging(client, published):
    status, body = call(
        client,
        "datastore_search",
        method="post",
        resource_id=str(published.public_id),
        filters={"stacja": ["Aleje", "Nowa Huta"]},
        sort="pm10 desc",
        fields="stacja,pm10",
        limit=1,
        offset=0,
    )
    result = body["result"]
    assert result["total"] == 2
    assert result["records"] == [{"_id": 3, "stacja": "Nowa Huta", "pm10": 52}]
    assert [f["id"] for f in result["fields"]] == ["_id", "stacja", "pm10"]
    assert result["fields"][2]["type"] == "numeric"
    _, body = call(
        client, "datastore_search", resource_id=str(published.public_id), filters='{"pm10": "45,5"}'
    )
    assert body["result"]["total"] == 1
    _, body = call(client, "datastore_search", resource_id=str(published.public_id), q="osiedle")
    assert [r["stacja"] for r in body["result"]["records"]] == ["Kurdwanów"]


@pytest.mark.parametrize(
    ("name", "params", "status", "kind"),
    [
        ("package_show", {"id": "nie-ma"}, 404, "Not Found Error"),
        ("package_show", {}, 409, "Validation Error"),
        ("resource_show", {"id": "00000000-0000-0000-0000-000000000000"}, 404, "Not Found Error"),
        ("datastore_search", {"resource_id": "' OR 1=1 --"}, 404, "Not Found Error"),
        ("organization_show", {"id": "nie-ma"}, 404, "Not Found Error"),
        ("group_show", {"id": "nie-ma"}, 404, "Not Found Error"),
        ("package_search", {"rows": "-1"}, 409, "Validation Error"),
        ("package_search", {"sort": "title; DROP TABLE x"}, 409, "Validation Error"),
        ("package_search", {"fq": "secret:1"}, 409, "Validation Error"),
        ("package_search", {"facet.field": "[not json"}, 409, "Validation Error"),
        ("package_create", {"name": "x"}, 403, "Authorization Error"),
        ("datastore_upsert", {}, 403, "Authorization Error"),
    ],
)
def test_errors_use_ckan_envelope(client, published, name, params, status, kind):
    got, body = call(client, name, **params)
    assert got == status
    assert body["success"] is False
    assert body["error"]["__type"] == kind
    assert Dataset.objects.count() == 1


@pytest.mark.parametrize(
    "params",
    [
        {"filters": '{"x\') OR 1=1 --": "1"}'},
        {"filters": '{"pm10": "DROP TABLE"}'},
        {"filters": "[1, 2]"},
        {"sort": "pm10; DROP TABLE opendata_datarow"},
        {"sort": "pm10 sideways"},
        {"fields": "stacja,haslo"},
        {"limit": "100000000"},
        {"offset": "-5"},
    ],
)
def test_hostile_datastore_parameters_are_validation_errors(client, published, params):
    got, body = call(client, "datastore_search", resource_id=str(published.public_id), **params)
    assert got == 409
    assert body["error"]["__type"] == "Validation Error"
    assert published.current_version.row_count == 3


def test_hostile_q_matches_nothing_and_changes_nothing(client, published):
    for q in ["%", "_", "' OR '1'='1", "\\"]:
        _, body = call(client, "datastore_search", resource_id=str(published.public_id), q=q)
        assert body["success"]
        assert body["result"]["total"] == 0


def test_unknown_action_and_bad_json_body(client):
    response = client.get("/api/3/action/nie_ma_takiej")
    assert response.status_code == 400
    assert response.json()["success"] is False
    response = client.post(
        "/api/3/action/package_show", "{nie json", content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["__type"] == "Validation Error"


def test_package_search_query_count_is_bounded(client, published, django_assert_max_num_queries):
    for index in range(10):
        publish_csv(
            __import__("tests.opendata.factories", fromlist=["ResourceFactory"]).ResourceFactory(
                dataset__slug=f"z-{index}"
            ),
            published.current_version.created_by,
            CSV_SEMICOLON,
        )
    with django_assert_max_num_queries(12):
        _, body = call(client, "package_search", rows=100)
    assert body["result"]["count"] == 11


@pytest.mark.django_db(transaction=True)
def test_real_ckanapi_client_dumps_datasets_and_queries_datastore(live_server, tmp_path):
    from accounts.models import Department
    from tests.accounts.factories import UserFactory
    from tests.opendata.factories import ResourceFactory

    Department.objects.get_or_create(code="ks", defaults={"name": "KS"})
    resource = ResourceFactory()
    publish_csv(resource, UserFactory(), CSV_SEMICOLON)
    output = tmp_path / "dump.jsonl"
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "ckanapi"),
            "dump",
            "datasets",
            "--all",
            "-q",
            "-O",
            str(output),
            "-r",
            live_server.url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # ckanapi's dump starts worker processes named "ckanapi" from PATH.
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"},
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [line["name"] for line in lines] == [resource.dataset.slug]
    assert lines[0]["resources"][0]["id"] == str(resource.public_id)

    from ckanapi import NotFound, RemoteCKAN, ValidationError

    ckan = RemoteCKAN(live_server.url)
    result = ckan.action.datastore_search(
        resource_id=str(resource.public_id), filters={"stacja": "Kurdwanów"}, limit=5
    )
    assert result["total"] == 1
    assert result["records"][0]["pm10"] == 38.1
    with pytest.raises(NotFound):
        ckan.action.package_show(id="nie-ma")
    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id=str(resource.public_id), sort="x; DROP")
