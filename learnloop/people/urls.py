from django.urls import path

from learnloop.people import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.profile, name="profile"),
    path("org-chart/", views.org_chart, name="org_chart"),
    path("org-chart/<int:pk>/reports/", views.org_chart_children, name="org_chart_children"),
    path("team/", views.team, name="team"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
]
