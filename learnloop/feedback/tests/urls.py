"""The site's URLs with the feedback API mounted, until ``learnloop/api/root.py`` mounts it.

Once the root API includes the feedback router this module is the root URLconf unchanged.
"""

from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from ninja import NinjaAPI

from learnloop import urls as root
from learnloop.api import errors
from learnloop.api.auth import SessionAuth, TokenAuth

urlpatterns: list[URLPattern | URLResolver]
try:
    reverse("api:feedback_received", urlconf="learnloop.urls")
    urlpatterns = list(root.urlpatterns)
except NoReverseMatch:
    from learnloop.accounts.api import router as accounts_router
    from learnloop.feedback.api import router as feedback_router
    from learnloop.people.api import router as people_router

    api = NinjaAPI(
        title="learnloop API (feedback tests)",
        auth=[TokenAuth(), SessionAuth()],
        urls_namespace="api",
    )
    errors.install(api)
    for router in (accounts_router, people_router, feedback_router):
        api.add_router("/", router)
    urlpatterns = [p for p in root.urlpatterns if str(p.pattern) != "api/v1/"]
    urlpatterns.append(path("api/v1/", api.urls))
