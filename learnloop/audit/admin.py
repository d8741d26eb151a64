from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from learnloop.audit.models import AuditEvent
from learnloop.web.admin_site import GuardedAdmin, admin_site


class AuditEventAdmin(GuardedAdmin):
    """Read-only: the trail is never edited."""

    view_action = change_action = "audit.view_trail"
    list_display = ("at", "actor_label", "action", "target_label")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "target_label")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin_site.register(AuditEvent, AuditEventAdmin)
