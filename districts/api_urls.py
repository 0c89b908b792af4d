from rest_framework.routers import SimpleRouter

from config.api_registry import register_api_link
from districts.api import (
    AllocationViewSet,
    DeadlineOverrideViewSet,
    DistrictViewSet,
    ResolutionViewSet,
    TaskViewSet,
)

router = SimpleRouter()
router.register("districts", DistrictViewSet, basename="district")
router.register("district-allocations", AllocationViewSet, basename="district-allocation")
router.register("district-resolutions", ResolutionViewSet, basename="district-resolution")
router.register("district-tasks", TaskViewSet, basename="district-task")
router.register(
    "district-deadline-overrides", DeadlineOverrideViewSet, basename="district-deadline-override"
)
register_api_link("districts", "district-list")
register_api_link("district-allocations", "district-allocation-list")
register_api_link("district-resolutions", "district-resolution-list")
register_api_link("district-tasks", "district-task-list")

urlpatterns = router.urls
