"""Shaping stored statements for the ``format`` parameter, with Accept-Language filtering."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from learnloop.xapi.engine.statements import COMPONENT_LISTS, identity

Lookup = Mapping[str, Any]


def parse_accept_language(header: str) -> list[str]:
    """Language ranges by descending quality (RFC 7231 5.3.5); ``*`` may appear."""
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            ranges.append((-quality, index, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranges)]


def pick_language(language_map: Mapping[str, str], preferred: list[str]) -> dict[str, str]:
    """The single best entry of a language map for the preferred ranges."""
    if not language_map:
        return {}
    lowered = {key.lower(): key for key in language_map}
    for wanted in preferred:
        if wanted == "*":
            break
        if wanted in lowered:
            key = lowered[wanted]
            return {key: language_map[key]}
        for candidate, key in lowered.items():
            if candidate.startswith(wanted + "-") or wanted.startswith(candidate + "-"):
                return {key: language_map[key]}
    for fallback in ("und", "en-us", "en"):
        if fallback in lowered:
            key = lowered[fallback]
            return {key: language_map[key]}
    key = next(iter(language_map))
    return {key: language_map[key]}


def filter_definition(definition: Mapping[str, Any], preferred: list[str]) -> dict[str, Any]:
    out = dict(definition)
    for key in ("name", "description"):
        if isinstance(out.get(key), dict):
            out[key] = pick_language(out[key], preferred)
    for key in COMPONENT_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [
                {**c, "description": pick_language(c["description"], preferred)}
                if isinstance(c.get("description"), dict)
                else c
                for c in out[key]
            ]
    return out


def _walk(
    statement: dict[str, Any],
    agent: Callable[[Any], Any],
    activity: Callable[[Any], Any],
    verb: Callable[[Any], Any],
) -> dict[str, Any]:
    def body(node: dict[str, Any]) -> None:
        if "actor" in node:
            node["actor"] = agent(node["actor"])
        if "verb" in node:
            node["verb"] = verb(node["verb"])
        target = node.get("object")
        if isinstance(target, dict):
            kind = target.get("objectType", "Activity")
            if kind == "Activity":
                node["object"] = activity(target)
            elif kind in ("Agent", "Group"):
                node["object"] = agent(target)
            elif kind == "SubStatement":
                body(target)
        context = node.get("context")
        if isinstance(context, dict):
            for key in ("instructor", "team"):
                if key in context:
                    context[key] = agent(context[key])
            for entries in (context.get("contextActivities") or {}).values():
                entries[:] = [activity(item) for item in entries]
            for entry in context.get("contextAgents") or ():
                entry["agent"] = agent(entry["agent"])
            for entry in context.get("contextGroups") or ():
                entry["group"] = agent(entry["group"])
        if "authority" in node:
            node["authority"] = agent(node["authority"])

    shaped = copy.deepcopy(statement)
    body(shaped)
    return shaped


def as_ids(statement: dict[str, Any]) -> dict[str, Any]:
    """``format=ids``: agents, groups, activities and verbs reduced to their identifiers."""

    # An Activity's objectType is no identifier (its suite's XAPI-00171), wherever it is.
    return _walk(
        statement, identity, lambda item: {"id": item["id"]}, lambda verb: {"id": verb["id"]}
    )


def as_canonical(
    statement: dict[str, Any],
    activities: Lookup,
    verbs: Lookup,
    preferred: list[str],
) -> dict[str, Any]:
    """``format=canonical``: the LRS's definitions and displays, one language per map."""

    def activity(item: dict[str, Any]) -> dict[str, Any]:
        definition = activities.get(item["id"], item.get("definition"))
        shaped = {k: v for k, v in item.items() if k != "definition"}
        if definition:
            shaped["definition"] = filter_definition(definition, preferred)
        return shaped

    def verb(item: dict[str, Any]) -> dict[str, Any]:
        display = verbs.get(item["id"]) or item.get("display")
        shaped = {"id": item["id"]}
        if display:
            shaped["display"] = pick_language(display, preferred)
        return shaped

    return _walk(statement, lambda a: a, activity, verb)
