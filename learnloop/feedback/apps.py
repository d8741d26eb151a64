from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "learnloop.feedback"
    label = "feedback"
    verbose_name = "Feedback and conversations"
