from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "learnloop.api"
    label = "api"
    verbose_name = "REST API"
