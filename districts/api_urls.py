from rest_framework.routers import SimpleRouter

from config.api_registry import register_api_link
from districts.api import DistrictViewSet

router = SimpleRouter()
router.register("districts", DistrictViewSet, basename="district")
register_api_link("districts", "district-list")

urlpatterns = router.urls
