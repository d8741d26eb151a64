"""The admin site, opened to HR admins through the permission module rather than is_staff."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from learnloop.audit import events
from learnloop.permissions import can, principal_for


class LearnloopAdminSite(admin.AdminSite):
    site_header = "learnloop administration"
    site_title = "learnloop admin"
    index_title = "Organization data"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and can(request.user, "admin.access")


class GuardedAdmin(admin.ModelAdmin[Any]):
    """A model admin whose every check is one permission action of the model's domain."""

    view_action = "admin.access"
    change_action = "admin.access"
    # The lookup from a row to its organization: HR admins see their organization's rows only.
    organization_path: str | None = None

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self.organization_path is None or request.user.is_superuser:
            return queryset
        organization = principal_for(request.user).organization
        return (
            queryset.filter(**{self.organization_path: organization})
            if organization
            else queryset.none()
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, self.view_action)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.view_action)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(request.user, self.change_action)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.change_action)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, self.change_action)

    # Writes through the admin land in the same audit trail as every other write.
    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        action = "admin.changed" if change else "admin.added"
        events.record(
            action, actor=request.user, target=obj, data={"fields": sorted(form.changed_data)}
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        events.record("admin.deleted", actor=request.user, target=obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        events.record_many(
            [events.Event("admin.deleted", obj) for obj in queryset], actor=request.user
        )
        super().delete_queryset(request, queryset)


admin_site = LearnloopAdminSite(name="admin")
