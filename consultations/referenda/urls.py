from django.urls import URLPattern, URLResolver, path

from consultations.referenda import views

app_name = "referenda"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("urzad/protokoly/", views.protocol_queue, name="protocol_queue"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/protokol.pdf", views.protocol_pdf, name="protocol"),
    path("<str:public_id>/protokol/", views.protocol_review, name="protocol_review"),
    path("<str:public_id>/protokol/projekt.pdf", views.protocol_draft_pdf, name="protocol_draft"),
    path("<str:public_id>/karty-papierowe/", views.paper_entry, name="paper"),
]
