from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "learnloop.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from learnloop.audit import permissions  # noqa: F401
