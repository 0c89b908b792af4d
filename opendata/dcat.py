"""DCAT-AP 3.0.1 documents of the catalogue (rdflib), as Turtle, RDF/XML or JSON-LD.

Controlled vocabularies are the EU authority tables (frequency, language, file type,
licence type); the concepts used are described in the document itself (``skos:inScheme``),
which is what the DCAT-AP vocabulary shapes check.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from opendata import filetypes, selectors
from opendata.models import Dataset, Resource, ResourceKind, ResourceVersion

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "https://www.iana.org/assignments/media-types/"
# The algorithm's IRI is in https: the DCAT-AP 3.0.1 vocabulary shapes require
# "^https://spdx.org/rdf/terms" for spdx:algorithm (the class and properties stay http).
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
ADMS = Namespace("http://purl.org/adms/licencetype/")
EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY_SCHEME = URIRef(EU + "frequency")
LANGUAGE_SCHEME = URIRef(EU + "language")
FILE_TYPE_SCHEME = URIRef(EU + "file-type")
LICENCE_TYPE_SCHEME = URIRef("http://purl.org/adms/licencetype/1.0")
LICENCES = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
}
FILE_TYPES = {"CSV": "CSV", "JSON": "JSON", "XLSX": "XLSX", "GEOJSON": "GEOJSON"}
MEDIA_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "GEOJSON": "application/geo+json",
}
FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "rdf": ("xml", "application/rdf+xml; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
}


def _concept(graph: Graph, uri: URIRef, scheme: URIRef, label: str, kind: URIRef) -> URIRef:
    graph.add((uri, RDF.type, SKOS.Concept))
    graph.add((uri, RDF.type, kind))
    graph.add((uri, SKOS.inScheme, scheme))
    graph.add((uri, SKOS.prefLabel, Literal(label, lang="en")))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal(str(scheme).rsplit("/", 1)[-1], lang="en")))
    return uri


def _bind(graph: Graph) -> None:
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("spdx", SPDX),
    ):
        graph.bind(prefix, namespace)


def add_dataset(graph: Graph, dataset: Dataset, base: str) -> URIRef:
    uri = URIRef(base + reverse("opendata-dcat-dataset", args=[dataset.slug, "ttl"]) + "#it")
    page = base + reverse("opendata:dataset", args=[dataset.slug])
    graph.add((uri, RDF.type, DCAT.Dataset))
    graph.add((uri, DCTERMS.identifier, Literal(str(dataset.public_id))))
    graph.add((uri, DCTERMS.title, Literal(dataset.title_pl, lang="pl")))
    graph.add((uri, DCTERMS.description, Literal(dataset.description_pl, lang="pl")))
    if dataset.title_en:
        graph.add((uri, DCTERMS.title, Literal(dataset.title_en, lang="en")))
    if dataset.description_en:
        graph.add((uri, DCTERMS.description, Literal(dataset.description_en, lang="en")))
    graph.add((uri, DCAT.landingPage, _document(graph, page)))
    for keyword in dataset.keywords:
        graph.add((uri, DCAT.keyword, Literal(keyword, lang="pl")))
    graph.add(
        (
            uri,
            DCTERMS.issued,
            Literal(dataset.created_at.replace(microsecond=0), datatype=XSD.dateTime),
        )
    )
    graph.add(
        (
            uri,
            DCTERMS.modified,
            Literal(dataset.modified_at.replace(microsecond=0), datatype=XSD.dateTime),
        )
    )
    frequency = URIRef(EU + "frequency/" + dataset.frequency)
    graph.add(
        (
            uri,
            DCTERMS.accrualPeriodicity,
            _concept(graph, frequency, FREQUENCY_SCHEME, dataset.frequency, DCTERMS.Frequency),
        )
    )
    for code in ("POL", "ENG"):
        language = URIRef(EU + "language/" + code)
        graph.add(
            (
                uri,
                DCTERMS.language,
                _concept(graph, language, LANGUAGE_SCHEME, code, DCTERMS.LinguisticSystem),
            )
        )
    publisher = add_publisher(graph, dataset, base)
    graph.add((uri, DCTERMS.publisher, publisher))
    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(dataset.contact_name or dataset.organization.title_pl)))
    graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + dataset.contact_email)))
    graph.add((uri, DCAT.contactPoint, contact))
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))
        graph.add((uri, DCTERMS.temporal, period))
    place = BNode()
    graph.add((place, RDF.type, DCTERMS.Location))
    graph.add((place, SKOS.prefLabel, Literal(dataset.spatial, lang="pl")))
    graph.add((uri, DCTERMS.spatial, place))
    licence = _licence(graph, dataset.licence)
    for resource in dataset.resources.all():
        if resource.current_version is None:
            continue
        if resource.kind == ResourceKind.FILE:
            if resource.current_version.file:
                add_file_distribution(graph, uri, resource, resource.current_version, licence, base)
            continue
        spatial = bool(resource.map_lat or resource.map_geojson)
        for fmt in ("CSV", "JSON", "XLSX") + (("GEOJSON",) if spatial else ()):
            distribution = URIRef(
                base + reverse("opendata:download", args=[resource.public_id, fmt.lower()])
            )
            graph.add((uri, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCAT.accessURL, _document(graph, page)))
            graph.add((distribution, DCAT.downloadURL, distribution))
            graph.add(
                (distribution, DCTERMS.title, Literal(f"{resource.name_pl} ({fmt})", lang="pl"))
            )
            graph.add((distribution, DCTERMS.license, licence))
            file_type = URIRef(EU + "file-type/" + FILE_TYPES[fmt])
            graph.add(
                (
                    distribution,
                    DCTERMS["format"],
                    _concept(graph, file_type, FILE_TYPE_SCHEME, fmt, DCTERMS.MediaTypeOrExtent),
                )
            )
            media = URIRef(IANA + MEDIA_TYPES[fmt])
            graph.add((media, RDF.type, DCTERMS.MediaType))
            graph.add((distribution, DCAT.mediaType, media))
            graph.add(
                (
                    distribution,
                    DCTERMS.modified,
                    Literal(
                        resource.current_version.created_at.replace(microsecond=0),
                        datatype=XSD.dateTime,
                    ),
                )
            )
    return uri


def add_file_distribution(
    graph: Graph,
    dataset_uri: URIRef,
    resource: Resource,
    version: ResourceVersion,
    licence: URIRef,
    base: str,
) -> URIRef:
    """A file resource as one distribution: its current version's file."""
    extension = version.file_extension
    page = base + reverse("opendata:resource", args=[resource.public_id])
    distribution = URIRef(page + "#distribution")
    graph.add((dataset_uri, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.accessURL, _document(graph, page)))
    download = URIRef(
        base
        + reverse("opendata:version-download", args=[resource.public_id, version.number, extension])
    )
    graph.add((distribution, DCAT.downloadURL, download))
    graph.add((distribution, DCTERMS.title, Literal(resource.name_pl, lang="pl")))
    if resource.name_en:
        graph.add((distribution, DCTERMS.title, Literal(resource.name_en, lang="en")))
    if resource.description_pl:
        graph.add((distribution, DCTERMS.description, Literal(resource.description_pl, lang="pl")))
    if resource.description_en:
        graph.add((distribution, DCTERMS.description, Literal(resource.description_en, lang="en")))
    graph.add((distribution, DCTERMS.license, licence))
    code = filetypes.eu_file_type(extension)
    if code:
        file_type = URIRef(EU + "file-type/" + code)
        graph.add(
            (
                distribution,
                DCTERMS["format"],
                _concept(graph, file_type, FILE_TYPE_SCHEME, code, DCTERMS.MediaTypeOrExtent),
            )
        )
    media = URIRef(IANA + filetypes.media_type(extension))
    graph.add((media, RDF.type, DCTERMS.MediaType))
    graph.add((distribution, DCAT.mediaType, media))
    graph.add((distribution, DCAT.byteSize, Literal(version.size, datatype=XSD.nonNegativeInteger)))
    if version.sha256:
        checksum = BNode()
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SHA256))
        graph.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
        graph.add((checksum, SPDX.checksumValue, Literal(version.sha256, datatype=XSD.hexBinary)))
        graph.add((distribution, SPDX.checksum, checksum))
    graph.add(
        (
            distribution,
            DCTERMS.modified,
            Literal(version.created_at.replace(microsecond=0), datatype=XSD.dateTime),
        )
    )
    return distribution


