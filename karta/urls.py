from django.urls import URLPattern, URLResolver

app_name = "karta"
urlpatterns: list[URLPattern | URLResolver] = []
