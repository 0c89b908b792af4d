"""DCAT-AP 3.0.1 (pyshacl against the official shapes) and datapackage.json (frictionless)."""

from pathlib import Path

import pytest
from rdflib import Graph

from opendata import actions
from opendata.registry import registered_dataset
from tests.opendata.factories import GroupFactory

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
def catalogue(published):
    dataset = published.dataset
    dataset.groups.add(GroupFactory())
    dataset.temporal_start = "2024-01-01"
    dataset.save()
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
    from tests.opendata.factories import ResourceFactory

    Department.objects.get_or_create(code="ks", defaults={"name": "KS"})
    resource = ResourceFactory()
    publish_csv(resource, UserFactory(), CSV_SEMICOLON)
    url = f"{live_server.url}/otwarte-dane/zbiory/{resource.dataset.slug}/datapackage.json"
    descriptor = requests.get(url, timeout=30).json()
    path = tmp_path / "datapackage.json"
    import json

    path.write_text(json.dumps(descriptor))
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(path))
    assert package.resources[0].read_rows()[2]["pm10"] == 52
