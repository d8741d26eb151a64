from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "learnloop.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from learnloop.insights import permissions  # noqa: F401  (registers the rules)
