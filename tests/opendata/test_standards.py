"""DCAT-AP 3.0.1 (pyshacl against the official shapes) and datapackage.json (frictionless)."""

import hashlib
from pathlib import Path

import pytest
from django.urls import reverse
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, XSD

from opendata import actions
from opendata.dcat import SHA256, SPDX
from opendata.models import Resource
from opendata.registry import registered_dataset
from tests.opendata.conftest import PDF_ONE, PDF_TWO, add_file
from tests.opendata.factories import GroupFactory, ResourceFactory

pytestmark = pytest.mark.django_db
SHAPES = Path(__file__).resolve().parent.parent / "data" / "dcat-ap"


def _shacl(data: Graph) -> tuple[bool, str]:
    from pyshacl import validate

    shapes = Graph()
    shapes.parse(SHAPES / "dcat-ap-3.0.1-SHACL.ttl")
    shapes.parse(SHAPES / "dcat-ap-3.0.1-mdr-vocabularies.shape.ttl")
    conforms, _graph, text = validate(data, shacl_graph=shapes, allow_warnings=True)
    return conforms, text


@pytest.fixture
def catalogue(published, clerk):
    dataset = published.dataset
    dataset.groups.add(GroupFactory())
    dataset.temporal_start = "2024-01-01"
    dataset.save()
    add_file(dataset, clerk, "uchwala.pdf", PDF_ONE)
    add_file(dataset, clerk, "uchwala-v2.pdf", PDF_TWO)
    add_file(dataset, clerk, "pomiary.xyz", b"\x00\x01 binarne", kind_name="Surowe")
    own = registered_dataset("nasadzenia-drzew")
    actions.own_dataset_materialise(own=own)
    return published


@pytest.mark.parametrize(
    ("fmt", "syntax"), [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")]
)
def test_catalogue_conforms_to_dcat_ap_3(client, catalogue, fmt, syntax):
    response = client.get(f"/opendata/catalog.{fmt}")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=syntax)
    conforms, report = _shacl(graph)
    assert conforms, report
    assert len(list(graph.subjects(predicate=None, object=None))) > 0


def test_dataset_document_conforms_and_unknown_is_404(client, catalogue):
    response = client.get(f"/opendata/dataset/{catalogue.dataset.slug}.ttl")
    graph = Graph().parse(data=response.content, format="turtle")
    conforms, report = _shacl(graph)
    assert conforms, report
    assert client.get("/opendata/dataset/nie-ma.ttl").status_code == 404
    assert client.get("/opendata/catalog.exe").status_code == 404


