from django.urls import path

from learnloop.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.home, name="home"),
    path("path/", views.path_settings, name="path_settings"),
    path("path/edit/", views.path_edit, name="path_edit"),
    path("catalog/", views.catalog, name="catalog"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("enrollments/<int:pk>/launch/", views.launch, name="launch"),
    path("enrollments/<int:pk>/lessons/<int:lesson>/done/", views.lesson_done, name="lesson_done"),
    path("enrollments/<int:pk>/progress/", views.progress, name="progress"),
    path("enrollments/<int:pk>/complete/", views.complete, name="complete"),
    path("enrollments/<int:pk>/rate/", views.rate, name="rate"),
    path("quizzes/<int:pk>/", views.quiz, name="quiz"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("certificates/<uuid:code>/", views.certificate, name="certificate"),
    path("certificates/<uuid:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("team/", views.team, name="team"),
    path("manage/", views.manage, name="manage"),
    path("manage/items/<int:pk>/", views.edit_item, name="edit_item"),
    path("manage/items/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("manage/item-skills/<int:pk>/", views.decide_skill, name="decide_skill"),
    path("manage/catalog.csv", views.export_csv, name="export_csv"),
    path("manage/import/", views.import_csv, name="import_csv"),
    path("manage/assignments/", views.assignments, name="assignments"),
    path("manage/questions/", views.questions, name="questions"),
    path("manage/curricula/", views.curricula, name="curricula"),
    path("manage/curricula/<int:pk>/assign/", views.assign_curriculum, name="assign_curriculum"),
    path("analytics/", views.analytics, name="analytics"),
]
