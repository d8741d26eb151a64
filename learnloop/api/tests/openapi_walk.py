"""The API's operations as the OpenAPI document and ninja both see them, for generated tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ninja.operation import Operation

from learnloop.api.root import api

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class ApiOperation:
    method: str
    path: str  # as in the document, with {placeholders}
    spec: dict[str, Any]
    operation: Operation

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path}"


def document() -> dict[str, Any]:
    """The document as clients read it (JSON: status codes are strings)."""
    return json.loads(json.dumps(api.get_openapi_schema()))


def ninja_operations() -> Iterator[Operation]:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def operations() -> list[ApiOperation]:
    by_id = {api.get_openapi_operation_id(op): op for op in ninja_operations()}
    found = []
    for path, methods in document()["paths"].items():
        for method, spec in methods.items():
            found.append(ApiOperation(method, path, spec, by_id[spec["operationId"]]))
    return found


def resolve(node: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def text_paths(node: dict[str, Any], doc: dict[str, Any], path: Path = ()) -> Iterator[Path]:
    """Where a string can go in a value of this JSON schema (a list item as index 0)."""
    node = resolve(node, doc)
    if len(path) > 8:  # a recursive schema: deep enough
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            yield from text_paths(sub, doc, path)
    kind = node.get("type")
    if kind == "string" and node.get("format") != "binary":
        yield path
    elif kind == "object":
        for name, sub in node.get("properties", {}).items():
            yield from text_paths(sub, doc, (*path, name))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            yield from text_paths(extra, doc, (*path, "key"))
    elif kind == "array" and isinstance(node.get("items"), dict):
        yield from text_paths(node["items"], doc, (*path, 0))


def placed(path: Path, value: object) -> object:
    """A JSON value holding ``value`` at ``path`` and nothing else."""
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def filled_path(op: ApiOperation, doc: dict[str, Any]) -> str:
    """The operation's path with a plausible value for each path parameter."""
    url = op.path
    for parameter in op.spec.get("parameters", []):
        if parameter["in"] != "path":
            continue
        schema = resolve(parameter.get("schema", {}), doc)
        value = schema.get("enum", ["1" if schema.get("type") == "integer" else "x"])[0]
        url = url.replace("{" + parameter["name"] + "}", str(value))
    return url
