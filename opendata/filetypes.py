"""File extensions of file resources → the EU file-type authority code and the IANA media type.

The EU table is http://publications.europa.eu/resource/authority/file-type (DCAT-AP's
``dcterms:format``); an extension it does not list gets no ``dcterms:format``, only its media
type. Unknown extensions are ``application/octet-stream``, which is registered with IANA.
"""

from __future__ import annotations

# extension: (EU file-type code or "", IANA media type)
FILE_TYPES: dict[str, tuple[str, str]] = {
    "csv": ("CSV", "text/csv"),
    "tsv": ("TSV", "text/tab-separated-values"),
    "json": ("JSON", "application/json"),
    "geojson": ("GEOJSON", "application/geo+json"),
    "jsonld": ("JSON_LD", "application/ld+json"),
    "xml": ("XML", "application/xml"),
    "rdf": ("RDF_XML", "application/rdf+xml"),
    "ttl": ("RDF_TURTLE", "text/turtle"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "xls": ("XLS", "application/vnd.ms-excel"),
    "ods": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "odt": ("ODT", "application/vnd.oasis.opendocument.text"),
    "docx": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "doc": ("DOC", "application/msword"),
    "pdf": ("PDF", "application/pdf"),
    "txt": ("TXT", "text/plain"),
    "html": ("HTML", "text/html"),
    "htm": ("HTML", "text/html"),
    "zip": ("ZIP", "application/zip"),
    "gz": ("GZIP", "application/gzip"),
    "kml": ("KML", "application/vnd.google-earth.kml+xml"),
    "kmz": ("KMZ", "application/vnd.google-earth.kmz"),
    "gml": ("GML", "application/gml+xml"),
    "gpkg": ("GPKG", "application/geopackage+sqlite3"),
    "png": ("PNG", "image/png"),
    "jpg": ("JPEG", "image/jpeg"),
    "jpeg": ("JPEG", "image/jpeg"),
    "tif": ("TIFF", "image/tiff"),
    "tiff": ("TIFF", "image/tiff"),
    "gif": ("GIF", "image/gif"),
    "svg": ("SVG", "image/svg+xml"),
    "rtf": ("RTF", "application/rtf"),
}
OCTET_STREAM = "application/octet-stream"


def eu_file_type(extension: str) -> str:
    """The EU authority code (``PDF``) of an extension, or "" when the table has none."""
    return FILE_TYPES.get(extension.lower(), ("", OCTET_STREAM))[0]


def media_type(extension: str) -> str:
    """The IANA media type of an extension (``application/octet-stream`` when unknown)."""
    return FILE_TYPES.get(extension.lower(), ("", OCTET_STREAM))[1]
