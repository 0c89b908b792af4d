"""Render a template to PDF with WeasyPrint (confirmations, reports, letters)."""

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """Return the PDF bytes of ``template_name`` rendered with ``context``.

    Static files (the PDF stylesheet, images) are read from the local static finders; nothing
    is fetched over the network, so rendering works offline and inside workers.
    """
    from PIL import ImageFile
    from weasyprint import HTML  # imported lazily: loading Pango costs a noticeable moment

    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES process-wide when imported; uploaded files
    # are validated with Pillow elsewhere and must never accept truncated images.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    html = render_to_string(template_name, context, request=request)
    pdf: bytes = HTML(string=html, base_url="file:///", url_fetcher=_local_fetcher()).write_pdf()
    return pdf


def _local_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalStaticFetcher(URLFetcher):
        """Serves ``/static/…`` from the finders and ``data:`` URLs; refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            relative = url.removeprefix("file://").split(settings.STATIC_URL, 1)
            path = _static_path(relative[1].split("?", 1)[0]) if len(relative) == 2 else None
            if not path:
                raise ValueError(f"PDF rendering reads local static files only, not {url!r}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as handle:
                return URLFetcherResponse(
                    url, body=handle.read(), headers={"Content-Type": content_type}
                )

    return LocalStaticFetcher(allowed_protocols={"file", "data"})


def _static_path(name: str) -> str | None:
    """The file behind a static name: collected (production's hashed names) or from the finders."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    if ".." in name.split("/"):
        return None
    try:
        if staticfiles_storage.exists(name):
            return str(staticfiles_storage.path(name))
    except NotImplementedError:
        pass
    found = finders.find(name)
    return found if isinstance(found, str) else None
