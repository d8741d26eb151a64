from django.urls import path

from learnloop.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("team/", views.team, name="team"),
    path("organization/", views.organization, name="organization"),
    path("content/", views.content, name="content"),
    path("<str:scope>/chart/<slug:name>.<str:fmt>", views.chart, name="chart"),
    path("<str:scope>/data/<slug:name>.<str:fmt>", views.export, name="export"),
    path("report/", views.report, name="report"),
    path("refresh/", views.refresh_now, name="refresh"),
]
