"""Key-result progress and its roll-up through the alignment tree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyResultValues:
    kind: str  # "binary", "numeric" or "percentage"
    start: float
    target: float
    current: float


def key_result_progress(kr: KeyResultValues) -> float:
    """Share of the way from start to target, clamped to [0, 1]; works for falling targets."""
    if kr.kind == "binary":
        return 1.0 if kr.current >= kr.target else 0.0
    span = kr.target - kr.start
    if span == 0:
        return 1.0 if kr.current == kr.target else 0.0
    return min(1.0, max(0.0, (kr.current - kr.start) / span))


@dataclass(frozen=True)
class ObjectiveNode:
    id: int
    parent_id: int | None
    key_results: tuple[KeyResultValues, ...] = ()


def roll_up(nodes: Iterable[ObjectiveNode]) -> dict[int, float | None]:
    """Progress of every objective: the mean of its key results and its aligned children,
    each child counting as one item. ``None`` for an objective with neither.

    Parents outside ``nodes`` are ignored; a cycle (which actions prevent) is cut, not looped.
    """
    by_id = {node.id: node for node in nodes}
    children: dict[int, list[int]] = {}
    for node in by_id.values():
        if node.parent_id in by_id:
            children.setdefault(node.parent_id, []).append(node.id)
    result: dict[int, float | None] = {}
    visiting: set[int] = set()

    def visit(node_id: int) -> float | None:
        if node_id in result:
            return result[node_id]
        if node_id in visiting:
            return None
        visiting.add(node_id)
        parts = [key_result_progress(kr) for kr in by_id[node_id].key_results]
        for child in sorted(children.get(node_id, [])):
            value = visit(child)
            if value is not None:
                parts.append(value)
        visiting.discard(node_id)
        result[node_id] = sum(parts) / len(parts) if parts else None
        return result[node_id]

    for node_id in by_id:
        visit(node_id)
    return result


def would_cycle(node_id: int, new_parent_id: int, parents: Mapping[int, int | None]) -> bool:
    """True when making ``new_parent_id`` the parent of ``node_id`` closes a loop."""
    seen: set[int] = set()
    current: int | None = new_parent_id
    while current is not None and current not in seen:
        if current == node_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False
