"""Errors the engine raises; the HTTP layer maps each to its status code."""

from __future__ import annotations


class XapiError(Exception):
    """A request the LRS refuses; ``status`` is the HTTP code to answer with."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(XapiError):
    """Bad input, named by its property path and the rule it breaks."""

    def __init__(self, path: str, rule: str) -> None:
        super().__init__(f"{path}: {rule}" if path else rule)
        self.path = path
        self.rule = rule


class Conflict(XapiError):
    status = 409


class PreconditionFailed(XapiError):
    status = 412


class Forbidden(XapiError):
    status = 403


class NotFound(XapiError):
    status = 404
