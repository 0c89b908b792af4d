from django.urls import path

from opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("zbiory/<slug:slug>/", views.dataset_detail, name="dataset"),
    path("zbiory/<slug:slug>/datapackage.json", views.dataset_datapackage, name="datapackage"),
    path("zasoby/<str:public_id>/", views.resource_detail, name="resource"),
    path("zasoby/<str:public_id>/dane.<str:fmt>", views.resource_download, name="download"),
    path(
        "zasoby/<str:public_id>/wersje/<int:number>/dane.<str:fmt>",
        views.version_download,
        name="version-download",
    ),
    path("zasoby/<str:public_id>/import/", views.resource_upload, name="upload"),
    path("zasoby/<str:public_id>/ustawienia/", views.resource_settings, name="settings"),
    path("importy/<str:public_id>/", views.import_detail, name="import"),
    path("importy/<str:public_id>/status.json", views.import_status, name="import-status"),
]
