from rest_framework.routers import SimpleRouter

from config.api_registry import register_api_link
from consultations.budget.api import EditionViewSet, PoolViewSet, ProjectViewSet

router = SimpleRouter()
router.register("pb-editions", EditionViewSet, basename="pb-edition")
router.register("pb-pools", PoolViewSet, basename="pb-pool")
router.register("pb-projects", ProjectViewSet, basename="pb-project")
register_api_link("pb-editions", "pb-edition-list")
register_api_link("pb-pools", "pb-pool-list")
register_api_link("pb-projects", "pb-project-list")

urlpatterns = router.urls
