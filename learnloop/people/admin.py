from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from learnloop.people import actions
from learnloop.people.models import (
    Department,
    Employee,
    ImportBatch,
    JobRole,
    Location,
    Organization,
    RoleGrant,
)
from learnloop.web.admin_site import GuardedAdmin, admin_site


class EmployeeForm(forms.ModelForm[Employee]):
    class Meta:
        model = Employee
        fields = (
            "organization",
            "user",
            "employee_id",
            "manager",
            "department",
            "job_role",
            "location",
            "hire_date",
            "leave_date",
            "employment_type",
            "languages",
            "timezone",
        )

    def clean_manager(self) -> Employee | None:
        manager: Employee | None = self.cleaned_data.get("manager")
        if manager is None or self.instance.pk is None:
            return manager
        if manager.pk == self.instance.pk or manager.is_in_chain_below(self.instance):
            raise forms.ValidationError(
                "This would make a cycle: the manager reports to this person."
            )
        return manager


class EmployeeAdmin(GuardedAdmin):
    form = EmployeeForm
    organization_path = "organization"
    view_action = "people.manage_roles"
    change_action = "people.edit_employee"
    list_display = (
        "__str__",
        "employee_id",
        "job_role",
        "department",
        "manager",
        "hire_date",
        "leave_date",
    )
    list_select_related = ("user", "job_role", "department", "manager__user")
    search_fields = ("user__full_name", "user__email", "employee_id")
    list_filter = ("employment_type", "location")
    raw_id_fields = ("user", "manager")
    autocomplete_fields = ("department", "job_role", "location")

    def save_model(
        self, request: HttpRequest, obj: Employee, form: forms.ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if "manager" in form.changed_data:
            actions.rebuild_manager_paths(obj.organization)


class DepartmentForm(forms.ModelForm[Department]):
    class Meta:
        model = Department
        fields = ("organization", "name", "parent")

    def clean_parent(self) -> Department | None:
        parent: Department | None = self.cleaned_data.get("parent")
        if (
            parent is not None
            and self.instance.pk is not None
            and parent.path.startswith(self.instance.path)
        ):
            raise forms.ValidationError(
                "A department cannot sit inside itself or one of its own teams."
            )
        return parent


class DepartmentAdmin(GuardedAdmin):
    form = DepartmentForm
    organization_path = "organization"
    view_action = change_action = "people.edit_employee"
    list_display = ("full_name", "organization")
    search_fields = ("name", "full_name")
    readonly_fields = ("path", "full_name")

    def save_model(
        self, request: HttpRequest, obj: Department, form: forms.ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        actions.rebuild_department_paths(obj.organization)


class NamedAdmin(GuardedAdmin):
    view_action = change_action = "people.edit_employee"
    search_fields = ("name", "title")
    organization_path = "organization"


class OrganizationAdmin(NamedAdmin):
    organization_path = "pk"


class RoleGrantAdmin(GuardedAdmin):
    organization_path = "user__employee__organization"
    view_action = change_action = "people.manage_roles"
    list_display = ("user", "role", "granted_at")
    list_filter = ("role",)
    raw_id_fields = ("user",)


class ImportBatchAdmin(GuardedAdmin):
    organization_path = "organization"
    view_action = change_action = "people.edit_employee"
    list_display = ("filename", "status", "uploaded_by", "created_at")
    readonly_fields = (
        "organization",
        "uploaded_by",
        "filename",
        "content",
        "status",
        "summary",
        "created_at",
        "applied_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin_site.register(Organization, OrganizationAdmin)
admin_site.register(Location, NamedAdmin)
admin_site.register(JobRole, NamedAdmin)
admin_site.register(Department, DepartmentAdmin)
admin_site.register(Employee, EmployeeAdmin)
admin_site.register(RoleGrant, RoleGrantAdmin)
admin_site.register(ImportBatch, ImportBatchAdmin)
