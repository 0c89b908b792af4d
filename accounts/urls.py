from django.urls import URLPattern, URLResolver, path

from accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("profil/", views.profile, name="profile"),
    path("profil/pesel/", views.pesel, name="pesel"),
    path("powiadomienia/", views.notifications, name="notifications"),
    path("tokeny-api/", views.tokens, name="tokens"),
    path("tokeny-api/<int:pk>/uniewaznij/", views.token_revoke, name="token_revoke"),
    path("moje-dane.json", views.export, name="export"),
    path("usun-konto/", views.delete, name="delete"),
    path("szkolenia/", views.trainings, name="trainings"),
    path("szkolenia/<int:pk>/zapisz/", views.training_signup, name="training_signup"),
    path("aktywuj/", views.claim, name="claim"),
    path("regulamin-i-prywatnosc/", views.terms, name="terms"),
    path("asystent/nowy-mieszkaniec/", views.assisted_register, name="assisted_register"),
    path(
        "asystent/mieszkaniec/<uuid:public_id>/", views.assisted_resident, name="assisted_resident"
    ),
    path(
        "asystent/mieszkaniec/<uuid:public_id>/dane/",
        views.assisted_resident_edit,
        name="assisted_resident_edit",
    ),
    path(
        "asystent/mieszkaniec/<uuid:public_id>/list/",
        views.assisted_letter,
        name="assisted_letter",
    ),
]
