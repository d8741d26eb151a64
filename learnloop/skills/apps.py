from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "learnloop.skills"
    label = "skills"
    verbose_name = "Skills"

    def ready(self) -> None:
        from learnloop.skills import permissions  # noqa: F401  (registers the rules)