def _document(graph: Graph, url: str) -> URIRef:
    node = URIRef(url)
    graph.add((node, RDF.type, FOAF.Document))
    return node


def _licence(graph: Graph, code: str) -> URIRef:
    node = URIRef(LICENCES.get(code, LICENCES["CC-BY-4.0"]))
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, DCTERMS.title, Literal(code)))
    licence_type = _concept(
        graph,
        URIRef("http://purl.org/adms/licencetype/Attribution"),
        LICENCE_TYPE_SCHEME,
        "Attribution",
        SKOS.Concept,
    )
    graph.add((node, DCTERMS.type, licence_type))
    return node


def add_publisher(graph: Graph, dataset: Dataset, base: str) -> URIRef:
    organization = dataset.organization
    node = URIRef(base + "/opendata/organization/" + organization.slug)
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(organization.title_pl, lang="pl")))
    if organization.title_en:
        graph.add((node, FOAF.name, Literal(organization.title_en, lang="en")))
    return node


def catalog_graph(datasets: Iterable[Dataset], base: str) -> Graph:
    graph = Graph()
    _bind(graph)
    catalog = URIRef(base + reverse("opendata-dcat-catalog", args=["ttl"]) + "#it")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("Otwarte dane Krakowa", lang="pl")))
    graph.add((catalog, DCTERMS.title, Literal("Kraków open data", lang="en")))
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal("Katalog otwartych danych Miasta Krakowa.", lang="pl"),
        )
    )
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal("The City of Kraków's open data catalogue.", lang="en"),
        )
    )
    graph.add((catalog, FOAF.homepage, _document(graph, base + reverse("opendata:index"))))
    city = URIRef(base + "/opendata/organization/urzad-miasta-krakowa")
    graph.add((city, RDF.type, FOAF.Agent))
    graph.add((city, FOAF.name, Literal("Urząd Miasta Krakowa", lang="pl")))
    graph.add((catalog, DCTERMS.publisher, city))
    for dataset in datasets:
        graph.add((catalog, DCAT.dataset, add_dataset(graph, dataset, base)))
    return graph


def dataset_graph(dataset: Dataset, base: str) -> Graph:
    graph = Graph()
    _bind(graph)
    add_dataset(graph, dataset, base)
    return graph


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _serialise(graph: Graph, fmt: str) -> HttpResponse:
    syntax, content_type = FORMATS[fmt]
    return HttpResponse(graph.serialize(format=syntax), content_type=content_type)


def all_datasets() -> QuerySet[Dataset]:
    return selectors.catalogue_search()


def catalog_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    return _serialise(catalog_graph(all_datasets(), _base(request)), fmt)


def dataset_view(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    dataset = selectors.dataset_get(key=slug)
    if dataset is None or fmt not in FORMATS:
        raise Http404
    return _serialise(dataset_graph(dataset, _base(request)), fmt)
