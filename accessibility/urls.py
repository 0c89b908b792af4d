from django.urls import path

from accessibility import views

app_name = "accessibility"
urlpatterns = [
    path("", views.index, name="index"),
    path("budynki/", views.building_list, name="buildings"),
    # Stable: the e-services' office pages link here.
    path("budynki/<slug:slug>/", views.building_detail, name="building"),
    path("harmonogram/", views.schedule, name="schedule"),
    path("serwisy/", views.website_list, name="websites"),
    path("serwisy/<slug:slug>/", views.website_detail, name="website"),
    path("deklaracja/", views.statement, name="statement"),
    path("zgloszenie/", views.request_form, name="request"),
    path("zgloszenie/wyslane/", views.request_sent, name="request_sent"),
]
