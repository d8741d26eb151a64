"""The site's URLs with the skills API mounted, until ``learnloop/api/root.py`` mounts it.

Once the root API includes the skills router this module is the root URLconf unchanged.
"""

from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from ninja import NinjaAPI

from learnloop import urls as root
from learnloop.api import errors
from learnloop.api.auth import SessionAuth, TokenAuth

urlpatterns: list[URLPattern | URLResolver]
try:
    reverse("api:skills_taxonomy", urlconf="learnloop.urls")
    urlpatterns = list(root.urlpatterns)
except NoReverseMatch:
    from learnloop.skills.api import router as skills_router

    api = NinjaAPI(
        title="learnloop API (skills tests)",
        auth=[TokenAuth(), SessionAuth()],
        urls_namespace="api",
    )
    errors.install(api)
    api.add_router("/", skills_router)
    urlpatterns = [p for p in root.urlpatterns if str(p.pattern) != "api/v1/"]
    urlpatterns.append(path("api/v1/", api.urls))
