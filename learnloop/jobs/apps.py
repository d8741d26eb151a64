from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "learnloop.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
