from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from learnloop.accounts.models import ApiToken, User
from learnloop.permissions import principal_for
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
    list_display = ("name", "user", "prefix", "created_at", "last_used_on", "expires_at")
    fields = ("name", "user", "prefix", "created_at", "last_used_on", "expires_at")
    readonly_fields = fields

    # The day only: a time of use would line up with the time of an anonymous act.
    @admin.display(description="last used on", ordering="last_used_at")
    def last_used_on(self, token: ApiToken) -> datetime.date | None:
        return timezone.localdate(token.last_used_at) if token.last_used_at else None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin_site.register(User, UserAdmin)
admin_site.register(ApiToken, ApiTokenAdmin)


class AccessAttemptAdmin(GuardedAdmin):
    """django-axes' failed sign-ins; deleting a row lifts its lockout (and is audited)."""

    view_action = change_action = "accounts.unlock_signins"
    list_display = ("attempt_time", "ip_address", "username", "failures_since_start")
    search_fields = ("ip_address", "username")
    fields = ("username", "ip_address", "user_agent", "path_info", "failures_since_start")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[AccessAttempt]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        members = User.objects.filter(
            employee__organization=principal_for(request.user).organization
        )
        return queryset.filter(username__in=members.values("email"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin_site.register(AccessAttempt, AccessAttemptAdmin)
