from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "learnloop.people"
    label = "people"
    verbose_name = "People and organization"

    def ready(self) -> None:
        from learnloop.people import permissions  # noqa: F401
