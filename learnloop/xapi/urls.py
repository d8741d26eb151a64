from django.urls import URLPattern

app_name = "xapi"
urlpatterns: list[URLPattern] = []
