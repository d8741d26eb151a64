from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "learnloop.demo"
    label = "demo"
    verbose_name = "Demo organization"
