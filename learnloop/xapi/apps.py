from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "learnloop.xapi"
    label = "xapi"
    verbose_name = "Learning Record Store (xAPI)"

    def ready(self) -> None:
        from learnloop.audit import events
        from learnloop.xapi import permissions, recorder  # noqa: F401  (registers the rules)

        events.subscribe(recorder.record_audit_events)
