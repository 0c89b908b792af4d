from django.urls import URLPattern, URLResolver

app_name = "referenda"
urlpatterns: list[URLPattern | URLResolver] = []
