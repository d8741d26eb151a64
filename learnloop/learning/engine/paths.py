"""Personalized learning paths: from a learner's gaps to an ordered, dated list of catalog items.

``plan(request, catalog)`` works in four steps:

1. Gaps: each required skill level the learner has not reached. A skill counts as mastered when
   its level meets the requirement, or when the knowledge-tracing estimate says so
   (``mastery >= MASTERED_AT``) even if the profile level lags. A met level whose mastery
   estimate has fallen below ``REMEDIATE_BELOW`` is a remediation gap.
2. Choice: greedy weighted cover of the gaps by allowed items (preferences, edits, history),
   scoring closed-gap share per hour, boosted by what helped similar learners close the same gap.
3. Prerequisites: prerequisite items and skill levels not yet met are pulled in, recursively.
4. Order and dates: a topological order (prerequisites first) that follows the learner's pins and
   reordering wherever prerequisites allow, time-boxed by weekly hours.

Re-planning is the same call with fresh mastery estimates and edits; passing the previous path
keeps its order where nothing forces a change and lists what was skipped and why.
Identifiers (skills, items) are ints: the app's primary keys.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

MASTERED_AT = 0.85
REMEDIATE_BELOW = 0.6
PEER_BOOST = 1.0  # score multiplier at 100% of similar learners helped by an item
MAX_PREREQUISITE_DEPTH = 8


class TargetKind(StrEnum):
    CURRENT_ROLE = "current_role"
    NEXT_ROLE = "next_role"
    SKILLS = "skills"


class StepKind(StrEnum):
    GAP = "gap"
    REMEDIATION = "remediation"
    PREREQUISITE = "prerequisite"
    PINNED = "pinned"


@dataclass(frozen=True, slots=True)
class SkillLevel:
    skill: int
    level: int


@dataclass(frozen=True, slots=True)
class Requirement:
    skill: int
    level: int
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Target:
    """What the path aims at: a role's (or a hand-picked set of) weighted skill levels."""

    kind: TargetKind
    label: str  # "Data Engineer", shown in reasons
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class LearnerSkill:
    level: int
    # Knowledge-tracing estimate of answering this skill's questions right, if any evidence.
    mastery: float | None = None


@dataclass(frozen=True, slots=True)
class Preferences:
    formats: frozenset[str] = frozenset()  # empty: any format
    languages: frozenset[str] = frozenset()  # empty: any language
    weekly_hours: float = 3.0
    max_item_cost: float | None = None


@dataclass(frozen=True, slots=True)
class Edits:
    """The learner's edits to an earlier path; kept across re-plans."""

    dropped: frozenset[int] = frozenset()
    pinned: tuple[int, ...] = ()  # added or pinned items, always planned, earliest first
    order: tuple[int, ...] = ()  # the learner's order of (some) items


@dataclass(frozen=True, slots=True)
class Learner:
    skills: Mapping[int, LearnerSkill]
    completed: frozenset[int] = frozenset()
    progress: Mapping[int, float] = field(default_factory=dict)  # item -> share done, 0..1
    preferences: Preferences = Preferences()
    edits: Edits = Edits()


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    title: str
    teaches: tuple[SkillLevel, ...]  # level each skill reaches after the item
    hours: float
    format: str = "course"
    language: str = "en"
    cost: float = 0.0
    prerequisite_skills: tuple[SkillLevel, ...] = ()
    prerequisite_items: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PeerSignal:
    """For one gap (skill, to level): among similar learners who closed it, how many each item
    helped. ``closers`` is the number of those learners."""

    closers: int
    helped: Mapping[int, int]


@dataclass(frozen=True, slots=True)
class SkillChange:
    skill: int
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class Step:
    item: int
    title: str
    kind: StepKind
    reasons: tuple[str, ...]
    raises: tuple[SkillChange, ...]
    hours: float  # remaining hours
    starts: dt.date
    ends: dt.date


@dataclass(frozen=True, slots=True)
class Gap:
    skill: int
    current: int
    required: int
    weight: float
    remediation: bool


