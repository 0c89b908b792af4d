from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from config.api_registry import register_api_link
from consultations.api import (
    ConsultationViewSet,
    MeetingViewSet,
    SatisfactionIndexView,
    SurveyViewSet,
)

router = SimpleRouter()
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("consultation-meetings", MeetingViewSet, basename="consultation-meeting")
router.register("surveys", SurveyViewSet, basename="survey")

register_api_link("consultations", "consultation-list")
register_api_link("consultation-meetings", "consultation-meeting-list")
register_api_link("surveys", "survey-list")
register_api_link("satisfaction-index", "satisfaction-index")

urlpatterns: list[URLPattern | URLResolver] = [
    path("satisfaction-index/", SatisfactionIndexView.as_view(), name="satisfaction-index"),
    path("", include(router.urls)),
]
