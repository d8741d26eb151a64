from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "learnloop.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from learnloop.surveys import permissions  # noqa: F401  (registers the rules)