@dataclass(frozen=True, slots=True)
class LearningPath:
    steps: tuple[Step, ...]
    gaps: tuple[Gap, ...]
    unmet: tuple[tuple[Gap, str], ...]  # gaps no allowed item closes, and why
    skipped: tuple[tuple[int, str], ...]  # items of the previous path left out, and why
    closes_on: dt.date | None  # when the last gap closes; None if some gap stays open
    hours: float


class Catalog:
    """Items indexed by the skills they teach; build once, plan many learners against it."""

    def __init__(self, items: Iterable[Item], skill_names: Mapping[int, str] | None = None):
        self.items: dict[int, Item] = {}
        self.teaching: dict[int, list[Item]] = defaultdict(list)
        self.reaches: dict[int, dict[int, int]] = {}  # item -> skill -> level it brings
        for item in items:
            if item.id in self.items:
                raise ValueError(f"item {item.id} appears twice in the catalog")
            if item.hours <= 0:
                raise ValueError(f"item {item.id} ({item.title!r}) has no duration")
            self.items[item.id] = item
            reaches = self.reaches[item.id] = {}
            for taught in item.teaches:
                reaches[taught.skill] = max(reaches.get(taught.skill, 0), taught.level)
                self.teaching[taught.skill].append(item)
        for listed in self.teaching.values():
            listed.sort(key=lambda i: (i.hours, i.id))
        self.skill_names: Mapping[int, str] = skill_names or {}

    def skill_name(self, skill: int) -> str:
        return self.skill_names.get(skill, f"skill {skill}")


def find_gaps(target: Target, learner: Learner) -> list[Gap]:
    gaps = []
    for requirement in target.requirements:
        known = learner.skills.get(requirement.skill, LearnerSkill(0))
        mastery = known.mastery
        if known.level >= requirement.level:
            if mastery is not None and mastery < REMEDIATE_BELOW:
                gaps.append(
                    Gap(requirement.skill, known.level, requirement.level, requirement.weight, True)
                )
        elif mastery is None or mastery < MASTERED_AT:
            gaps.append(
                Gap(requirement.skill, known.level, requirement.level, requirement.weight, False)
            )
    return gaps


_Snapshot = tuple[dict[int, StepKind], list[int], dict[int, int], dict[int, list[str]]]


