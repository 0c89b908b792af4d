from django.urls import URLPattern, URLResolver, path

from karta import views

app_name = "karta"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("mapa/", views.map_view, name="map"),
    path("partnerzy/<slug:slug>/", views.partner_detail, name="partner"),
    path("moja-karta/", views.my_card, name="my_card"),
    path("dokumenty/<uuid:public_id>/", views.document_download, name="document"),
    path("analityka/", views.analytics, name="analytics"),
]
