from django.urls import path
from rest_framework.routers import SimpleRouter

from config.api_registry import register_api_link
from services.api import CaseViewSet, ServiceViewSet, TaxRecordsView

router = SimpleRouter()
router.register("services", ServiceViewSet, basename="eservice")
router.register("service-cases", CaseViewSet, basename="service-case")
register_api_link("services", "eservice-list")

urlpatterns = [
    path("tax-records/", TaxRecordsView.as_view(), name="tax-records"),
    *router.urls,
]
