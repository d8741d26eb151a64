from django.urls import URLPattern, path, re_path

from learnloop.xapi import endpoints, views

app_name = "xapi"
urlpatterns: list[URLPattern] = [
    re_path(r"^statements/?$", endpoints.statements, name="statements"),
    re_path(r"^activities/state/?$", endpoints.state, name="state"),
    re_path(r"^activities/profile/?$", endpoints.activity_profile, name="activity_profile"),
    re_path(r"^activities/?$", endpoints.activities, name="activities"),
    re_path(r"^agents/profile/?$", endpoints.agent_profile, name="agent_profile"),
    re_path(r"^agents/?$", endpoints.agents, name="agents"),
    re_path(r"^about/?$", endpoints.about, name="about"),
    # The LRS console: a learnloop page, kept under extensions/ as xAPI asks of extra resources.
    path("extensions/admin/", views.console, name="console"),
    path("extensions/admin/clients/", views.create_client, name="create_client"),
    path("extensions/admin/clients/<int:pk>/revoke/", views.revoke_client, name="revoke_client"),
    # Last: the console's pages (outside the xAPI) keep Django's own 404 and slash redirects.
    re_path(r"^(?!extensions/admin)", endpoints.unknown, name="unknown"),
]
