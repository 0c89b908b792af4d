from django.urls import URLPattern, URLResolver, path

from services import views

app_name = "services"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.catalogue, name="index"),
    path("kontakt/", views.contact, name="contact"),
    path("weryfikacja/", views.verify, name="verify"),
    path("moje-sprawy/", views.my_cases, name="my_cases"),
    path("podatki/", views.taxes, name="taxes"),
    path("sprawy/<uuid:public_id>/", views.case_detail, name="case"),
    path(
        "sprawy/<uuid:public_id>/potwierdzenie.pdf",
        views.case_confirmation,
        name="case_confirmation",
    ),
    path(
        "sprawy/<uuid:public_id>/zalaczniki/<int:attachment_id>/",
        views.case_attachment,
        name="case_attachment",
    ),
    path("pisma/<uuid:public_id>/pismo.pdf", views.letter_download, name="letter"),
    path("<slug:slug>/", views.service_detail, name="service"),
    path("<slug:slug>/wniosek/", views.apply, name="apply"),
    path("<slug:slug>/wniosek/pliki/<int:attachment_id>/", views.draft_file, name="draft_file"),
]
