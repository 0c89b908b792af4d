from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import views
from config.api import ApiRoot
from opendata import ckan

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

api_v1: list[URLPattern | URLResolver] = [
    path("", ApiRoot.as_view(), name="api-root"),
    path("", include("accounts.api_urls")),
    path("", include("districts.api_urls")),
    path("", include("consultations.api_urls")),
    path("", include("consultations.budget.api_urls")),
    path("", include("consultations.referenda.api_urls")),
    path("", include("karta.api_urls")),
    path("", include("services.api_urls")),
    path("", include("opendata.api_urls")),
    path("", include("accessibility.api_urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # CKAN-compatible Action API and DCAT-AP documents (no language prefix: machine clients).
    path("api/3/action/<str:name>", ckan.action, name="ckan-action"),
    path("api/action/<str:name>", ckan.action, name="ckan-action-legacy"),
    path("opendata/", include("opendata.rdf_urls")),
]

# Polish pages live at /, English ones at /en/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("konto/", include("allauth.urls")),
    path("moje-konto/", include("accounts.urls")),
    path("dzielnice/", include("districts.urls")),
    path("konsultacje/", include("consultations.urls")),
    path("budzet-obywatelski/", include("consultations.budget.urls")),
    path("referenda/", include("consultations.referenda.urls")),
    path("karta-krakowska/", include("karta.urls")),
    path("e-uslugi/", include("services.urls")),
    path("otwarte-dane/", include("opendata.urls")),
    path("dostepnosc/", include("accessibility.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
