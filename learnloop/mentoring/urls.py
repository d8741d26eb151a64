from django.urls import path

from learnloop.mentoring import views

app_name = "mentoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("programs/new/", views.program_new, name="program_new"),
    path("programs/<int:pk>/", views.program, name="program"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/profile/<str:role>/", views.profile, name="profile"),
    path("programs/<int:pk>/suggestions/", views.suggestions, name="suggestions"),
    path("programs/<int:pk>/request/", views.request_mentor, name="request"),
    path("programs/<int:pk>/optimize/", views.optimize, name="optimize"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("drafts/<int:pk>/pairs/", views.draft_pair, name="draft_pair"),
    path("drafts/<int:pk>/publish/", views.draft_publish, name="draft_publish"),
    path("pairs/<int:pk>/", views.relationship, name="relationship"),
    path("pairs/<int:pk>/respond/", views.respond, name="respond"),
    path("pairs/<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("pairs/<int:pk>/sessions/", views.session_log, name="session_log"),
    path("pairs/<int:pk>/close/", views.close, name="close"),
    path("goals/<int:pk>/progress/", views.goal_progress, name="goal_progress"),
    path("sessions/<int:pk>/feedback/", views.session_feedback, name="session_feedback"),
    path("team/", views.team, name="team"),
    path("experts/", views.experts, name="experts"),
    path("experts/listing/", views.listing, name="listing"),
]