def test_file_resources_are_distributions_of_their_current_version(client, catalogue):
    dataset = catalogue.dataset
    response = client.get(f"/opendata/dataset/{dataset.slug}.ttl")
    graph = Graph().parse(data=response.content, format="turtle")
    pdf = Resource.objects.get(dataset=dataset, name_pl="Uchwała")
    base = "http://testserver"
    node = URIRef(base + reverse("opendata:resource", args=[pdf.public_id]) + "#distribution")
    dataset_node = next(graph.subjects(DCAT.distribution, node))
    assert (dataset_node, DCTERMS.title, Literal(dataset.title_pl, lang="pl")) in graph
    download = base + reverse("opendata:version-download", args=[pdf.public_id, 2, "pdf"])
    assert graph.value(node, DCAT.downloadURL) == URIRef(download)
    assert graph.value(node, DCAT.accessURL) == URIRef(
        base + reverse("opendata:resource", args=[pdf.public_id])
    )
    assert graph.value(node, DCTERMS["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/PDF"
    )
    assert graph.value(node, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/pdf"
    )
    size = graph.value(node, DCAT.byteSize)
    assert size.datatype == XSD.nonNegativeInteger
    assert int(size) == len(PDF_TWO)
    checksum = graph.value(node, SPDX.checksum)
    assert isinstance(checksum, BNode)
    assert graph.value(checksum, SPDX.algorithm) == SHA256
    value = graph.value(checksum, SPDX.checksumValue)
    assert value.datatype == XSD.hexBinary
    assert str(value) == hashlib.sha256(PDF_TWO).hexdigest()
    assert graph.value(node, DCTERMS.license) is not None
    assert (node, DCTERMS.title, Literal("Uchwała (en)", lang="en")) in graph
    assert graph.value(node, DCTERMS.modified).datatype == XSD.dateTime
    # An extension the EU file-type table does not know: no dct:format, only the media type.
    raw = Resource.objects.get(dataset=dataset, name_pl="Surowe")
    raw_node = URIRef(base + reverse("opendata:resource", args=[raw.public_id]) + "#distribution")
    assert graph.value(raw_node, DCTERMS["format"]) is None
    assert graph.value(raw_node, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/octet-stream"
    )
    assert str(graph.value(raw_node, DCAT.downloadURL)).endswith("/wersje/1/dane.xyz")


def test_ckan_package_show_lists_file_resources_like_the_catalogue(client, catalogue):
    dataset = catalogue.dataset
    body = client.get("/api/3/action/package_show", {"id": dataset.slug}).json()
    assert body["success"] is True
    by_name = {resource["name"]: resource for resource in body["result"]["resources"]}
    pdf = by_name["Uchwała"]
    assert pdf["format"] == "PDF"
    assert pdf["mimetype"] == "application/pdf"
    assert pdf["size"] == len(PDF_TWO)
    assert pdf["hash"] == hashlib.sha256(PDF_TWO).hexdigest()
    assert pdf["version"] == 2
    assert pdf["url"].endswith("/wersje/2/dane.pdf")
    assert pdf["datastore_active"] is False
    assert by_name["Surowe"]["mimetype"] == "application/octet-stream"
    assert client.get(pdf["url"]).status_code == 200
    shown = client.get("/api/3/action/resource_show", {"id": pdf["id"]}).json()["result"]
    assert shown["hash"] == pdf["hash"]
    assert shown["size"] == pdf["size"]


def test_shapes_do_catch_a_broken_document():
    from rdflib import RDF, Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS

    broken = Graph()
    dataset = URIRef("https://example.org/d")
    broken.add((dataset, RDF.type, DCAT.Dataset))
    broken.add((dataset, DCTERMS.accrualPeriodicity, URIRef("https://example.org/sometimes")))
    broken.add((dataset, DCTERMS.issued, Literal("yesterday")))
    conforms, _report = _shacl(broken)
    assert not conforms


@pytest.mark.django_db(transaction=True)
def test_datapackage_is_valid_for_frictionless(live_server, tmp_path):
    import requests
    from frictionless import Package, validate

    from accounts.models import Department
    from tests.accounts.factories import UserFactory
    from tests.opendata.conftest import CSV_SEMICOLON, publish_csv

    Department.objects.get_or_create(code="ks", defaults={"name": "KS"})
    resource = ResourceFactory()
    user = UserFactory()
    publish_csv(resource, user, CSV_SEMICOLON)
    add_file(resource.dataset, user, "uchwala.pdf", PDF_ONE)
    add_file(resource.dataset, user, "uchwala-v2.pdf", PDF_TWO)
    url = f"{live_server.url}/otwarte-dane/zbiory/{resource.dataset.slug}/datapackage.json"
    descriptor = requests.get(url, timeout=30).json()
    path = tmp_path / "datapackage.json"
    import json

    path.write_text(json.dumps(descriptor))
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(path))
    assert package.resources[0].read_rows()[2]["pm10"] == 52
    files = [item for item in descriptor["resources"] if item.get("format") == "pdf"]
    assert len(files) == 1
    (pdf,) = files
    assert pdf["mediatype"] == "application/pdf"
    assert pdf["bytes"] == len(PDF_TWO)
    assert pdf["hash"] == "sha256:" + hashlib.sha256(PDF_TWO).hexdigest()
    assert pdf["path"].endswith("/wersje/2/dane.pdf")
    assert requests.get(pdf["path"], timeout=30).content == PDF_TWO


@pytest.mark.django_db(transaction=True)
def test_frictionless_notices_a_file_that_does_not_match_its_hash(live_server, tmp_path):
    """The check is real: frictionless downloads the file and compares bytes and hash."""
    import json

    import requests
    from frictionless import validate

    from accounts.models import Department
    from tests.accounts.factories import UserFactory

    Department.objects.get_or_create(code="ks", defaults={"name": "KS"})
    dataset = ResourceFactory().dataset
    add_file(dataset, UserFactory(), "uchwala.pdf", PDF_ONE)
    url = f"{live_server.url}/otwarte-dane/zbiory/{dataset.slug}/datapackage.json"
    descriptor = requests.get(url, timeout=30).json()
    descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(descriptor))
    assert not validate(str(path)).valid


def test_migration_hashes_files_uploaded_before_the_hash_existed(clerk):
    from importlib import import_module

    from django.apps import apps

    from opendata.models import ResourceVersion
    from tests.opendata.factories import DatasetFactory

    resource = add_file(DatasetFactory(), clerk, "uchwala.pdf", PDF_ONE)
    missing = add_file(resource.dataset, clerk, "brak.pdf", PDF_TWO, kind_name="Brak")
    ResourceVersion.objects.update(sha256="")
    missing.current_version.file.delete(save=False)
    import_module("opendata.migrations.0005_file_sha256").backfill(apps, None)
    resource.current_version.refresh_from_db()
    missing.current_version.refresh_from_db()
    assert resource.current_version.sha256 == hashlib.sha256(PDF_ONE).hexdigest()
    assert missing.current_version.sha256 == ""
