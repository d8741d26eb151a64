"""The input boundary of pages: unsafe text (``learnloop.text``) in a path, query string or form
gets a 400 naming the field before any view or form sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.datastructures import MultiValueDict

from learnloop.api.errors import INVALID_REQUEST, error_body
from learnloop.text import printable, text_problem


def find_unsafe_in_querydict(data: MultiValueDict[str, Any]) -> tuple[str, str] | None:
    """The first field of a query string, form or upload set whose name or value is unsafe
    (for an upload, its file name)."""
    for key, values in data.lists():
        problem = text_problem(key)
        if problem:
            return printable(key), problem
        for value in values:
            text = value.name if isinstance(value, UploadedFile) else value
            problem = text_problem(text) if isinstance(text, str) else None
            if problem:
                return key, problem
    return None


# The API checks its input itself, after authorization; the LRS validates its own statements
# and takes bodies larger than a page form may send.
_CHECKED_ELSEWHERE = ("/api/", "/xapi/")


class RejectUnsafeText:
    """Answers 400 naming the field when a page's path, query string or form carries unsafe
    text, before any view (or form) can hand it to the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = text_problem(request.path_info)
        if problem:
            return self._bad_request(request, "path", problem)
        if not request.path_info.startswith(_CHECKED_ELSEWHERE):
            for data in (request.GET, request.POST, request.FILES):
                found = find_unsafe_in_querydict(data)
                if found:
                    return self._bad_request(request, *found)
        return self.get_response(request)

    @staticmethod
    def _bad_request(request: HttpRequest, field: str, problem: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            details = [{"field": field, "message": problem}]
            return JsonResponse(error_body("invalid_request", INVALID_REQUEST, details), status=400)
        # Plain text: the field name is the client's own input and must not become markup.
        return HttpResponseBadRequest(
            f"{field}: {problem}".encode(), content_type="text/plain; charset=utf-8"
        )
