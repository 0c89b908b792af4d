from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url

from config.sections import available_sections


def portal(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: demo banner flag and the same page in the other languages."""
    path = request.get_full_path()
    alternates = [
        {"code": code, "name": name, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
    ]
    nav = [section for section in available_sections() if section.in_nav]
    return {"DEMO_MODE": settings.DEMO_MODE, "language_alternates": alternates, "nav_sections": nav}
