from django.urls import include, path

from learnloop.api.root import api
from learnloop.web.admin_site import admin_site

urlpatterns = [
    path("", include("learnloop.web.urls")),
    path("accounts/", include("learnloop.accounts.urls")),
    path("people/", include("learnloop.people.urls")),
    path("xapi/", include("learnloop.xapi.urls")),
    path("skills/", include("learnloop.skills.urls")),
    path("learning/", include("learnloop.learning.urls")),
    path("feedback/", include("learnloop.feedback.urls")),
    path("surveys/", include("learnloop.surveys.urls")),
    path("mentoring/", include("learnloop.mentoring.urls")),
    path("insights/", include("learnloop.insights.urls")),
    path("admin/", admin_site.urls),
    path("api/v1/", api.urls),
]
