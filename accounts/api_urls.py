from django.urls import URLPattern, URLResolver, path

from accounts.api import MeView

urlpatterns: list[URLPattern | URLResolver] = [
    path("me", MeView.as_view(), name="api-me"),
]
