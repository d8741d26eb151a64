"""The OpenAPI document names each schema once: ninja keys components by class name, so two
classes of one name used to share one component and document the wrong fields."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from learnloop.api.tests import openapi_walk


def _models(annotation: Any, seen: set[type] | None = None) -> Iterator[type[BaseModel]]:
    """Every pydantic model an annotation names, through unions, lists and nesting."""
    seen = set() if seen is None else seen
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:  # a recursive schema such as a tree
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation, seen)
    for argument in getattr(annotation, "__args__", ()):
        yield from _models(argument, seen)


def _operation_models(op: openapi_walk.ApiOperation) -> Iterator[type[BaseModel]]:
    for model in op.operation.models:  # ninja's per-source wrappers around the parameters
        for field in model.model_fields.values():
            yield from _models(field.annotation)
    for response in op.operation.response_models.values():
        if isinstance(response, type) and issubclass(response, BaseModel):
            yield from _models(response.model_fields["response"].annotation)


def test_no_two_schemas_of_the_api_share_a_name() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for op in openapi_walk.operations():
        for model in _operation_models(op):
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert {name: sorted(found) for name, found in by_name.items() if len(found) > 1} == {}


def test_each_operation_documents_its_own_request_body() -> None:
    doc = openapi_walk.document()
    wrong = []
    for op in openapi_walk.operations():
        content = op.spec.get("requestBody", {}).get("content", {}).get("application/json")
        if content is None:
            continue
        body = next(m for m in op.operation.models if m.__ninja_param_source__ == "body")
        (field,) = body.model_fields.values()
        component = openapi_walk.resolve(content["schema"], doc)
        if set(component.get("properties", {})) != set(field.annotation.model_fields):
            wrong.append(op.id)
    assert wrong == []


def test_the_people_import_documents_the_error_shape_of_its_400() -> None:
    doc = openapi_walk.document()
    responses = doc["paths"]["/api/v1/people/import"]["post"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
