"""The API's request parser: where every value of a JSON body, query string or form arrives.

ninja parses only after authentication (and the operation's declared permission), so a caller
who may not use an operation learns nothing from a bad body. Checking here, rather than in
each schema, covers every field of every operation, including ones added later.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from learnloop.inputs import find_unsafe_in_querydict
from learnloop.text import find_unsafe


class CheckedParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data: Any = super().parse_body(request)
        # Every request body of this API is an object; ninja's schemas would otherwise read the
        # fields of a list, a number or null as absent and take their defaults.
        if not isinstance(data, dict):
            raise ValidationError([{"loc": ("body",), "msg": "must be a JSON object"}])
        found = find_unsafe(data)
        if found:
            path, problem = found
            raise ValidationError([{"loc": ("body", *path), "msg": problem}])
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        found = find_unsafe_in_querydict(data)
        if found:
            raise ValidationError([{"loc": found[:1], "msg": found[1]}])
        return super().parse_querydict(data, list_fields, request)
