from django.urls import URLPattern, URLResolver, path

from consultations.budget import views

app_name = "budget"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("projekty/", views.catalogue, name="catalogue"),
    path("projekty/<str:project_id>/", views.project_detail, name="project"),
    path("projekty/<str:project_id>/odwolanie/", views.appeal, name="appeal"),
    path("sprawdz-glos/", views.check, name="check"),
    path("urzad/weryfikacja/", views.verification_queue, name="verify_queue"),
    path("urzad/weryfikacja/<str:project_id>/", views.verify_project, name="verify"),
    path("urzad/wyniki/", views.results_queue, name="results_queue"),
    path("urzad/wyniki/<str:pool_id>/", views.results_approve, name="results_approve"),
    path("<int:year>/", views.edition_detail, name="edition"),
    path("<int:year>/zglos-projekt/", views.project_submit, name="submit"),
    path("<int:year>/glosuj/", views.vote_start, name="vote_start"),
    path("<int:year>/glosuj/<str:pool_id>/", views.vote, name="vote"),
    path("<int:year>/potwierdzenie/", views.receipt, name="receipt"),
    path("<int:year>/wyniki/<str:pool_id>/", views.results, name="results"),
    path("<int:year>/karty-papierowe/<str:pool_id>/", views.paper_entry, name="paper"),
]
