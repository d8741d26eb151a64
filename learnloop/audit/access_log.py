"""The web server's access log, without the requests of anonymous acts.

``learnloop serve`` runs gunicorn with :class:`AccessLog`: an access-log line (time, client
address, path) for answering a pulse or posting a suggestion would date that act and tie it
to an address, which the audit trail and the LRS take care never to do (docs/security.md).
Those requests are left out of the log; every other request is logged as before.
"""

from __future__ import annotations

from typing import Any

from django.urls import Resolver404, resolve
from gunicorn.glogging import Logger

# The pages and API operations through which people act anonymously, by URL name.
ANONYMOUS_ENDPOINTS = frozenset(
    {
        "surveys:answer",
        "surveys:suggestion_new",
        "surveys:suggestion_follow",
        "feedback:answer",
        "api:respond",
        "api:post_suggestion",
        "api:my_suggestion",
        "api:feedback_request_answer",
    }
)


def is_anonymous_act(path: str) -> bool:
    try:
        return resolve(path).view_name in ANONYMOUS_ENDPOINTS
    except Resolver404:
        return False


class AccessLog(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not is_anonymous_act(environ.get("PATH_INFO", "")):
            super().access(resp, req, environ, request_time)
