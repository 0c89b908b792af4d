"""DCAT-AP documents, outside the language prefixes (mounted at /opendata/)."""

from django.urls import path

from opendata import dcat

urlpatterns = [
    path("catalog.<str:fmt>", dcat.catalog_view, name="opendata-dcat-catalog"),
    path("dataset/<slug:slug>.<str:fmt>", dcat.dataset_view, name="opendata-dcat-dataset"),
]
