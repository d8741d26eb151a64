from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "learnloop.feedback"
    label = "feedback"
    verbose_name = "Feedback and conversations"

    def ready(self) -> None:
        from learnloop.feedback import permissions  # noqa: F401  registers the rules