class _Planner:
    def __init__(
        self,
        catalog: Catalog,
        target: Target,
        learner: Learner,
        peers: Mapping[tuple[int, int], PeerSignal],
        today: dt.date,
    ) -> None:
        self.catalog, self.target, self.learner, self.peers, self.today = (
            catalog,
            target,
            learner,
            peers,
            today,
        )
        self.levels: dict[int, int] = {s: k.level for s, k in learner.skills.items()}
        for skill, known in learner.skills.items():
            if known.mastery is not None and known.mastery >= MASTERED_AT:
                # Demonstrated mastery: no prerequisite on this skill should pull in items.
                self.levels[skill] = max(known.level, self._required(skill))
        self.base_levels = dict(self.levels)
        self.chosen: dict[int, StepKind] = {}
        self.reasons: dict[int, list[str]] = defaultdict(list)
        # (item, reason) -> the item that needed it: a reason whose item was pruned is dropped.
        self.reason_for: dict[tuple[int, str], int] = {}
        self.selection: list[int] = []
        self.unmet: list[tuple[Gap, str]] = []
        self.blocked: list[tuple[int, str]] = []
        # Item -> the shallowest depth at which its prerequisites could not be planned: not
        # retried at that depth or deeper within one plan.
        self.fails_from: dict[int, int] = {}
        self.kept_order: tuple[int, ...] = ()

    def _required(self, skill: int) -> int:
        return max((r.level for r in self.target.requirements if r.skill == skill), default=0)

    def allowed(self, item: Item) -> bool:
        prefs, learner = self.learner.preferences, self.learner
        if item.id in learner.completed or item.id in learner.edits.dropped:
            return False
        if prefs.formats and item.format not in prefs.formats:
            return False
        if prefs.languages and item.language not in prefs.languages:
            return False
        return prefs.max_item_cost is None or item.cost <= prefs.max_item_cost

    def remaining_hours(self, item: Item) -> float:
        done = min(max(self.learner.progress.get(item.id, 0.0), 0.0), 1.0)
        return item.hours * (1.0 - done)

    # -- choosing ---------------------------------------------------------------------------

    def choose(self, gaps: list[Gap]) -> None:
        for pinned in self.learner.edits.pinned:
            item = self.catalog.items.get(pinned)
            if item is None or pinned in self.learner.completed or pinned in self.chosen:
                continue
            if self.resolve(item, depth=0, trail=()):
                self.add(item, StepKind.PINNED, "pinned by you")
            else:
                self.blocked.append(
                    (
                        pinned,
                        "pinned by you, but its prerequisites cannot be planned "
                        "within your preferences and edits",
                    )
                )
        open_gaps = {g.skill: g for g in gaps}
        remediated: set[int] = set()
        for skill, gap in open_gaps.items():
            if not gap.remediation:
                continue
            # A pinned item may already refresh the skill.
            if any(self.catalog.reaches[i].get(skill, 0) >= gap.required for i in self.chosen):
                remediated.add(skill)
        candidates = {
            item.id: item
            for gap in open_gaps.values()
            for item in self.catalog.teaching.get(gap.skill, ())
            if self.allowed(item)
        }
        # Lazy greedy: a score only falls as levels rise, so a stale score is an upper bound and
        # only the top of the heap needs rescoring.
        heap = [(-self.score(item, open_gaps, remediated), item.id) for item in candidates.values()]
        heap = [entry for entry in heap if entry[0] < 0]
        heapq.heapify(heap)
        while heap:
            _, item_id = heapq.heappop(heap)
            if item_id in self.chosen:
                continue
            item = candidates[item_id]
            score = self.score(item, open_gaps, remediated)
            if score <= 0:
                continue
            if heap and -heap[0][0] > score:
                heapq.heappush(heap, (-score, item_id))
                continue
            if not self.resolve(item, depth=0, trail=()):
                continue
            self.add(item, StepKind.GAP, None)
            for skill, gap in open_gaps.items():
                if gap.remediation and self.catalog.reaches[item_id].get(skill, 0) >= gap.required:
                    remediated.add(skill)
        self.prune(open_gaps)
        for skill, gap in open_gaps.items():
            if gap.remediation:
                closed = skill in remediated
            else:
                closed = self.levels.get(skill, 0) >= gap.required
            if not closed:
                self.unmet.append((gap, self.why_unmet(gap)))

    def prune(self, gaps: Mapping[int, Gap]) -> None:
        """Drop gap items made redundant by items chosen later (often as prerequisites), then
        prerequisites nothing left needs, until nothing more can go."""
        while self._prune_once(gaps):
            pass

    def _prune_once(self, gaps: Mapping[int, Gap]) -> bool:
        reaches, items = self.catalog.reaches, self.catalog.items
        dropped = False
        # Levels before each position of the selection; a removal (walking backwards) never
        # changes the levels before an earlier position.
        start = list(self.selection)
        before: list[dict[int, int]] = []
        levels = dict(self.base_levels)
        for item_id in start:
            before.append(dict(levels))
            for skill, level in reaches[item_id].items():
                if level > levels.get(skill, 0):
                    levels[skill] = level
        best: dict[int, tuple[int, int, int]] = {}  # skill -> _best_on(skill), as needed
        needed: dict[int, int] = defaultdict(int)  # item -> selected items naming it
        for item_id in start:
            for needed_item in items[item_id].prerequisite_items:
                needed[needed_item] += 1
        for at in range(len(start) - 1, -1, -1):
            item_id = start[at]
            if self.chosen[item_id] not in (StepKind.GAP, StepKind.PREREQUISITE):
                continue
            taught = reaches[item_id]
            covered = True
            for skill, level in taught.items():
                gap = gaps.get(skill)
                if gap is None:
                    continue
                if skill not in best:
                    best[skill] = self._best_on(skill)
                top, top_item, second = best[skill]
                by_others = second if top_item == item_id else top
                if gap.remediation:
                    covered = by_others >= gap.required
                else:
                    known = self.learner.skills.get(skill)
                    covered = max(known.level if known else 0, by_others) >= min(
                        level, gap.required
                    )
                if not covered:
                    break
            if not covered:
                continue
            if needed[item_id] > items[item_id].prerequisite_items.count(item_id):
                continue
            # Only items after this one can lose a prerequisite with it: check that they still
            # find their prerequisites in order, from the levels before this position.
            later = self.selection[self.selection.index(item_id) + 1 :]
            if any(
                n.skill in taught for o in later for n in items[o].prerequisite_skills
            ) and not self._feasible(later, dict(before[at]), set(start[:at])):
                continue
            del self.chosen[item_id]
            self.selection.remove(item_id)
            self.reasons.pop(item_id, None)
            dropped = True
            for skill in taught:
                best.pop(skill, None)
            for needed_item in items[item_id].prerequisite_items:
                needed[needed_item] -= 1
        return dropped

    def _best_on(self, skill: int) -> tuple[int, int, int]:
        """The highest level an item of the selection reaches on ``skill``, that item, and the
        next highest level: the best of the others for every item at once."""
        top, top_item, second = 0, -1, 0
        for item_id in self.selection:
            level = self.catalog.reaches[item_id].get(skill, 0)
            if level > top:
                top, top_item, second = level, item_id, top
            elif level > second:
                second = level
        return top, top_item, second

    def _feasible(self, selection: list[int], levels: dict[int, int], done: set[int]) -> bool:
        """Whether these items, in this order, each find their prerequisites met by ``levels``
        (and ``done`` items) plus the items before them (the order ``order()`` follows)."""
        items, reaches, completed = self.catalog.items, self.catalog.reaches, self.learner.completed
        for item_id in selection:
            item = items[item_id]
            if any(i not in done and i not in completed for i in item.prerequisite_items):
                return False
            if any(levels.get(n.skill, 0) < n.level for n in item.prerequisite_skills):
                return False
            done.add(item_id)
            for skill, level in reaches[item_id].items():
                if level > levels.get(skill, 0):
                    levels[skill] = level
        return True

    def score(self, item: Item, gaps: Mapping[int, Gap], remediated: set[int]) -> float:
        gain = 0.0
        boost = 0.0
        for taught in item.teaches:
            gap = gaps.get(taught.skill)
            if gap is None:
                continue
            if gap.remediation:
                if taught.skill in remediated or taught.level < gap.required:
                    continue
                share = 1.0
            else:
                now = self.levels.get(taught.skill, 0)
                closes = min(taught.level, gap.required) - now
                if closes <= 0:
                    continue
                share = closes / max(gap.required - gap.current, 1)
            gain += gap.weight * share
            signal = self.peers.get((taught.skill, gap.required))
            if signal and signal.closers:
                boost = max(boost, signal.helped.get(item.id, 0) / signal.closers)
        if gain == 0.0:
            return 0.0
        return gain * (1.0 + PEER_BOOST * boost) / (self.remaining_hours(item) + 1.0)

    def why_unmet(self, gap: Gap) -> str:
        name = self.catalog.skill_name(gap.skill)
        teaching = [
            i
            for i in self.catalog.teaching.get(gap.skill, ())
            if self.catalog.reaches[i.id].get(gap.skill, 0) >= gap.required
        ]
        if not teaching:
            return f"no catalog item brings {name} to {gap.required}"
        if all(
            i.id in self.learner.edits.dropped
            for i in teaching
            if i.id not in self.learner.completed
        ):
            return f"you dropped every item that brings {name} to {gap.required}"
        return (
            f"no item that brings {name} to {gap.required} fits your preferences "
            "(format, language, cost) with its prerequisites"
        )

    # -- prerequisites ----------------------------------------------------------------------

    def resolve(self, item: Item, depth: int, trail: tuple[int, ...]) -> bool:
        """Plan what ``item`` needs first; on failure nothing is added."""
        if item.id in trail or depth >= self.fails_from.get(item.id, MAX_PREREQUISITE_DEPTH + 1):
            return False
        missing_items = [
            i
            for i in item.prerequisite_items
            if i not in self.learner.completed and i not in self.chosen
        ]
        missing_skills = [
            n for n in item.prerequisite_skills if self.levels.get(n.skill, 0) < n.level
        ]
        if not missing_items and not missing_skills:
            return True
        if depth >= MAX_PREREQUISITE_DEPTH:
            self.fails_from[item.id] = depth
            return False
        snapshot: _Snapshot = (
            dict(self.chosen),
            list(self.selection),
            dict(self.levels),
            {k: list(v) for k, v in self.reasons.items()},
        )
        trail = (*trail, item.id)
        for needed_item in missing_items:
            if needed_item in self.chosen:  # planned meanwhile, as another's prerequisite
                continue
            before = self.catalog.items.get(needed_item)
            if (
                before is None
                or needed_item in self.learner.edits.dropped
                or not self.resolve(before, depth + 1, trail)
            ):
                self._restore(snapshot)
                self.fails_from[item.id] = min(depth, self.fails_from.get(item.id, depth))
                return False
            self.add(
                before, StepKind.PREREQUISITE, f"prerequisite of {item.title!r}", source=item.id
            )
        for needed in missing_skills:
            if self.levels.get(needed.skill, 0) >= needed.level:
                continue
            provider = next(
                (
                    p
                    for p in self.catalog.teaching.get(needed.skill, ())
                    if self.catalog.reaches[p.id].get(needed.skill, 0) >= needed.level
                    and p.id not in trail
                    and p.id not in self.chosen
                    and self.allowed(p)
                    and self.resolve(p, depth + 1, trail)
                ),
                None,
            )
            if provider is None:
                self._restore(snapshot)
                self.fails_from[item.id] = min(depth, self.fails_from.get(item.id, depth))
                return False
            name = self.catalog.skill_name(needed.skill)
            self.add(
                provider,
                StepKind.PREREQUISITE,
                f"{item.title!r} needs {name} at level {needed.level}",
                source=item.id,
            )
        return True

    def _restore(self, snapshot: _Snapshot) -> None:
        chosen, selection, levels, reasons = snapshot
        self.chosen, self.selection, self.levels = chosen, selection, levels
        self.reasons = defaultdict(list, reasons)

    def add(
        self, item: Item, kind: StepKind, reason: str | None, source: int | None = None
    ) -> None:
        if reason and source is not None:
            self.reason_for[(item.id, reason)] = source
        if item.id in self.chosen:
            if reason:
                self.reasons[item.id].append(reason)
            return
        self.chosen[item.id] = kind
        self.selection.append(item.id)
        if reason:
            self.reasons[item.id].append(reason)
        for taught in item.teaches:
            if taught.level > self.levels.get(taught.skill, 0):
                self.levels[taught.skill] = taught.level

    # -- ordering and dates -----------------------------------------------------------------

    def order(self) -> list[int]:
        chosen = self.chosen
        after: dict[int, set[int]] = {i: set() for i in chosen}  # item -> items it must follow
        for at, item_id in enumerate(self.selection):
            item = self.catalog.items[item_id]
            after[item_id].update(i for i in item.prerequisite_items if i in chosen)
            for needed in item.prerequisite_skills:
                if self.base_levels.get(needed.skill, 0) >= needed.level:
                    continue
                # A provider chosen before the item: the selection order is feasible (prune
                # keeps it so), so following it never makes a cycle.
                providers = [
                    o
                    for o in (*self.selection[:at], *self.selection[at + 1 :])
                    if self.catalog.reaches[o].get(needed.skill, 0) >= needed.level
                ]
                if providers:
                    after[item_id].add(providers[0])
        edits = self.learner.edits
        pin_rank = {item: rank for rank, item in enumerate(edits.pinned)}
        user_rank = {item: rank for rank, item in enumerate(edits.order)}
        kept_rank = {item: rank for rank, item in enumerate(self.kept_order)}
        pick_rank = {item: rank for rank, item in enumerate(self.selection)}
        big = len(chosen) + len(edits.order) + len(edits.pinned) + len(kept_rank) + 1

        def own(item_id: int) -> tuple[int, int, int, int]:
            return (
                pin_rank.get(item_id, big),
                user_rank.get(item_id, big),
                kept_rank.get(item_id, big),
                pick_rank[item_id],
            )

        waiting = {i: set(deps) for i, deps in after.items()}
        followers: dict[int, list[int]] = defaultdict(list)
        for item_id, deps in after.items():
            for dep in deps:
                followers[dep].append(item_id)
        # A prerequisite is as urgent as the most urgent item that needs it, so an item the
        # learner moved up pulls its prerequisites up with it instead of waiting behind others.
        urgency: dict[int, tuple[int, int, int, int]] = {}

        def urgent(item_id: int, trail: frozenset[int] = frozenset()) -> tuple[int, int, int, int]:
            if item_id not in urgency:
                found = own(item_id)
                for follower in followers[item_id]:
                    if follower not in trail:
                        found = min(found, urgent(follower, trail | {item_id}))
                urgency[item_id] = found
            return urgency[item_id]

        def key(item_id: int) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
            return (urgent(item_id), own(item_id))

        ready = [(key(i), i) for i, deps in waiting.items() if not deps]
        heapq.heapify(ready)
        ordered: list[int] = []
        while ready:
            _, item_id = heapq.heappop(ready)
            ordered.append(item_id)
            for follower in followers[item_id]:
                waiting[follower].discard(item_id)
                if not waiting[follower]:
                    heapq.heappush(ready, (key(follower), follower))
        return ordered

    def raises(self, item: Item, levels: dict[int, int]) -> list[SkillChange]:
        changes = []
        for taught in item.teaches:
            before = levels.get(taught.skill, 0)
            if taught.level > before:
                changes.append(SkillChange(taught.skill, before, taught.level))
                levels[taught.skill] = taught.level
        return changes

    def build(self, gaps: list[Gap], previous: LearningPath | None) -> LearningPath:
        required = {r.skill: r for r in self.target.requirements}
        gap_by_skill = {g.skill: g for g in gaps}
        levels = {s: k.level for s, k in self.learner.skills.items()}
        weekly = max(self.learner.preferences.weekly_hours, 0.25)
        steps: list[Step] = []
        elapsed = 0.0
        closes_at = 0.0
        for item_id in self.order():
            item = self.catalog.items[item_id]
            kind = self.chosen[item_id]
            changes = self.raises(item, levels)
            reasons = []
            closes_gap = False
            for change in changes:
                name = self.catalog.skill_name(change.skill)
                gap = gap_by_skill.get(change.skill)
                if gap is not None and not gap.remediation:
                    closes_gap = True
                    reasons.append(
                        f"raises {name} from {change.before} to {change.after}, "
                        f"required at {gap.required} for {self.target.label}"
                    )
                elif change.skill in required and kind is not StepKind.PREREQUISITE:
                    reasons.append(f"raises {name} from {change.before} to {change.after}")
            for taught in item.teaches:
                gap = gap_by_skill.get(taught.skill)
                if gap is not None and gap.remediation and taught.level >= gap.required:
                    closes_gap = True
                    known = self.learner.skills[taught.skill]
                    reasons.append(
                        f"refreshes {self.catalog.skill_name(taught.skill)}: your recent answers "
                        f"put mastery at {known.mastery:.0%} (below {REMEDIATE_BELOW:.0%}) "
                        f"although your level {known.level} meets what {self.target.label} "
                        f"requires ({gap.required})"
                    )
                    if kind is StepKind.GAP:
                        kind = StepKind.REMEDIATION
                signal = self.peers.get((taught.skill, gap.required)) if gap else None
                if signal and signal.helped.get(item_id):
                    reasons.append(
                        f"helped {signal.helped[item_id]} of {signal.closers} similar colleagues "
                        f"who closed the {self.catalog.skill_name(taught.skill)} gap"
                    )
            reasons.extend(
                r
                for r in self.reasons.get(item_id, ())
                if self.reason_for.get((item_id, r), item_id) in self.chosen
            )
            if item_id in self.learner.edits.order:
                reasons.append("placed where you put it, as far as prerequisites allow")
            hours = self.remaining_hours(item)
            starts = self.today + dt.timedelta(days=7 * elapsed / weekly)
            elapsed += hours
            ends = self.today + dt.timedelta(days=7 * elapsed / weekly)
            if closes_gap:
                closes_at = elapsed
            steps.append(
                Step(
                    item_id,
                    item.title,
                    kind,
                    tuple(dict.fromkeys(reasons)),
                    tuple(changes),
                    hours,
                    starts,
                    ends,
                )
            )
        skipped = list(self.blocked)
        if previous is not None:
            for step in previous.steps:
                if step.item not in self.chosen and step.item not in dict(self.blocked):
                    skipped.append((step.item, self.why_skipped(step)))
        return LearningPath(
            steps=tuple(steps),
            gaps=tuple(gaps),
            unmet=tuple(self.unmet),
            skipped=tuple(skipped),
            closes_on=None
            if self.unmet
            else self.today + dt.timedelta(days=7 * closes_at / weekly),
            hours=elapsed,
        )

    def why_skipped(self, step: Step) -> str:
        if step.item in self.learner.completed:
            return "completed"
        if step.item in self.learner.edits.dropped:
            return "dropped by you"
        item = self.catalog.items.get(step.item)
        if item is None:
            return "no longer in the catalog"
        mastered = [
            self.catalog.skill_name(t.skill)
            for t in item.teaches
            if (k := self.learner.skills.get(t.skill)) is not None
            and k.mastery is not None
            and k.mastery >= MASTERED_AT
        ]
        if mastered:
            return f"your answers show mastery of {', '.join(mastered)}"
        return "no longer needed for your target"


