from rest_framework.routers import SimpleRouter

from config.api_registry import register_api_link
from consultations.referenda.api import ReferendumViewSet

router = SimpleRouter()
router.register("referenda", ReferendumViewSet, basename="referendum")
register_api_link("referenda", "referendum-list")

urlpatterns = router.urls
