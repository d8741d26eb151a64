from django.urls import path

from learnloop.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.home, name="home"),
]
