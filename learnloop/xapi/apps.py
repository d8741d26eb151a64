from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "learnloop.xapi"
    label = "xapi"
    verbose_name = "Learning Record Store (xAPI)"
