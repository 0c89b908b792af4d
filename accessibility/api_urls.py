from rest_framework.routers import SimpleRouter

from accessibility.api import BuildingViewSet, WebsiteViewSet
from config.api_registry import register_api_link

router = SimpleRouter()
router.register("accessibility-buildings", BuildingViewSet, basename="accessibility-building")
router.register("accessibility-websites", WebsiteViewSet, basename="accessibility-website")
register_api_link("accessibility-buildings", "accessibility-building-list")
register_api_link("accessibility-websites", "accessibility-website-list")

urlpatterns = router.urls
