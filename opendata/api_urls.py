from rest_framework.routers import SimpleRouter

from config.api_registry import register_api_link
from opendata.api import DatasetViewSet, GroupViewSet, OrganizationViewSet

router = SimpleRouter()
router.register("opendata/datasets", DatasetViewSet, basename="opendata-dataset")
router.register("opendata/organizations", OrganizationViewSet, basename="opendata-organization")
router.register("opendata/groups", GroupViewSet, basename="opendata-group")
register_api_link("opendata-datasets", "opendata-dataset-list")

urlpatterns = router.urls
