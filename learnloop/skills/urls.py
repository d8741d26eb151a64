from django.urls import path

from learnloop.skills import views

app_name = "skills"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/claims/", views.add_claim, name="add_claim"),
    path("people/<int:pk>/endorse/", views.endorse, name="endorse"),
    path("claims/<int:pk>/withdraw/", views.withdraw_claim, name="withdraw_claim"),
    path("infer/", views.infer, name="infer"),
    path("infer/jobs/<int:pk>/", views.inference_job, name="inference_job"),
    path("suggestions/<int:pk>/", views.decide, name="decide"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("taxonomy/options/", views.skill_options, name="skill_options"),
    path("taxonomy/own/", views.add_own_skill, name="add_own_skill"),
    path("taxonomy/<int:pk>/", views.skill_detail, name="skill"),
    path("roles/", views.roles, name="roles"),
    path("roles/export.csv", views.roles_csv, name="roles_csv"),
    path("roles/<int:pk>/", views.role, name="role"),
    path("roles/tagging/<int:pk>/", views.tagging_job, name="tagging_job"),
    path("frameworks/", views.frameworks, name="frameworks"),
    path("gaps/", views.my_gaps, name="gaps"),
    path("gaps/team/", views.team_gaps, name="team_gaps"),
    path("gaps/company/", views.inventory, name="inventory"),
]
