from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learnloop.learning"
    label = "learning"
    verbose_name = "Learning"
