from __future__ import annotations

from django.http import HttpRequest

from learnloop.accounts.models import ApiToken, User
from learnloop.web.admin_site import GuardedAdmin, admin_site


class UserAdmin(GuardedAdmin):
    view_action = change_action = "people.manage_roles"
    organization_path = "employee__organization"
    list_display = ("email", "full_name", "is_active", "last_login")
    search_fields = ("email", "full_name")
    list_filter = ("is_active",)
    fields = ("email", "full_name", "is_active", "last_login", "date_joined")
    readonly_fields = ("last_login", "date_joined")


class ApiTokenAdmin(GuardedAdmin):
    view_action = change_action = "people.manage_roles"
    organization_path = "user__employee__organization"
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at")
    fields = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin_site.register(User, UserAdmin)
admin_site.register(ApiToken, ApiTokenAdmin)
