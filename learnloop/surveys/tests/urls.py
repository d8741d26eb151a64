"""The site's URLs plus the surveys API router, for tests run before the router is mounted in
``learnloop/api/root.py``; once it is, the main API serves it and this adds nothing."""

from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI

from learnloop.api import errors
from learnloop.api.auth import SessionAuth, TokenAuth
from learnloop.api.root import api as main_api
from learnloop.surveys.api import router
from learnloop.urls import urlpatterns as site

urlpatterns: list[URLPattern | URLResolver] = list(site)
if all(mounted is not router for _, mounted in main_api._routers):
    api = NinjaAPI(auth=[TokenAuth(), SessionAuth()], urls_namespace="surveys_api_test")
    errors.install(api)
    api.add_router("/", router)
    urlpatterns.append(path("api/v1/", api.urls))
