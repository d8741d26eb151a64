from django.urls import path

from learnloop.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("pulses/", views.pulses, name="pulses"),
    path("pulses/<int:pk>/", views.pulse_detail, name="pulse"),
    path("pulses/<int:pk>/close/", views.pulse_close, name="pulse_close"),
    path("pulses/<int:pk>/answer/", views.answer, name="answer"),
    path("pulses/<int:pk>/results/", views.results_page, name="results"),
    path("instruments/", views.instruments, name="instruments"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument"),
    path("instruments/<int:pk>/export/", views.instrument_export, name="instrument_export"),
    path("settings/", views.settings_page, name="settings"),
    path("suggestions/new/", views.suggestion_new, name="suggestion_new"),
    path("suggestions/follow/", views.suggestion_follow, name="suggestion_follow"),
    path("suggestions/inbox/", views.suggestion_inbox, name="suggestion_inbox"),
    path("suggestions/<uuid:pk>/", views.suggestion_thread, name="suggestion_thread"),
]
