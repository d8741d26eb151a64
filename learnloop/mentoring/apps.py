from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "learnloop.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        from learnloop.mentoring import permissions  # noqa: F401  (registers the rules)