def plan(
    target: Target,
    learner: Learner,
    catalog: Catalog,
    *,
    today: dt.date,
    peers: Mapping[tuple[int, int], PeerSignal] | None = None,
    previous: LearningPath | None = None,
) -> LearningPath:
    """Plan (or re-plan, given ``previous``) the learner's path towards ``target``."""
    if learner.preferences.weekly_hours <= 0:
        raise ValueError("weekly_hours must be positive")
    planner = _Planner(catalog, target, learner, peers or {}, today)
    if previous is not None:
        # Keep the earlier order where nothing forces a change: stable paths are easier to follow.
        planner.kept_order = tuple(s.item for s in previous.steps)
    gaps = find_gaps(target, learner)
    planner.choose(gaps)
    return planner.build(gaps, previous)


@dataclass(frozen=True, slots=True)
class Closure:
    """One learner closed a gap on ``skill`` up to ``level``, having completed ``items``
    (the items teaching that skill they did before the level rose)."""

    learner: int
    group: str  # what makes learners similar here, e.g. the target role's label
    skill: int
    level: int
    items: tuple[int, ...]


def peer_signals(closures: Iterable[Closure]) -> dict[str, dict[tuple[int, int], PeerSignal]]:
    """Group closures by ``group`` (similar learners) into the planner's ``peers`` mapping."""
    closers: dict[str, dict[tuple[int, int], set[int]]] = defaultdict(lambda: defaultdict(set))
    helped: dict[str, dict[tuple[int, int], dict[int, set[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set))
    )
    for closure in closures:
        key = (closure.skill, closure.level)
        closers[closure.group][key].add(closure.learner)
        for item in closure.items:
            helped[closure.group][key][item].add(closure.learner)
    return {
        group: {
            key: PeerSignal(len(learners), {i: len(ls) for i, ls in helped[group][key].items()})
            for key, learners in by_gap.items()
        }
        for group, by_gap in closers.items()
    }
