from django.urls import URLPattern, URLResolver

app_name = "accessibility"
urlpatterns: list[URLPattern | URLResolver] = []
