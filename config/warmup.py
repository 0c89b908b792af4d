"""Work each web process does once at start instead of inside its first requests.

Django imports the URLconf (and with it every view, serializer and admin module) and reads the
translation catalogues lazily, on the first request that needs them. Under gunicorn that puts
about a second of imports into the first request of every worker, after each deploy and each
worker recycle, while the worker already holds a connection. ``config.wsgi`` calls ``warm_up``
when the worker loads the application, before it accepts anything.
"""

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URLconf and every module it names
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - fills the per-language reverse lookup
