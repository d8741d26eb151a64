from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learnloop.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from learnloop.learning import permissions  # noqa: F401  (registers the rules)
