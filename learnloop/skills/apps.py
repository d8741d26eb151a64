from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "learnloop.skills"
    label = "skills"
    verbose_name = "Skills"
