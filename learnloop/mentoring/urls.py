from django.urls import path

from learnloop.mentoring import views

app_name = "mentoring"
urlpatterns = [
    path("", views.home, name="home"),
]
