from django.urls import URLPattern, URLResolver, path

from config.api_registry import register_api_link
from karta import api

register_api_link("karta-offers", "karta-offer-list")
register_api_link("karta-keys", "karta-keys")

urlpatterns: list[URLPattern | URLResolver] = [
    path("karta/offers/", api.OfferListView.as_view(), name="karta-offer-list"),
    path("karta/keys/", api.KeysView.as_view(), name="karta-keys"),
    path("karta/revocations/", api.RevocationListView.as_view(), name="karta-revocations"),
    path("karta/applications/", api.ApplicationListView.as_view(), name="karta-applications"),
    path("karta/large-family/", api.LargeFamilyListView.as_view(), name="karta-large-family"),
    path("karta/cards/", api.CardListView.as_view(), name="karta-cards"),
    path("karta/partners/<slug:slug>/check/", api.CheckView.as_view(), name="karta-check"),
    path("karta/partners/<slug:slug>/uses/", api.UseView.as_view(), name="karta-use"),
    path("karta/partners/<slug:slug>/uses/bulk/", api.BulkUseView.as_view(), name="karta-use-bulk"),
]
